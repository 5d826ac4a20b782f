"""The PHEA learning log: grouping by driver and change idea, ramps, HTML/PDF."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from mejora_common.testing import DEMO_NETWORK_ID as NETWORK

Headers = Callable[..., dict[str, str]]
FakeWorld = Any
SCHOOL = "36110edf-0411-5139-acde-e69a973b3d36"


def node(node_id: str, key: str, kind: str, text: str, children: list[Any] | None = None, **extra: Any) -> Any:
    return {
        "id": node_id,
        "key": key,
        "kind": kind,
        "text": text,
        "tags": [],
        "order": 0,
        "children": children or [],
        **extra,
    }


def cycle(cycle_id: str, idea: str | None, created: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": cycle_id,
        "network_id": str(NETWORK),
        "school_id": SCHOOL,
        "change_idea_id": idea,
        "owner_name": "Valentina Rojas",
        "previous_cycle_id": None,
        "title": f"Ciclo {cycle_id}",
        "stage": "plan",
        "act_decision": None,
        "objective": "",
        "questions": [],
        "created_at": created,
        "updated_at": created,
        **extra,
    }


@pytest.fixture
def log_world(world: FakeWorld) -> FakeWorld:
    world.schools[SCHOOL] = {"id": SCHOOL, "name": "Escuela Los Aromos", "network_id": str(NETWORK)}
    # Version 1 had the idea "Preguntas abiertas" with id old-i1; version 2 copied it (same key, new id).
    world.diagrams += [
        {
            "id": "d1",
            "network_id": str(NETWORK),
            "version": 1,
            "status": "published",
            "title": "Diagrama conductor, 1.ª versión",
            "tree": {
                "aim": node(
                    "a1",
                    "k-aim",
                    "aim",
                    "Meta",
                    [
                        node(
                            "p1",
                            "k-p1",
                            "primary",
                            "Interacciones de calidad",
                            [
                                node(
                                    "s1",
                                    "k-s1",
                                    "secondary",
                                    "Retroalimentación",
                                    [
                                        node("old-i1", "k-i1", "change_idea", "Preguntas abiertas"),
                                        node("old-i9", "k-i9", "change_idea", "Idea retirada"),
                                    ],
                                )
                            ],
                        )
                    ],
                ),
                "unlinked": [],
            },
        },
        {
            "id": "d2",
            "network_id": str(NETWORK),
            "version": 2,
            "status": "published",
            "title": "Diagrama conductor, 2.ª versión",
            "tree": {
                "aim": node(
                    "a2",
                    "k-aim",
                    "aim",
                    "Meta",
                    [
                        node(
                            "p2",
                            "k-p1",
                            "primary",
                            "Interacciones de calidad",
                            [
                                node(
                                    "s2",
                                    "k-s1",
                                    "secondary",
                                    "Retroalimentación",
                                    [
                                        node(
                                            "new-i1",
                                            "k-i1",
                                            "change_idea",
                                            "Preguntas abiertas y de seguimiento",
                                            tags=["QF"],
                                        ),
                                        node("new-i2", "k-i2", "change_idea", "Esperar la respuesta", order=1),
                                    ],
                                )
                            ],
                        )
                    ],
                ),
                "unlinked": [],
            },
        },
    ]
    world.cycles += [
        cycle(
            "c1",
            "old-i1",
            "2024-04-01T12:00:00Z",
            stage="closed",
            act_decision="adapt",
            questions=[
                {"text": "¿Responden más? <script>x</script>", "prediction": "Sí, el doble", "result": "Un poco"}
            ],
        ),
        cycle("c2", "new-i1", "2024-05-01T12:00:00Z", previous_cycle_id="c1", stage="act", act_decision="adopt"),
        cycle("c3", "new-i2", "2024-05-02T12:00:00Z"),
        cycle("c4", None, "2024-05-03T12:00:00Z"),
        cycle("c5", "old-i9", "2024-05-04T12:00:00Z"),
        cycle("c6", str(uuid.uuid4()), "2024-05-05T12:00:00Z"),
    ]
    return world


def get(client: TestClient, headers: dict[str, str], fmt: str = "json") -> Any:
    return client.get(f"/api/v1/reports/networks/{NETWORK}/cycles-log", params={"format": fmt}, headers=headers)


def test_grouped_by_driver_and_change_idea_with_ramps(
    client: TestClient, headers: Headers, log_world: FakeWorld
) -> None:
    response = get(client, headers("teacher"))
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["total_cycles"] == 6
    assert data["by_decision"] == {"adopt": 1, "adapt": 1, "abandon": 0}
    assert data["diagram_title"] == "Diagrama conductor, 2.ª versión"
    first = data["drivers"][0]
    assert (first["primary"], first["secondary"]) == ("Interacciones de calidad", "Retroalimentación")
    ideas = first["change_ideas"]
    assert [i["text"] for i in ideas] == ["Preguntas abiertas y de seguimiento", "Esperar la respuesta"]
    # c1 (linked to the idea's old id) and c2 (continuing c1) make one ramp, in order.
    assert [[c["id"] for c in ramp["cycles"]] for ramp in ideas[0]["ramps"]] == [["c1", "c2"]]
    c1 = ideas[0]["ramps"][0]["cycles"][0]
    assert c1["questions"][0]["prediction"] == "Sí, el doble"
    assert c1["decision_label"] == "Adaptar"
    assert c1["school"] == "Escuela Los Aromos"
    # An idea that left the diagram, then cycles without a known idea, come last.
    assert data["drivers"][1]["secondary"] == "Ideas de cambio fuera del diagrama vigente"
    assert data["drivers"][1]["change_ideas"][0]["text"] == "Idea retirada"
    loose = data["drivers"][-1]["change_ideas"][0]
    assert [c["id"] for ramp in loose["ramps"] for c in ramp["cycles"]] == ["c4", "c6"]
    # Read with the caller's token: the cycles service decides which cycles she may see.
    assert {c.role for c in log_world.calls} == {"teacher"}


def test_html_escapes_and_pdf_is_valid(client: TestClient, headers: Headers, log_world: FakeWorld) -> None:
    response = get(client, headers(), "html")
    assert response.status_code == 200
    html = response.text
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "Predicción: Sí, el doble" in html
    pdf = get(client, headers(), "pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Bitácora de ciclos PHEA" in text
    assert "Preguntas abiertas y de seguimiento" in text


def test_non_member_gets_404(client: TestClient, headers: Headers, log_world: FakeWorld) -> None:
    assert get(client, headers("coordinator", uuid.uuid4())).status_code == 404


def test_empty_log(client: TestClient, headers: Headers, world: FakeWorld) -> None:
    data = get(client, headers()).json()
    assert data["drivers"] == []
    assert "Aún no hay ciclos PHEA" in get(client, headers(), "html").text
