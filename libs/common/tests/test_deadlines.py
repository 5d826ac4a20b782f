"""Deadlines: the time left travels with the request and stops the database when it is up."""

import asyncio
import time

import httpx
from fastapi import APIRouter, FastAPI, Request
from sqlalchemy import text
from sqlmodel import Session

from mejora_common import deadlines
from mejora_common.app import create_service_app
from mejora_common.db import make_engine
from mejora_common.errors import ProblemError
from mejora_common.service_client import ServiceClient
from mejora_common.settings import CommonSettings
from mejora_common.testing import TEST_KEYS

SLOW_SQL = {
    "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000000) "
    "SELECT count(*) FROM n",
    "postgresql": "SELECT pg_sleep(20)",
}


def build_app(database_url: str) -> FastAPI:
    router = APIRouter()

    @router.get("/api/v1/slow")
    def slow(request: Request) -> dict[str, int]:
        with Session(request.app.state.engine) as session:
            dialect = session.get_bind().dialect.name
            return {"n": int(session.exec(text(SLOW_SQL[dialect])).one()[0])}  # type: ignore[call-overload]

    @router.get("/api/v1/left")
    def left() -> dict[str, object]:
        return {"left": deadlines.time_left(), "header": deadlines.header_value()}

    app = create_service_app(
        service="cycles",
        title="t",
        description="d",
        settings=CommonSettings(**TEST_KEYS.settings("cycles")),
        routers=[router],
        ready_check=lambda: (True, "ok"),
        configure_logs=False,
    )
    app.state.engine = make_engine(database_url)
    return app


def get(app: FastAPI, path: str, headers: dict[str, str]) -> httpx.Response:
    async def main() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.get(path, headers=headers)

    return asyncio.run(main())


def test_the_callers_deadline_is_used_within_the_class_budget(database_url: str) -> None:
    app = build_app(database_url)
    asked = get(app, "/api/v1/left", {deadlines.DEADLINE_HEADER: "1500"}).json()
    assert 0 < asked["left"] <= 1.5
    assert 0 < int(asked["header"]) <= 1500
    greedy = get(app, "/api/v1/left", {deadlines.DEADLINE_HEADER: str(10**9)}).json()
    assert greedy["left"] <= 15.0  # never more than the read class's own deadline
    default = get(app, "/api/v1/left", {deadlines.DEADLINE_HEADER: "nonsense"}).json()
    assert 14.0 < default["left"] <= 15.0
    assert deadlines.time_left() is None  # outside a request


def test_a_statement_past_the_deadline_is_stopped_and_answered_503(database_url: str) -> None:
    app = build_app(database_url)
    response = get(app, "/api/v1/slow", {deadlines.DEADLINE_HEADER: "300"})
    # Only a statement the database stopped gives this answer; run to completion it would be a 200.
    assert response.status_code == 503
    assert response.json()["code"] == "deadline_exceeded"
    assert response.headers["retry-after"] == "2"
    app.state.engine.dispose()


def test_the_service_client_passes_the_time_left_and_gives_up_when_none_is_left() -> None:
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get(deadlines.DEADLINE_HEADER))
        return httpx.Response(200, json={})

    async def scenario() -> ProblemError:
        client = ServiceClient("cycles", "http://c", transport=httpx.MockTransport(handler))
        token = deadlines._deadline.set(time.monotonic() + 2.0)
        try:
            await client.get_json("/api/v1/networks")
            deadlines._deadline.set(time.monotonic() - 0.01)
            try:
                await client.get_json("/api/v1/networks")
            except ProblemError as late:
                return late
            raise AssertionError("expected a 504")
        finally:
            deadlines._deadline.reset(token)
            await client.aclose()

    late = asyncio.run(scenario())
    assert late.status == 504
    assert len(seen) == 1 and seen[0] is not None and 0 < int(seen[0]) <= 2000
