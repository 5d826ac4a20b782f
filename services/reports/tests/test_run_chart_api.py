"""``GET /api/v1/measures/{id}/run-chart`` against fake cycles service data."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from defusedxml import ElementTree
from fastapi.testclient import TestClient

from mejora_common.testing import DEMO_NETWORK_ID as NETWORK
from mejora_common.testing import free_port

Headers = Callable[..., dict[str, str]]
FakeWorld = Any  # the `world` fixture (conftest.FakeWorld)
OTHER_NETWORK = uuid.UUID("00000000-0000-4000-8000-0000000000ff")
MEASURE = "7b7c0000-0000-4000-8000-000000000001"
SCHOOL_A = "36110edf-0411-5139-acde-e69a973b3d36"
SCHOOL_B = "0dde0b3d-df14-54b7-a601-98df18fcd9d1"

# Percentage of classes with an explicit learning objective, monthly, 2024:
# March-August around 0.40, September-February around 0.70 (after the change in August).
VALUES = [0.40, 0.42, 0.38, 0.41, 0.39, 0.43, 0.70, 0.72, 0.69, 0.71, 0.74, 0.73]


def month(i: int) -> str:
    year, m = divmod(2 + i, 12)
    return f"{2024 + year}-{m + 1:02d}-01"


@pytest.fixture
def measure_world(world: FakeWorld) -> FakeWorld:
    world.measures[MEASURE] = {
        "id": MEASURE,
        "network_id": str(NETWORK),
        "name": "Clases con objetivo explícito <script>alert(1)</script>",
        "kind": "process",
        "unit": "% de clases",
        "value_type": "proportion",
        "direction": "up",
        "frequency": "monthly",
    }
    world.points[MEASURE] = [
        {"period": month(i), "value": v, "numerator": v * 100, "denominator": 100, "school_id": None, "note": ""}
        for i, v in enumerate(VALUES)
    ]
    # A school's own point must not mix into the network series.
    world.points[MEASURE].append(
        {"period": month(0), "value": 0.9, "numerator": 9, "denominator": 10, "school_id": SCHOOL_A, "note": ""}
    )
    world.events += [
        {
            "id": "e1",
            "network_id": str(NETWORK),
            "kind": "learning_session",
            "title": "Segunda sesión de aprendizaje",
            # 15 August 2024, 10:00 in Santiago (UTC-4): between the August and September points.
            "starts_at": "2024-08-15T14:00:00Z",
        },
        {
            "id": "e2",
            "network_id": str(NETWORK),
            "kind": "learning_session",
            "title": "Sesión del año anterior",
            "starts_at": "2023-11-15T14:00:00Z",
        },
        {
            "id": "e3",
            "network_id": str(NETWORK),
            "kind": "coaching_visit",
            "title": "Acompañamiento",
            "starts_at": "2024-05-15T14:00:00Z",
        },
    ]
    return world


def get(client: TestClient, headers: dict[str, str], **params: Any) -> Any:
    return client.get(f"/api/v1/measures/{MEASURE}/run-chart", params=params, headers=headers)


def test_run_chart_json(client: TestClient, headers: Headers, measure_world: FakeWorld) -> None:
    response = get(client, headers("teacher"))
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["scope"] == "network"
    assert [p["value"] for p in data["points"]] == VALUES
    assert data["points"][0]["label"] == "mar 2024"
    analysis = data["analysis"]
    # Median of the 12 values = (0.43 + 0.69) / 2 = 0.56: six below, then six above -> two shifts.
    assert analysis["median"] == pytest.approx(0.56)
    assert analysis["shifts"] == [{"start": 0, "end": 5}, {"start": 6, "end": 11}]
    assert analysis["runs_signal"] is True
    assert all(p["signal"] for p in data["points"])
    assert data["points"][7]["signal_kinds"] == ["shift"]
    # Only learning sessions are asked for and marked; the one before the data has no position.
    assert [e["id"] for e in data["events"]] == ["e2", "e1"]
    august = data["events"][1]
    assert august["date_label"] == "15 de agosto de 2024"
    # 15 Aug lies 14/31 of the way from August (index 5) to September (index 6).
    assert august["position"] == pytest.approx(5 + 14 / 31)
    assert data["events"][0]["position"] is None
    assert data["interpretation"][1].startswith("Desplazamiento: 6 puntos seguidos sobre la mediana")
    assert "del lado favorable" in data["interpretation"][1]
    assert "del lado desfavorable" in data["interpretation"][0]
    assert data["chart"]["percent"] is True
    events_call = next(c for c in measure_world.calls if c.path.endswith("/events"))
    assert events_call.params["kind"] == "learning_session"


def test_run_chart_reads_with_the_callers_token(client: TestClient, headers: Headers, measure_world: FakeWorld) -> None:
    get(client, headers("teacher"))
    roles = {c.role for c in measure_world.calls if c.service == "cycles"}
    assert roles == {"teacher"}
    # Not a member of the measure's network: the cycles service says 404, and so do we.
    response = get(client, headers("coordinator", OTHER_NETWORK))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_run_chart_svg_escapes_text_and_marks_signals_and_sessions(
    client: TestClient, headers: Headers, measure_world: FakeWorld
) -> None:
    response = get(client, headers("teacher"), format="svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    svg = response.text
    root = ElementTree.fromstring(svg)  # well-formed XML (defusedxml: no entities, no external references)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert len(re.findall(r'class="point signal"', svg)) == 12
    assert len(re.findall(r'<g class="event"', svg)) == 1
    assert "Segunda sesión de aprendizaje (15 de agosto de 2024)" in svg
    png = get(client, headers("teacher"), format="png")
    assert png.content.startswith(b"\x89PNG")


def test_school_series_and_combined_schools(client: TestClient, headers: Headers, measure_world: FakeWorld) -> None:
    data = get(client, headers(), school_id=SCHOOL_A).json()
    assert data["scope"] == "school"
    assert [p["value"] for p in data["points"]] == [0.9]
    # Only school points: combined per period as the pooled proportion.
    measure_world.points[MEASURE] = [
        {"period": "2024-03-01", "value": 0.5, "numerator": 5, "denominator": 10, "school_id": SCHOOL_A, "note": ""},
        {"period": "2024-03-01", "value": 0.2, "numerator": 6, "denominator": 30, "school_id": SCHOOL_B, "note": ""},
        {"period": "2024-04-01", "value": 0.4, "numerator": 4, "denominator": 10, "school_id": SCHOOL_A, "note": ""},
    ]
    data = get(client, headers()).json()
    assert data["scope"] == "schools_combined"
    assert [p["value"] for p in data["points"]] == pytest.approx([11 / 40, 0.4])
    assert data["points"][0]["note"] == "2 establecimientos"


def test_empty_measure(client: TestClient, headers: Headers, measure_world: FakeWorld) -> None:
    measure_world.points[MEASURE] = []
    data = get(client, headers()).json()
    assert data["points"] == []
    assert data["analysis"]["n"] == 0
    assert get(client, headers(), format="svg").status_code == 200


def test_unknown_measure_is_404(client: TestClient, headers: Headers, measure_world: FakeWorld) -> None:
    response = client.get(f"/api/v1/measures/{uuid.uuid4()}/run-chart", headers=headers())
    assert response.status_code == 404
    assert client.get("/api/v1/measures/no-es-uuid/run-chart", headers=headers()).status_code == 422


def test_cycles_service_down_is_503_naming_it(make_client: Callable[..., TestClient], headers: Headers) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    with make_client(dead, dead) as client:
        response = get(client, headers())
    assert response.status_code == 503
    body = response.json()
    assert body["service"] == "cycles"
    assert "ciclos" in body["detail"]


def test_the_frontend_renders_the_same_chart_spec(
    client: TestClient, headers: Headers, measure_world: FakeWorld
) -> None:
    spec = get(client, headers("teacher")).json()["chart"]
    rendered = client.post("/api/v1/reports/charts:render", json=spec, headers=headers("teacher"))
    assert rendered.status_code == 200
    assert rendered.headers["content-type"].startswith("image/svg+xml")
    assert rendered.text == get(client, headers("teacher"), format="svg").text
    bad = client.post("/api/v1/reports/charts:render", json={"type": "pie"}, headers=headers())
    assert bad.status_code == 422
    assert client.post("/api/v1/reports/charts:render", json=spec).status_code == 401
