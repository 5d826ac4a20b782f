"""The view log of teacher-level data: every read of a teacher's data by someone else leaves a row; the teacher
reads them at /me/access-log, coordinators at /observations:access-log; aggregates and own reads are not logged;
retention purges old rows."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from mejora_common.auth import AGGREGATE_PURPOSE, INTEGRATION_ROLE, Membership, Principal, issue_service_token
from mejora_common.testing import DEMO_NETWORK_ID, TEST_KEYS, make_token, service_token
from observations_service.domain.view_log import Shown, Viewer, entries, kind_of, retention_cutoff
from observations_service.main import purge_view_log
from observations_service.models import ViewLogEntry

from .conftest import PEOPLE_BY_EMAIL, demo_principal

Headers = Callable[[str], dict[str, str]]
COACH = "acompanante@demo.cl"
COORDINATOR = "coordinacion@demo.cl"
TEACHER = "educadora@demo.cl"
TEACHER_ID = PEOPLE_BY_EMAIL[TEACHER]["id"]
ME = "/api/v1/me/access-log"
NETWORK_LOG = "/api/v1/observations:access-log"


def submitted(client: TestClient, headers: Headers, draft: Any) -> str:
    oid = str(uuid.uuid4())
    put = client.put(f"/api/v1/observations/{oid}", json=draft(), headers=headers(COACH))
    assert put.status_code == 201, put.text
    done = client.post(
        f"/api/v1/observations/{oid}/submit", headers={**headers(COACH), "If-Match": put.headers["ETag"]}
    )
    assert done.status_code == 200, done.text
    return oid


def my_log(client: TestClient, headers: Headers) -> list[dict[str, Any]]:
    answer = client.get(ME, headers=headers(TEACHER))
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def test_each_read_of_a_teacher_s_data_is_logged_and_she_sees_who(
    client: TestClient, headers: Headers, draft: Any
) -> None:
    oid = submitted(client, headers, draft)
    assert my_log(client, headers) == []  # recording and submitting are not reads
    for path in (
        f"/api/v1/observations/{oid}",
        f"/api/v1/observations/{oid}/scores",
        f"/api/v1/observations/{oid}/amendments",
        f"/api/v1/observations?teacher_id={TEACHER_ID}",
        f"/api/v1/observations:scores?network_id={DEMO_NETWORK_ID}",
        f"/api/v1/observations:export?network_id={DEMO_NETWORK_ID}",
    ):
        assert client.get(path, headers=headers(COORDINATOR)).status_code == 200, path
    log = my_log(client, headers)
    assert [e["kind"] for e in log] == [
        "export",
        "scores_export",
        "observations",
        "amendments",
        "scores",
        "observation",
    ]
    coordinator = PEOPLE_BY_EMAIL[COORDINATOR]
    for entry in log:
        assert entry["teacher_id"] == TEACHER_ID and entry["network_id"] == str(DEMO_NETWORK_ID)
        assert entry["viewer"]["name"] == coordinator["name"] and entry["viewer"]["role"] == "coordinator"
        assert entry["viewer"]["person_id"] == coordinator["id"] and entry["client"] == "web"
        assert entry["observation_ids"] == [oid]
    assert log[2]["filters"] == {"teacher_id": TEACHER_ID}
    assert log[0]["filters"]["network_id"] == str(DEMO_NETWORK_ID)


def test_the_teacher_s_own_reads_and_aggregate_computations_are_not_logged(
    client: TestClient, headers: Headers, draft: Any
) -> None:
    oid = submitted(client, headers, draft)
    client.get(f"/api/v1/observations/{oid}", headers=headers(TEACHER))
    client.get(f"/api/v1/observations/{oid}/scores", headers=headers(TEACHER))
    aggregate = {"Authorization": f"Bearer {service_token('reports', 'observations', purpose=AGGREGATE_PURPOSE)}"}
    assert client.get(f"/api/v1/observations:scores?network_id={DEMO_NETWORK_ID}", headers=aggregate).status_code == 200
    assert client.get(f"/api/v1/observations/{oid}/scores", headers=aggregate).status_code == 200
    assert my_log(client, headers) == []


def test_a_read_through_reports_names_the_person_and_the_client(
    client: TestClient, headers: Headers, draft: Any
) -> None:
    oid = submitted(client, headers, draft)
    coach = demo_principal(COACH)
    on_behalf = {"Authorization": f"Bearer {service_token('reports', 'observations', actor=coach)}"}
    assert client.get(f"/api/v1/observations/{oid}/scores", headers=on_behalf).status_code == 200
    (entry,) = my_log(client, headers)
    assert entry["client"] == "reports" and entry["viewer"]["name"] == coach.name
    assert entry["viewer"]["role"] == "coach" and entry["viewer"]["account_id"] == str(coach.account_id)
    # ... with the person's rights, not a service's: another coach reading through reports gets 404, unlogged.
    other_coach = demo_principal("acompanante2@demo.cl")
    other = {"Authorization": f"Bearer {service_token('reports', 'observations', actor=other_coach)}"}
    assert client.get(f"/api/v1/observations/{oid}", headers=other).status_code == 404
    assert len(my_log(client, headers)) == 1


def test_a_read_for_a_feedback_or_a_trajectory_is_logged_as_such(
    client: TestClient, headers: Headers, draft: Any
) -> None:
    oid = submitted(client, headers, draft)
    coordinator = demo_principal(COORDINATOR)
    for purpose in ("feedback", "trajectory", "something-else"):
        token = issue_service_token(
            "reports", TEST_KEYS.signer("reports"), audience="observations", actor=coordinator, purpose=purpose
        )
        client.get(f"/api/v1/observations/{oid}/scores", headers={"Authorization": f"Bearer {token}"})
    # The purpose only names what a sibling read for; one the log does not know keeps the endpoint's kind.
    assert [e["kind"] for e in my_log(client, headers)] == ["scores", "trajectory", "feedback"]


def test_a_service_reading_for_itself_without_the_aggregate_purpose_is_logged(
    client: TestClient, headers: Headers, draft: Any
) -> None:
    oid = submitted(client, headers, draft)
    assert client.get(f"/api/v1/observations/{oid}", headers=headers("service")).status_code == 200
    (entry,) = my_log(client, headers)
    assert entry["client"] == "service:reports" and entry["viewer"]["role"] == "service"


def test_a_list_logs_one_row_per_teacher_shown(client: TestClient, headers: Headers, draft: Any) -> None:
    first, second = submitted(client, headers, draft), submitted(client, headers, draft)
    other = submitted(client, headers, lambda: draft(teacher="educadora02@demo.cl"))
    assert client.get("/api/v1/observations", headers=headers(COORDINATOR)).json()["total"] == 3
    (entry,) = my_log(client, headers)
    assert entry["kind"] == "observations" and set(entry["observation_ids"]) == {first, second}
    network = client.get(NETWORK_LOG, params={"network_id": str(DEMO_NETWORK_ID)}, headers=headers(COORDINATOR))
    assert network.status_code == 200 and network.json()["total"] == 2
    by_teacher = {e["teacher_id"]: e["observation_ids"] for e in network.json()["items"]}
    assert by_teacher[PEOPLE_BY_EMAIL["educadora02@demo.cl"]["id"]] == [other]


def test_the_network_log_is_for_coordinators_filtered_and_paginated(
    client: TestClient, headers: Headers, draft: Any
) -> None:
    oid = submitted(client, headers, draft)
    for _ in range(3):
        client.get(f"/api/v1/observations/{oid}", headers=headers(COACH))
    params = {"network_id": str(DEMO_NETWORK_ID)}
    for who in (COACH, TEACHER, "direccion@demo.cl", "facilitacion@demo.cl"):
        assert client.get(NETWORK_LOG, params=params, headers=headers(who)).status_code == 403, who
    assert client.get(NETWORK_LOG, params=params, headers=headers("outsider")).status_code == 404
    page = client.get(NETWORK_LOG, params={**params, "limit": 2}, headers=headers(COORDINATOR)).json()
    assert (page["total"], len(page["items"])) == (3, 2)
    rest = client.get(NETWORK_LOG, params={**params, "limit": 2, "offset": 2}, headers=headers(COORDINATOR)).json()
    assert len(rest["items"]) == 1
    seen = [e["viewed_at"] for e in page["items"] + rest["items"]]
    assert seen == sorted(seen, reverse=True)
    other_teacher = PEOPLE_BY_EMAIL["educadora02@demo.cl"]["id"]
    filtered = client.get(NETWORK_LOG, params={**params, "teacher_id": other_teacher}, headers=headers(COORDINATOR))
    assert filtered.json()["total"] == 0
    today = datetime.now(UTC).date()
    window = {"viewed_from": str(today - timedelta(days=1)), "viewed_to": str(today)}
    assert client.get(NETWORK_LOG, params={**params, **window}, headers=headers(COORDINATOR)).json()["total"] == 3
    before = {"viewed_to": str(today - timedelta(days=1))}
    assert client.get(NETWORK_LOG, params={**params, **before}, headers=headers(COORDINATOR)).json()["total"] == 0
    backwards = {"viewed_from": str(today), "viewed_to": str(today - timedelta(days=1))}
    assert client.get(NETWORK_LOG, params={**params, **backwards}, headers=headers(COORDINATOR)).status_code == 422


def test_the_log_is_append_only_through_the_api(client: TestClient, headers: Headers) -> None:
    for method in ("put", "patch", "delete", "post"):
        for path in (ME, NETWORK_LOG + f"?network_id={DEMO_NETWORK_ID}"):
            assert getattr(client, method)(path, headers=headers(COORDINATOR)).status_code in (404, 405), (method, path)
    operations = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    for path, item in operations.items():
        if "access-log" in path:
            assert set(item) == {"get"}, path


def test_integration_clients_cannot_read_the_log(client: TestClient) -> None:
    client_id = uuid.uuid4()
    integration = Principal(
        account_id=client_id,
        email="",
        name="SIGE",
        role=INTEGRATION_ROLE,
        memberships=(Membership(DEMO_NETWORK_ID, client_id, INTEGRATION_ROLE),),
        scopes=("aggregates:read", "directory:read"),
    )
    auth = {"Authorization": f"Bearer {make_token(integration)}"}
    assert client.get(ME, headers=auth).status_code == 403
    assert client.get(NETWORK_LOG, params={"network_id": str(DEMO_NETWORK_ID)}, headers=auth).status_code == 403


def test_retention_purges_old_rows_only(app_factory: Callable[..., FastAPI]) -> None:
    app = app_factory()
    engine = app.state.engine
    now = datetime.now(UTC)
    with Session(engine) as session:
        for age in (1, 729, 731, 2000):
            session.add(
                ViewLogEntry(
                    viewed_at=now - timedelta(days=age),
                    network_id=DEMO_NETWORK_ID,
                    teacher_id=uuid.UUID(TEACHER_ID),
                    viewer_account_id=uuid.uuid4(),
                    viewer_name=f"hace {age} días",
                    viewer_role="coordinator",
                    client="web",
                    kind="observation",
                )
            )
        session.commit()
    assert purge_view_log(engine, 0) == 0  # 0 keeps everything
    assert purge_view_log(engine, 730) == 2
    with Session(engine) as session:
        left = sorted(e.viewer_name for e in session.exec(select(ViewLogEntry)).all())
    assert left == ["hace 1 días", "hace 729 días"]
    engine.dispose()


def test_the_service_applies_the_retention_at_start(
    app_factory: Callable[..., FastAPI], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    monkeypatch.setattr("observations_service.main.purge_view_log", lambda engine, days: calls.append(days) or 0)
    app = app_factory()
    with TestClient(app):
        pass
    app.state.engine.dispose()
    assert calls == [730]


def test_the_rules_in_plain_values() -> None:
    network, teacher, me = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    o1, o2 = uuid.uuid4(), uuid.uuid4()
    coach = Viewer(uuid.uuid4(), "Acompañante", "coach", "web", {network: (me, "coach")})
    shown = [Shown(network, teacher, o1), Shown(network, teacher, o2), Shown(network, teacher, o1)]
    (entry,) = entries(coach, shown)
    assert entry.observation_ids == (o1, o2) and entry.viewer_person_id == me and entry.viewer_role == "coach"
    assert entries(coach, [Shown(network, me, o1)]) == []  # her own
    aggregate = Viewer(uuid.uuid4(), "servicio reports", "service", "service:reports", aggregate=True)
    assert entries(aggregate, shown) == []
    stranger = Viewer(uuid.uuid4(), "Servicio", "service", "service:reports")
    assert entries(stranger, shown)[0].viewer_role == "service"
    assert kind_of("scores", via="reports", purpose="feedback") == "feedback"
    assert kind_of("scores", via=None, purpose="feedback") == "scores"
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert retention_cutoff(now, 730) == now - timedelta(days=730)
    assert retention_cutoff(now, 0) is None
