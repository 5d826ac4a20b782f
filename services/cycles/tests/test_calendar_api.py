"""Events, the year plan and barriers."""

import uuid
from typing import Any

from fastapi.testclient import TestClient

from mejora_common.testing import DEMO_NETWORK_ID, auth_header, make_principal, make_token

NET = f"/api/v1/networks/{DEMO_NETWORK_ID}"
AROMOS = "36110edf-0411-5139-acde-e69a973b3d36"
NERUDA = "0dde0b3d-df14-54b7-a601-98df18fcd9d1"
TEACHER_ID = "61354fe3-417e-5c93-87df-20e4ad859d39"


def event(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    return client.post(
        f"{NET}/events", json={"title": "Evento", "starts_at": "2030-04-10T09:00:00", **body}, headers=headers
    )


def test_events_calendar_and_filters(client: TestClient, bearer: Any) -> None:
    coordinator = bearer("coordinacion@demo.cl")
    for month in (4, 7, 10):
        response = event(
            client, coordinator, kind="learning_session", title=f"SA {month}", starts_at=f"2030-{month:02d}-10T09:00:00"
        )
        assert response.status_code == 201, response.text
    visit = event(client, coordinator, kind="coaching_visit", school_ids=[AROMOS], attendance=[TEACHER_ID]).json()
    assert visit["kind_label"] == "Acompañamiento situado"
    assert visit["starts_at"].startswith("2030-04-10T13:00:00")  # 09:00 in Santiago (UTC-4 in April)
    sessions = client.get(f"{NET}/events?kind=learning_session&year=2030", headers=coordinator).json()
    assert sessions["total"] == 3
    assert client.get(f"{NET}/events?school_id={AROMOS}&year=2030", headers=coordinator).json()["total"] == 1
    plan = client.get(f"{NET}/calendar?year=2030", headers=bearer("educadora@demo.cl")).json()
    assert plan["counts"]["learning_session"] == 3 and plan["counts"]["coaching_visit"] == 1
    assert plan["months"][3]["name"] == "abril" and len(plan["months"][3]["events"]) == 2
    assert all(flag["code"] != "learning_sessions_below" for flag in plan["flags"])
    aromos = next(s for s in plan["schools"] if s["school_id"] == AROMOS)
    assert (aromos["visits"], aromos["missing"]) == (1, 3)
    assert client.get(f"{NET}/calendar", headers=coordinator).status_code == 422


def test_event_validation_and_edit_rules(client: TestClient, bearer: Any) -> None:
    coordinator = bearer("coordinacion@demo.cl")
    bad = event(client, coordinator, kind="fiesta", starts_at="mañana")
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {"kind", "starts_at"}
    backwards = event(client, coordinator, kind="expert_meeting", ends_at="2030-04-10T08:00:00")
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "ends_at"
    leader = bearer("direccion@demo.cl")
    assert event(client, leader, kind="learning_session").status_code == 403
    assert event(client, leader, kind="school_visit", school_ids=[NERUDA]).status_code == 403
    own = event(client, leader, kind="school_visit", school_ids=[AROMOS])
    assert own.status_code == 201
    patched = client.patch(
        f"/api/v1/events/{own.json()['id']}",
        json={"agreements": "Compartir rutinas"},
        headers={**leader, "If-Match": own.headers["ETag"]},
    )
    assert patched.json()["agreements"] == "Compartir rutinas"
    coach = bearer("acompanante@demo.cl")
    assert event(client, coach, kind="coaching_visit", school_ids=[NERUDA]).status_code == 201
    assert event(client, bearer("educadora@demo.cl"), kind="coaching_visit", school_ids=[AROMOS]).status_code == 403
    outsider = auth_header(make_token(make_principal("coordinator", uuid.uuid4())))
    assert client.get(f"/api/v1/events/{own.json()['id']}", headers=outsider).status_code == 404
    assert client.get(f"{NET}/calendar?year=2030", headers=outsider).status_code == 404


def test_barriers_lifecycle_and_visibility(client: TestClient, bearer: Any) -> None:
    teacher = bearer("educadora@demo.cl")
    created = client.post(
        f"{NET}/barriers",
        json={
            "description": "No hay tiempo no lectivo para planificar en equipo",
            "level": "school",
            "school_id": AROMOS,
        },
        headers=teacher,
    )
    assert created.status_code == 201, created.text
    barrier = created.json()
    assert barrier["status"] == "open" and barrier["raised_by_id"] == TEACHER_ID
    coordinator = bearer("coordinacion@demo.cl")
    other = client.post(
        f"{NET}/barriers",
        json={"description": "Sala sin espacio", "level": "classroom", "school_id": NERUDA},
        headers=coordinator,
    ).json()
    teacher_sees = {b["id"] for b in client.get(f"{NET}/barriers", headers=teacher).json()["items"]}
    assert teacher_sees == {barrier["id"]}
    assert client.get(f"/api/v1/barriers/{other['id']}", headers=teacher).status_code == 404
    leader = bearer("direccion@demo.cl")
    leader_sees = {b["id"] for b in client.get(f"{NET}/barriers", headers=leader).json()["items"]}
    assert barrier["id"] in leader_sees and other["id"] not in leader_sees
    resolved_before = client.get(f"{NET}/barriers?status=resolved", headers=coordinator).json()["total"]
    url = f"/api/v1/barriers/{barrier['id']}"
    etag = client.get(url, headers=coordinator).headers["ETag"]
    unresolved = client.patch(url, json={"status": "resolved"}, headers={**coordinator, "If-Match": etag})
    assert unresolved.status_code == 422 and unresolved.json()["errors"][0]["field"] == "resolution"
    escalated = client.patch(
        url, json={"status": "escalated", "level": "slep"}, headers={**coordinator, "If-Match": etag}
    )
    assert escalated.json()["status"] == "escalated" and escalated.headers["ETag"] != etag
    resolved = client.patch(
        url,
        json={"status": "resolved", "resolution": "El SLEP asignó dos horas semanales"},
        headers={**leader, "If-Match": escalated.headers["ETag"]},
    )
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    assert client.get(f"{NET}/barriers?status=resolved", headers=coordinator).json()["total"] == resolved_before + 1
    assert (
        client.post(f"{NET}/barriers", json={"description": "x", "level": "aula"}, headers=teacher).status_code == 422
    )
    assert (
        client.post(
            f"{NET}/barriers", json={"description": "x", "level": "school", "school_id": NERUDA}, headers=teacher
        ).status_code
        == 403
    )
    outsider = auth_header(make_token(make_principal("coordinator", uuid.uuid4())))
    assert client.get(f"/api/v1/barriers/{barrier['id']}", headers=outsider).status_code == 404
