"""Idempotency-Key: a retried POST creates once, on both databases."""

import asyncio
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import registry
from sqlmodel import Field, Session, SQLModel, select

from mejora_common.app import create_service_app
from mejora_common.db import make_engine
from mejora_common.idempotency import KEEP_FOR, IdempotencyRecordBase, IdempotencyStore, canonical_hash
from mejora_common.settings import CommonSettings
from mejora_common.testing import TEST_KEYS, auth_header, make_principal, make_token

COACH_TOKEN = make_token(make_principal("coach"))


class _Base(SQLModel, registry=registry()):
    pass


class IdempotencyRecord(IdempotencyRecordBase, _Base, table=True):
    __tablename__ = "idempotency_keys"


class Barrier(_Base, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    text: str


class BarrierIn(BaseModel):
    text: str


def build_app(database_url: str, gate: threading.Event) -> FastAPI:
    engine = make_engine(database_url)
    _Base.metadata.create_all(engine)
    router = APIRouter()

    @router.post("/api/v1/barriers", status_code=201)
    def create(body: BarrierIn, request: Request, response: Response) -> dict[str, Any]:
        if body.text == "lento":
            gate.wait(10)
        if body.text == "falla":
            raise RuntimeError("boom")
        with Session(request.app.state.engine) as session:
            row = Barrier(text=body.text)
            session.add(row)
            session.commit()
            response.headers["Location"] = f"/api/v1/barriers/{row.id}"
            return {"id": str(row.id), "text": row.text}

    app = create_service_app(
        service="cycles",
        title="t",
        description="d",
        settings=CommonSettings(**TEST_KEYS.settings("cycles")),
        routers=[router],
        ready_check=lambda: (True, "ok"),
        configure_logs=False,
        idempotency_model=IdempotencyRecord,
    )
    app.state.engine = engine
    return app


@pytest.fixture
def system(database_url: str) -> Iterator[tuple[FastAPI, threading.Event]]:
    gate = threading.Event()
    app = build_app(database_url, gate)
    yield app, gate
    gate.set()
    app.state.engine.dispose()


def count(app: FastAPI) -> int:
    with Session(app.state.engine) as session:
        return len(session.exec(select(Barrier)).all())


async def post(client: httpx.AsyncClient, body: Any, key: str | None, token: str | None = None) -> httpx.Response:
    headers = auth_header(token or COACH_TOKEN)
    if key is not None:
        headers["Idempotency-Key"] = key
    return await client.post("/api/v1/barriers", json=body, headers=headers)


def run(app: FastAPI, scenario: Any) -> Any:
    async def main() -> Any:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await scenario(client)

    return asyncio.run(main())


def test_a_replay_returns_the_original_answer_and_creates_once(system: tuple[FastAPI, threading.Event]) -> None:
    app, _ = system

    async def scenario(client: httpx.AsyncClient) -> list[httpx.Response]:
        first = await post(client, {"text": "falta tiempo"}, "k-1")
        again = await post(client, {"text": "falta tiempo"}, "k-1")
        reordered = await post(client, {"text": "falta tiempo"}, "k-1")
        return [first, again, reordered]

    first, again, reordered = run(app, scenario)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotency-replayed"] == "true"
    assert reordered.json() == first.json()
    assert count(app) == 1


def test_same_key_other_body_is_422_and_other_caller_is_separate(system: tuple[FastAPI, threading.Event]) -> None:
    app, _ = system
    other = make_token(make_principal("coach"))  # another account

    async def scenario(client: httpx.AsyncClient) -> list[httpx.Response]:
        return [
            await post(client, {"text": "a"}, "k-2"),
            await post(client, {"text": "b"}, "k-2"),
            await post(client, {"text": "a"}, "k-2", token=other),
            await post(client, {"text": "a"}, None),
        ]

    first, reused, other_caller, without_key = run(app, scenario)
    assert first.status_code == 201
    assert (reused.status_code, reused.json()["code"]) == (422, "idempotency_key_reused")
    assert other_caller.status_code == 201 and other_caller.json()["id"] != first.json()["id"]
    assert without_key.status_code == 201
    assert count(app) == 3


def test_a_concurrent_duplicate_is_409_in_progress(system: tuple[FastAPI, threading.Event]) -> None:
    app, gate = system

    async def scenario(client: httpx.AsyncClient) -> list[httpx.Response]:
        slow = asyncio.create_task(post(client, {"text": "lento"}, "k-3"))
        await asyncio.sleep(0.3)
        duplicate = await post(client, {"text": "lento"}, "k-3")
        gate.set()
        return [await slow, duplicate]

    slow, duplicate = run(app, scenario)
    assert slow.status_code == 201
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "request_in_progress")
    assert duplicate.headers["retry-after"] == "1"
    assert count(app) == 1


def test_a_failed_request_can_be_retried_with_its_key(system: tuple[FastAPI, threading.Event]) -> None:
    app, _ = system

    async def scenario(client: httpx.AsyncClient) -> list[httpx.Response]:
        failed = await post(client, {"text": "falla"}, "k-4")
        retried = await post(client, {"text": "falla"}, "k-4")
        return [failed, retried]

    failed, retried = run(app, scenario)
    assert failed.status_code == 500
    assert retried.status_code == 500
    assert "idempotency-replayed" not in retried.headers  # it ran again: a 5xx is never kept


def test_a_refused_request_keeps_no_answer_so_the_corrected_one_runs(system: tuple[FastAPI, threading.Event]) -> None:
    """The amendment form: sent without a reason (422), corrected, sent again with the same key."""
    app, _ = system

    async def scenario(client: httpx.AsyncClient) -> list[httpx.Response]:
        refused = await post(client, {"wrong": "field"}, "k-7")
        corrected = await post(client, {"text": "con motivo"}, "k-7")
        return [refused, corrected, await post(client, {"text": "con motivo"}, "k-7")]

    refused, corrected, replayed = run(app, scenario)
    assert refused.status_code == 422
    assert corrected.status_code == 201
    assert replayed.headers["idempotency-replayed"] == "true"
    assert count(app) == 1


def test_a_bad_key_is_422_naming_the_header(system: tuple[FastAPI, threading.Event]) -> None:
    app, _ = system

    async def scenario(client: httpx.AsyncClient) -> httpx.Response:
        return await post(client, {"text": "a"}, "x" * 201)

    response = run(app, scenario)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"


def test_expired_keys_are_purged_and_can_be_reused(system: tuple[FastAPI, threading.Event]) -> None:
    app, _ = system
    store = IdempotencyStore(app.state.engine, IdempotencyRecord)
    assert store.claim("s", "k", canonical_hash(b"{}")) is None
    with Session(app.state.engine) as session:
        row = session.get(IdempotencyRecord, ("s", "k"))
        assert row is not None
        row.created_at = row.created_at - KEEP_FOR - KEEP_FOR
        session.add(row)
        session.commit()
    assert store.claim("s", "k", canonical_hash(b'{"other": 1}')) is None  # expired: a fresh claim
    assert store.purge_expired() == 0


def test_canonical_hash_ignores_key_order_and_spacing() -> None:
    assert canonical_hash(b'{"a": 1, "b": [1, 2]}') == canonical_hash(b'{"b":[1,2],"a":1}')
    assert canonical_hash(b'{"a": 1}') != canonical_hash(b'{"a": 2}')
    assert canonical_hash(b"no es json") == canonical_hash(b"no es json")


def test_pure_computations_and_dry_runs_are_exempt() -> None:
    from mejora_common.idempotency import is_exempt

    assert is_exempt("/api/v1/reports/charts:render", b"")
    assert is_exempt("/api/v1/spc/run-chart", b"")
    assert is_exempt("/api/v1/auth/token", b"")
    assert is_exempt("/api/v1/observations:import", b"network_id=x&dry_run=true")
    assert not is_exempt("/api/v1/observations:import", b"network_id=x&dry_run=false")
    assert not is_exempt("/api/v1/networks/x/barriers", b"")


class _OtherServiceBase(SQLModel, registry=registry()):
    pass


class OtherServiceRecord(IdempotencyRecordBase, _OtherServiceBase, table=True):
    """A second service's table in the same process (the OpenAPI export imports every service)."""

    __tablename__ = "idempotency_keys"


def test_every_service_can_declare_its_own_table_in_one_process() -> None:
    assert OtherServiceRecord.__table__ is not IdempotencyRecord.__table__  # type: ignore[attr-defined]
    assert "body" in OtherServiceRecord.__table__.c  # type: ignore[attr-defined]


def test_a_retry_right_after_the_answer_is_a_replay(system: tuple[FastAPI, threading.Event]) -> None:
    app, _ = system

    async def scenario(client: httpx.AsyncClient) -> list[httpx.Response]:
        first = await post(client, {"text": "sin espera"}, "k-5")
        return [first, await post(client, {"text": "sin espera"}, "k-5")]

    first, retry = run(app, scenario)
    assert first.status_code == retry.status_code == 201
    assert retry.headers["idempotency-replayed"] == "true"


def test_a_streamed_body_past_the_limit_with_a_key_is_413(system: tuple[FastAPI, threading.Event]) -> None:
    app, _ = system

    async def chunks() -> Any:
        for _ in range(40):
            yield b"x" * (64 * 1024)

    async def scenario(client: httpx.AsyncClient) -> httpx.Response:
        headers = {**auth_header(COACH_TOKEN), "Idempotency-Key": "k-6", "Content-Type": "application/json"}
        return await client.post("/api/v1/barriers", content=chunks(), headers=headers)

    response = run(app, scenario)
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
