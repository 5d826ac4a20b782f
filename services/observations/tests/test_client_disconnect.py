"""A client that disconnects stops the work (issue 9, point 3): mejora_common.disconnect in the observations service.

The list's or the create's statement is made really slow in the database (``SlowStatement``); the client leaves
while it runs. The disconnect must stop the statement in the database (SQLite interrupt, PostgreSQL cancel), count
the stop in ``app.state.stopped_work``, answer nobody, write nothing, and leave no Idempotency-Key "in progress".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from mejora_common.testing_disconnect import SlowStatement, request_then_leave
from observations_service.models import IdempotencyRecord, Instrument

from .test_instruments_api import custom

Headers = Callable[[str], dict[str, str]]
COORDINATOR = "coordinacion@demo.cl"


def _count(client: TestClient, model: Any) -> int:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        return int(session.exec(select(func.count()).select_from(model)).one())


def _instruments_named(client: TestClient, code: str) -> int:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        query = select(func.count()).select_from(Instrument).where(Instrument.code == code)
        return int(session.exec(query).one())


def _leave_during(client: TestClient, slow: SlowStatement, method: str, path: str, **kwargs: Any) -> list[Any]:
    portal = client.portal
    assert portal is not None
    return portal.call(lambda: request_then_leave(client.app, method, path, leave_when=slow.started.is_set, **kwargs))


def test_a_client_that_leaves_a_slow_list_stops_its_query(client: TestClient, headers: Headers) -> None:
    assert client.app.state.stopped_work.counts == {}  # type: ignore[attr-defined]

    with SlowStatement(client.app.state.engine, "FROM observation") as slow:  # type: ignore[attr-defined]
        sent = _leave_during(client, slow, "GET", "/api/v1/observations", headers=headers(COORDINATOR))

    assert slow.stopped_by_disconnect, "the slow query went on for a client that had gone"
    assert client.app.state.stopped_work.counts == {"client_gone": 1}  # type: ignore[attr-defined]
    assert sent == []  # nobody to answer
    assert client.get("/api/v1/observations", headers=headers(COORDINATOR)).status_code == 200


def test_a_create_left_mid_way_writes_nothing_and_frees_its_idempotency_key(
    client: TestClient, headers: Headers
) -> None:
    keyed = {**headers(COORDINATOR), "Idempotency-Key": "pauta-abandonada"}
    body = json.dumps(custom()).encode()

    with SlowStatement(client.app.state.engine, "INSERT INTO instrument ") as slow:  # type: ignore[attr-defined]
        sent = _leave_during(client, slow, "POST", "/api/v1/instruments", headers=keyed, body=body)

    assert slow.stopped_by_disconnect
    assert client.app.state.stopped_work.counts == {"client_gone": 1}  # type: ignore[attr-defined]
    assert sent == []
    assert _instruments_named(client, "pauta-lectura") == 0  # no row written
    assert _count(client, IdempotencyRecord) == 0  # the key is not left "in progress"

    retried = client.post("/api/v1/instruments", json=custom(), headers=keyed)
    assert retried.status_code == 201, retried.text
    assert _instruments_named(client, "pauta-lectura") == 1
