"""Phases of a measure (issue 15, points 1 and 2): confirmed by a person with a reason, or a proposal dismissed."""

from typing import Any

from fastapi.testclient import TestClient

from mejora_common.testing import DEMO_NETWORK_ID

from .test_measures_api import make_measure

NET = f"/api/v1/networks/{DEMO_NETWORK_ID}"


def test_confirm_a_phase_with_a_reason_and_who(client: TestClient, bearer: Any) -> None:
    facilitator = bearer("facilitacion@demo.cl")
    measure = make_measure(client, facilitator)
    url = f"/api/v1/measures/{measure['id']}/phases"
    assert client.get(url, headers=facilitator).json()["total"] == 0
    no_reason = client.post(url, json={"start_period": "2024-04-01", "reason": " "}, headers=facilitator)
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    body = {"start_period": "2024-04-17", "reason": "Sesión de aprendizaje sobre preguntas abiertas", "proposed": True}
    created = client.post(url, json={**body, "baseline_points": 6}, headers=facilitator)
    assert created.status_code == 201, created.text
    phase = created.json()
    # The start is normalised like the points' periods (monthly: the 1st), and who confirmed it is recorded.
    assert phase["start_period"] == "2024-04-01" and phase["baseline_points"] == 6 and phase["proposed"] is True
    assert phase["confirmed_by_name"] and phase["confirmed_by_id"] and created.headers["ETag"] == '"1"'
    twice = client.post(url, json=body, headers=facilitator)
    assert twice.status_code == 409 and twice.json()["code"] == "phase_exists"
    listed = client.get(url, headers=bearer("educadora@demo.cl")).json()
    assert [p["start_period"] for p in listed["items"]] == ["2024-04-01"]


def test_phase_changes_need_if_match_and_a_theory_editor(client: TestClient, bearer: Any) -> None:
    coordinator = bearer("coordinacion@demo.cl")
    measure = make_measure(client, coordinator)
    url = f"/api/v1/measures/{measure['id']}/phases"
    teacher = bearer("educadora@demo.cl")
    assert client.post(url, json={"start_period": "2024-04-01", "reason": "x"}, headers=teacher).status_code == 403
    assert (
        client.post(
            url, json={"start_period": "2024-04-01", "reason": "x"}, headers=bearer("direccion@demo.cl")
        ).status_code
        == 403
    )
    phase = client.post(
        url, json={"start_period": "2024-04-01", "reason": "Cambio de horario"}, headers=coordinator
    ).json()
    one = f"{url}/{phase['id']}"
    assert client.patch(one, json={"reason": "Nuevo horario de lectura"}, headers=coordinator).status_code == 428
    stale = client.patch(one, json={"reason": "a"}, headers={**coordinator, "If-Match": '"7"'})
    assert stale.status_code == 412
    patched = client.patch(one, json={"reason": "Nuevo horario de lectura"}, headers={**coordinator, "If-Match": '"1"'})
    assert patched.status_code == 200 and patched.json()["version"] == 2 and patched.headers["ETag"] == '"2"'
    assert client.delete(one, headers={**coordinator, "If-Match": '"1"'}).status_code == 412
    assert client.delete(one, headers={**coordinator, "If-Match": '"2"'}).status_code == 204
    assert client.get(one, headers=coordinator).status_code == 404


def test_a_retried_confirmation_creates_one_phase(client: TestClient, bearer: Any) -> None:
    coordinator = bearer("coordinacion@demo.cl")
    measure = make_measure(client, coordinator)
    url = f"/api/v1/measures/{measure['id']}/phases"
    body = {"id": "7b7c0000-0000-4000-8000-00000000aaaa", "start_period": "2024-05-01", "reason": "Nueva rutina"}
    assert client.post(url, json=body, headers=coordinator).status_code == 201
    assert client.post(url, json=body, headers=coordinator).status_code == 200
    keyed = {**coordinator, "Idempotency-Key": "fase-junio"}
    first = client.post(url, json={"start_period": "2024-06-01", "reason": "Otra"}, headers=keyed)
    second = client.post(url, json={"start_period": "2024-06-01", "reason": "Otra"}, headers=keyed)
    assert first.status_code == 201 and second.status_code == 201 and first.json()["id"] == second.json()["id"]
    assert client.get(url, headers=coordinator).json()["total"] == 2


def test_dismissing_a_proposal_is_recorded_with_the_reason(client: TestClient, bearer: Any) -> None:
    facilitator = bearer("facilitacion@demo.cl")
    measure = make_measure(client, facilitator)
    url = f"/api/v1/measures/{measure['id']}/phase-dismissals"
    assert client.post(url, json={"start_period": "2024-04-01"}, headers=facilitator).status_code == 422
    assert (
        client.post(
            url, json={"start_period": "2024-04-01", "reason": "x"}, headers=bearer("educadora@demo.cl")
        ).status_code
        == 403
    )
    dismissed = client.post(
        url,
        json={"start_period": "2024-04-09", "reason": "Cambió la forma de contar; no es mejora"},
        headers=facilitator,
    )
    assert dismissed.status_code == 201
    row = dismissed.json()
    assert row["start_period"] == "2024-04-01" and row["dismissed_by_name"] and row["reason"].startswith("Cambió")
    assert client.get(url, headers=bearer("educadora@demo.cl")).json()["items"][0]["id"] == row["id"]
    # A dismissal does not create a phase.
    assert client.get(f"/api/v1/measures/{measure['id']}/phases", headers=facilitator).json()["total"] == 0


def test_phases_of_another_networks_measure_are_not_found(client: TestClient, bearer: Any, login: Any) -> None:
    coordinator = bearer("coordinacion@demo.cl")
    measure = make_measure(client, coordinator)
    phase = client.post(
        f"/api/v1/measures/{measure['id']}/phases",
        json={"start_period": "2024-04-01", "reason": "x"},
        headers=coordinator,
    ).json()
    other = make_measure(client, coordinator, name="Otra medida")
    assert client.get(f"/api/v1/measures/{other['id']}/phases/{phase['id']}", headers=coordinator).status_code == 404
