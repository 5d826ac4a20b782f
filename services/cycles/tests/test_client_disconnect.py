"""A client that disconnects stops the work (issue 9, point 3): mejora_common.disconnect in the cycles service.

The list's or the create's statement is made really slow in the database (``SlowStatement``); the client leaves
while it runs. The disconnect must stop the statement in the database (SQLite interrupt, PostgreSQL cancel), count
the stop in ``app.state.stopped_work``, answer nobody, write nothing, and leave no Idempotency-Key "in progress".
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from cycles_service.models import Barrier, IdempotencyRecord
from mejora_common.auth import Membership, Principal
from mejora_common.testing import DEMO_FILE, DEMO_NETWORK_ID, auth_header, make_token
from mejora_common.testing_disconnect import SlowStatement, request_then_leave

NET = f"/api/v1/networks/{DEMO_NETWORK_ID}"
COORDINATOR = "coordinacion@demo.cl"
BARRIER = {"description": "Falta tiempo para planificar", "level": "school"}


def _coordinator() -> dict[str, str]:
    """The demo coordinator's header, signed here (these tests are about the disconnect, not about logging in)."""
    person = next(
        p for p in json.loads(DEMO_FILE.read_text(encoding="utf-8"))["people"] if p.get("email") == COORDINATOR
    )
    membership = Membership(network_id=DEMO_NETWORK_ID, person_id=uuid.UUID(person["id"]), role="coordinator")
    principal = Principal(
        account_id=uuid.uuid4(), email=COORDINATOR, name=person["name"], role="coordinator", memberships=(membership,)
    )
    return auth_header(make_token(principal))


def _count(client: TestClient, model: Any) -> int:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        return int(session.exec(select(func.count()).select_from(model)).one())


def _leave_during(client: TestClient, slow: SlowStatement, method: str, path: str, **kwargs: Any) -> list[Any]:
    portal = client.portal
    assert portal is not None
    return portal.call(lambda: request_then_leave(client.app, method, path, leave_when=slow.started.is_set, **kwargs))


def test_a_client_that_leaves_a_slow_list_stops_its_query(client: TestClient) -> None:
    headers = _coordinator()
    assert client.app.state.stopped_work.counts == {}  # type: ignore[attr-defined]

    with SlowStatement(client.app.state.engine, "FROM barrier") as slow:  # type: ignore[attr-defined]
        sent = _leave_during(client, slow, "GET", f"{NET}/barriers", headers=headers)

    assert slow.stopped_by_disconnect, "the slow query went on for a client that had gone"
    assert client.app.state.stopped_work.counts == {"client_gone": 1}  # type: ignore[attr-defined]
    assert sent == []  # nobody to answer
    assert client.get(f"{NET}/barriers", headers=headers).status_code == 200  # the service goes on


def test_a_create_left_mid_way_writes_nothing_and_frees_its_idempotency_key(client: TestClient) -> None:
    headers = {**_coordinator(), "Idempotency-Key": "barrera-abandonada"}
    before = _count(client, Barrier)

    with SlowStatement(client.app.state.engine, "INSERT INTO barrier") as slow:  # type: ignore[attr-defined]
        sent = _leave_during(
            client, slow, "POST", f"{NET}/barriers", headers=headers, body=json.dumps(BARRIER).encode()
        )

    assert slow.stopped_by_disconnect
    assert client.app.state.stopped_work.counts == {"client_gone": 1}  # type: ignore[attr-defined]
    assert sent == []
    assert _count(client, Barrier) == before  # no row written
    assert _count(client, IdempotencyRecord) == 0  # the key is not left "in progress"

    retried = client.post(f"{NET}/barriers", json=BARRIER, headers=headers)
    assert retried.status_code == 201, retried.text
    assert _count(client, Barrier) == before + 1
