"""The observations service behind the gateway, checked against the real cycles service."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from mejora_common.testing import DEMO_FILE, DEMO_NETWORK_ID

pytestmark = pytest.mark.e2e

DIRECTORY = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
PEOPLE = {p["email"]: p for p in DIRECTORY["people"] if p.get("email")}


def body(teacher_email: str, **changes: Any) -> dict[str, Any]:
    teacher = PEOPLE[teacher_email]
    with_scores = {"PC": 5, "NC": 2, "TS": 5, "RSP": 4, "BM": 5, "PD": 5, "ILF": 4, "CD": 2, "QF": 2, "LM": 2}
    data: dict[str, Any] = {
        "instrument_id": None,
        "network_id": str(DEMO_NETWORK_ID),
        "school_id": teacher["school_id"],
        "teacher_id": teacher["id"],
        "level": teacher["levels"][0],
        "observed_on": "2024-09-10",
        "wave": "2024-3",
        "cycles": [{"number": n, "scores": dict(with_scores)} for n in range(1, 5)],
        "evidence": {"QF": "Pide a los niños explicar cómo llegaron a su respuesta."},
    }
    data.update(changes)
    return data


def test_observation_lifecycle_through_the_gateway(system: Any) -> None:
    coach = {"Authorization": f"Bearer {system.token('acompanante@demo.cl')}"}
    leader = {"Authorization": f"Bearer {system.token('direccion@demo.cl')}"}
    teacher = {"Authorization": f"Bearer {system.token('educadora02@demo.cl')}"}
    with system.client() as client:
        instruments = client.get("/api/v1/instruments", headers=coach).json()["items"]
        class_id = next(i["id"] for i in instruments if i["code"] == "class-prek-k3")
        oid = str(uuid.uuid4())
        draft = body("educadora02@demo.cl", instrument_id=class_id)
        assert client.put(f"/api/v1/observations/{oid}", json=draft, headers=coach).status_code == 201
        replay = client.put(f"/api/v1/observations/{oid}", json=draft, headers=coach)
        assert replay.status_code == 200
        unknown = client.put(
            f"/api/v1/observations/{uuid.uuid4()}", json={**draft, "school_id": str(uuid.uuid4())}, headers=coach
        )
        assert unknown.status_code == 422
        assert unknown.json()["errors"][0]["field"] == "school_id"
        assert client.get(f"/api/v1/observations/{oid}", headers=teacher).status_code == 404  # a draft
        without_etag = client.post(f"/api/v1/observations/{oid}/submit", headers=coach)
        assert without_etag.status_code == 428
        submitted = client.post(
            f"/api/v1/observations/{oid}/submit", headers={**coach, "If-Match": replay.headers["etag"]}
        )
        assert submitted.status_code == 200
        assert client.get(f"/api/v1/observations/{oid}", headers=teacher).status_code == 200
        assert client.get(f"/api/v1/observations/{oid}/scores", headers=leader).status_code == 404
        scores = client.get(f"/api/v1/observations/{oid}/scores", headers=teacher).json()
        assert [d["code"] for d in scores["domains"]] == ["ES", "CO", "IS"]
        coordinator = {"Authorization": f"Bearer {system.token('coordinacion@demo.cl')}"}
        exported = client.get(
            "/api/v1/observations:export",
            params={"network_id": str(DEMO_NETWORK_ID), "wave": "2024-3"},
            headers=coordinator,
        )
        assert exported.status_code == 200
        assert len(exported.text.strip().splitlines()) == 1 + 4 * 10
        reliability = client.get(
            "/api/v1/reliability", params={"network_id": str(DEMO_NETWORK_ID)}, headers=coordinator
        ).json()
        assert reliability["observation_pairs"] >= 5  # the demo's double codings


def test_cycles_down_gives_503_naming_it_and_stores_nothing(system: Any) -> None:
    coach = {"Authorization": f"Bearer {system.token('acompanante@demo.cl')}"}
    with system.client() as client:
        instruments = client.get("/api/v1/instruments", headers=coach).json()["items"]
        class_id = next(i["id"] for i in instruments if i["code"] == "class-prek-k3")
        oid = str(uuid.uuid4())
        system.stop("cycles")
        try:
            response = client.put(
                f"/api/v1/observations/{oid}", json=body("educadora03@demo.cl", instrument_id=class_id), headers=coach
            )
            assert response.status_code == 503
            assert response.json()["service"] == "cycles"
            assert "ciclos" in response.json()["detail"]
        finally:
            system.start("cycles")
        assert client.get(f"/api/v1/observations/{oid}", headers=coach).status_code == 404
