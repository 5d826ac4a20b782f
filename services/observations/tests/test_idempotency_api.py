"""Idempotency-Key on the POSTs that create (instruments, amendments, imports that are not dry runs).

A replay with the same key and body answers the first answer and creates nothing more; another body with the key
is 422; the same key while the first request still runs is 409 ``request_in_progress``.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from mejora_common.testing import DEMO_NETWORK_ID, ServerThread
from observations_service.models import IdempotencyRecord, Instrument, Observation, ObservationAmendment

from .test_instruments_api import custom

Headers = Callable[[str], dict[str, str]]
COORDINATOR = "coordinacion@demo.cl"
COACH = "acompanante@demo.cl"


def count(app: FastAPI, model: Any) -> int:
    with Session(app.state.engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def test_a_replayed_instrument_create_creates_once(client: TestClient, headers: Headers) -> None:
    app: Any = client.app
    before = count(app, Instrument)
    key = {**headers(COORDINATOR), "Idempotency-Key": "instrumento-1"}
    first = client.post("/api/v1/instruments", json=custom(), headers=key)
    again = client.post("/api/v1/instruments", json=custom(), headers=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["idempotency-replayed"] == "true"
    assert (again.headers["location"], again.headers["etag"]) == (first.headers["location"], first.headers["etag"])
    assert count(app, Instrument) == before + 1
    other = client.post("/api/v1/instruments", json=custom("otra-pauta"), headers=key)
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    assert count(app, Instrument) == before + 1


def test_a_replayed_amendment_without_id_is_recorded_once(client: TestClient, headers: Headers, draft: Any) -> None:
    oid = str(uuid.uuid4())
    created = client.put(f"/api/v1/observations/{oid}", json=draft(), headers=headers(COACH))
    submitted = client.post(
        f"/api/v1/observations/{oid}/submit", headers={**headers(COACH), "If-Match": created.headers["etag"]}
    )
    assert submitted.status_code == 200
    conditions = {"If-Match": submitted.headers["etag"], "Idempotency-Key": f"enmienda-{oid}"}
    payload = {"reason": "Fue grabada en video", "mode": "video"}
    url = f"/api/v1/observations/{oid}/amendments"
    first = client.post(url, json=payload, headers={**headers(COACH), **conditions})
    again = client.post(url, json=payload, headers={**headers(COACH), **conditions})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert count(client.app, ObservationAmendment) == 1  # type: ignore[arg-type]


def _rows_of_a_new_observation(client: TestClient, headers: Headers, draft: Any) -> list[dict[str, Any]]:
    """Long-format rows of a submitted observation, under a new id (importing them creates one observation)."""
    oid = str(uuid.uuid4())
    created = client.put(f"/api/v1/observations/{oid}", json=draft(), headers=headers(COACH))
    tag = {"If-Match": created.headers["etag"]}
    assert client.post(f"/api/v1/observations/{oid}/submit", headers={**headers(COACH), **tag}).status_code == 200
    params = {"network_id": str(DEMO_NETWORK_ID), "format": "json"}
    export = client.get("/api/v1/observations:export", params=params, headers=headers(COORDINATOR))
    new_id = str(uuid.uuid4())
    return [{**row, "observation_id": new_id} for row in export.json()]


def test_a_replayed_import_creates_once(client: TestClient, headers: Headers, draft: Any) -> None:
    rows = _rows_of_a_new_observation(client, headers, draft)
    before = count(client.app, Observation)  # type: ignore[arg-type]
    auth = {**headers(COORDINATOR), "Idempotency-Key": "importacion-1"}
    params = {"network_id": str(DEMO_NETWORK_ID)}
    first = client.post("/api/v1/observations:import", params=params, json=rows, headers=auth)
    again = client.post("/api/v1/observations:import", params=params, json=rows, headers=auth)
    assert first.status_code == 200, first.text
    assert (first.json()["created"], again.json(), again.headers["idempotency-replayed"]) == (1, first.json(), "true")
    assert count(client.app, Observation) == before + 1  # type: ignore[arg-type]


def finished(app: FastAPI) -> None:
    """Waits until no key is running: the middleware stores the answer just after sending it (a known gap)."""
    for _ in range(400):
        with Session(app.state.engine) as session:
            if not session.exec(select(IdempotencyRecord).where(IdempotencyRecord.running)).first():
                return
        time.sleep(0.025)


class HoldInsert:
    """Holds the first ``INSERT INTO <table>`` on an engine until released (the request is then mid-way)."""

    def __init__(self, engine: Engine, table: str) -> None:
        self.engine, self.prefix = engine, f"INSERT INTO {table} "
        self.entered, self.release = threading.Event(), threading.Event()
        event.listen(engine, "before_cursor_execute", self.hook)

    def hook(self, *args: Any) -> None:
        statement: str = args[2]
        if statement.startswith(self.prefix) and not self.entered.is_set():
            self.entered.set()
            self.release.wait(30)

    def remove(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self.hook)


def test_a_concurrent_duplicate_gets_409_and_creates_once(
    app_factory: Callable[..., FastAPI], headers: Headers
) -> None:
    app = app_factory()
    before = count(app, Instrument)
    held = HoldInsert(app.state.engine, "instrument")
    auth = {**headers(COORDINATOR), "Idempotency-Key": "instrumento-concurrente"}
    answers: list[httpx.Response] = []
    try:
        with ServerThread(app) as server, httpx.Client(base_url=server.url, timeout=60) as http:

            def create() -> None:
                answers.append(http.post("/api/v1/instruments", json=custom("pauta-concurrente"), headers=auth))

            first = threading.Thread(target=create)
            first.start()
            assert held.entered.wait(30)  # the first request is inside the service, about to insert
            duplicate = http.post("/api/v1/instruments", json=custom("pauta-concurrente"), headers=auth)
            held.release.set()
            first.join()
            finished(app)
            replay = http.post("/api/v1/instruments", json=custom("pauta-concurrente"), headers=auth)
    finally:
        held.release.set()
        held.remove()
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "request_in_progress")
    assert duplicate.headers["retry-after"]
    (original,) = answers
    assert original.status_code == 201, original.text
    assert (replay.status_code, replay.json().get("id")) == (201, original.json()["id"]), replay.text
    assert count(app, Instrument) == before + 1
    app.state.engine.dispose()
