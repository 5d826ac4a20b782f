"""Load shedding and body limits of every service app (mejora_common.app.create_service_app)."""

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from pydantic import BaseModel

from mejora_common.app import create_service_app
from mejora_common.overload import ROUTE_CLASSES, Gate, LoadSheddingMiddleware, classify, total_concurrency
from mejora_common.settings import CommonSettings
from mejora_common.testing import TEST_KEYS


class Body(BaseModel):
    text: str


def build_app(release: threading.Event) -> FastAPI:
    router = APIRouter()

    @router.get("/api/v1/reports/slow")
    def slow_report() -> dict[str, str]:
        release.wait(10)
        return {"ok": "slow"}

    @router.get("/api/v1/networks")
    def cheap_read() -> dict[str, str]:
        return {"ok": "read"}

    @router.post("/api/v1/things")
    def create(body: Body) -> dict[str, int]:
        return {"length": len(body.text)}

    @router.post("/api/v1/things:import")
    async def import_things(request: Request) -> dict[str, int]:
        return {"length": len(await request.body())}

    settings = CommonSettings(**TEST_KEYS.settings("cycles"))
    return create_service_app(
        service="cycles",
        title="t",
        description="d",
        settings=settings,
        routers=[router],
        ready_check=lambda: (True, "ok"),
        configure_logs=False,
    )


@pytest.fixture
def app_and_release() -> Iterator[tuple[FastAPI, threading.Event]]:
    release = threading.Event()
    yield build_app(release), release
    release.set()


def shedder(app: FastAPI) -> LoadSheddingMiddleware:
    layer: Any = app.middleware_stack
    while layer is not None and not isinstance(layer, LoadSheddingMiddleware):
        layer = getattr(layer, "app", None)
    assert layer is not None
    return layer


def test_routes_fall_in_the_documented_classes() -> None:
    assert classify("POST", "/api/v1/auth/token") == "auth"
    assert classify("GET", "/api/v1/reports/networks/x/results") == "expensive"
    assert classify("POST", "/api/v1/spc/run-chart") == "expensive"
    assert classify("GET", "/api/v1/measures/x/run-chart") == "expensive"
    assert classify("GET", "/api/v1/observations:export") == "expensive"
    assert classify("POST", "/api/v1/networks/x/roster:import") == "import"
    assert classify("PATCH", "/api/v1/cycles/x") == "write"
    assert classify("GET", "/api/v1/cycles/x") == "read"
    assert classify("GET", "/health") is None
    assert total_concurrency() == sum(c.concurrent for c in ROUTE_CLASSES.values()) < 40


def test_a_burst_of_reports_is_shed_while_cheap_reads_answer(app_and_release: tuple[FastAPI, threading.Event]) -> None:
    app, release = app_and_release
    limit = ROUTE_CLASSES["expensive"].concurrent

    async def scenario() -> tuple[list[int], list[httpx.Response], int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            burst = [asyncio.create_task(client.get("/api/v1/reports/slow")) for _ in range(limit * 4)]
            await asyncio.sleep(ROUTE_CLASSES["expensive"].queue_seconds + 0.5)
            reads = [await client.get("/api/v1/networks") for _ in range(5)]
            release.set()
            answers = await asyncio.gather(*burst)
            return [r.status_code for r in answers], reads, shedder(app).shed["expensive"]

    statuses, reads, shed = asyncio.run(scenario())
    assert statuses.count(200) == limit
    assert statuses.count(503) == limit * 3 == shed
    assert all(r.status_code == 200 for r in reads)


def test_a_shed_request_is_a_problem_with_retry_after(app_and_release: tuple[FastAPI, threading.Event]) -> None:
    app, release = app_and_release

    async def scenario() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            busy = [asyncio.create_task(client.get("/api/v1/reports/slow")) for _ in range(8)]
            await asyncio.sleep(0.1)
            shed = await client.get("/api/v1/reports/slow")
            release.set()
            await asyncio.gather(*busy)
            return shed

    response = asyncio.run(scenario())
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "2"
    assert response.json()["code"] == "overloaded"
    assert response.json()["service"] == "cycles"


def test_gate_hands_slots_over_in_order_and_times_out() -> None:
    async def scenario() -> list[str]:
        gate = Gate(1)
        log: list[str] = []
        assert await gate.acquire(0.1)
        assert not await gate.acquire(0.05)
        waiter = asyncio.create_task(gate.acquire(1.0))
        await asyncio.sleep(0.01)
        gate.release()
        log.append(f"handed:{await waiter}")
        log.append(f"active:{gate.active}")
        gate.release()
        log.append(f"active:{gate.active}")
        return log

    assert asyncio.run(scenario()) == ["handed:True", "active:1", "active:0"]


def _post(app: FastAPI, path: str, content: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    async def scenario() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            return await client.post(path, content=content, headers=headers or {})

    return asyncio.run(scenario())


def test_a_declared_body_over_the_limit_is_413_before_reading(app_and_release: tuple[FastAPI, threading.Event]) -> None:
    app, _ = app_and_release
    big = b'{"text": "' + b"x" * (ROUTE_CLASSES["write"].max_body_bytes + 10) + b'"}'
    response = _post(app, "/api/v1/things", big, {"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert "1 MB" in response.json()["detail"]


def test_a_streamed_body_over_the_limit_is_413_while_reading(app_and_release: tuple[FastAPI, threading.Event]) -> None:
    app, _ = app_and_release
    chunks_sent: list[int] = []

    async def chunks() -> Any:
        for _ in range(40):
            chunks_sent.append(1)
            yield b"x" * (64 * 1024)

    response = _post(app, "/api/v1/things", chunks(), {"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_bodies_within_the_limit_are_served(app_and_release: tuple[FastAPI, threading.Event]) -> None:
    app, _ = app_and_release
    ok = _post(app, "/api/v1/things", b'{"text": "hola"}', {"content-type": "application/json"})
    assert ok.status_code == 200
    assert ok.json() == {"length": 4}
    two_mb = b"x" * (2 * 1024 * 1024)
    imported = _post(app, "/api/v1/things:import", two_mb, {"content-type": "text/csv"})
    assert imported.status_code == 200
    assert imported.json() == {"length": len(two_mb)}


def test_reads_made_for_reports_wait_at_the_expensive_gate_and_nobody_else_s_do() -> None:
    from mejora_common.auth import issue_service_token
    from mejora_common.overload import gate_of
    from mejora_common.testing import TEST_KEYS, make_token

    def bearer(token: str) -> list[tuple[bytes, bytes]]:
        return [(b"authorization", f"Bearer {token}".encode())]

    people = "/api/v1/networks/x/people"
    assert (
        gate_of("GET", people, bearer(issue_service_token("reports", TEST_KEYS.signer("reports"), audience="cycles")))
        == "expensive"
    )
    assert (
        gate_of(
            "GET",
            people,
            bearer(issue_service_token("observations", TEST_KEYS.signer("observations"), audience="cycles")),
        )
        == "read"
    )
    assert gate_of("GET", people, bearer(make_token())) == "read"  # a person's own read
    assert gate_of("GET", people, bearer("no.es-un.token")) == "read"
    assert gate_of("GET", people, []) == "read"
    # Only reads move: a write, a login or a health check keeps its own gate.
    assert (
        gate_of("POST", people, bearer(issue_service_token("reports", TEST_KEYS.signer("reports"), audience="cycles")))
        == "write"
    )
    assert (
        gate_of(
            "GET", "/health", bearer(issue_service_token("reports", TEST_KEYS.signer("reports"), audience="cycles"))
        )
        is None
    )
