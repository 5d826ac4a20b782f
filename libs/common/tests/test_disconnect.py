"""mejora_common.disconnect on a small app: what is stopped, what is not, and what is counted."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from mejora_common.disconnect import (
    ClientGone,
    DisconnectMiddleware,
    RequestWork,
    StoppedWork,
    client_gone,
    current_work,
    detached,
)
from mejora_common.testing_disconnect import request_then_leave


class World:
    def __init__(self) -> None:
        self.chunks = 0
        self.background_done = asyncio.Event()
        self.handler_started = asyncio.Event()
        self.handler_finished = False


def make_app(world: World) -> Any:
    async def stream(_request: Request) -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            for i in range(1000):
                world.chunks += 1
                yield f"{i}\n".encode()
                await asyncio.sleep(0)

        return StreamingResponse(chunks(), media_type="text/plain")

    async def with_background(_request: Request) -> JSONResponse:
        async def after() -> None:
            await asyncio.sleep(0.01)
            world.background_done.set()

        return JSONResponse({"ok": True}, background=BackgroundTask(after))

    async def slow(_request: Request) -> JSONResponse:
        world.handler_started.set()
        await asyncio.sleep(3600)
        world.handler_finished = True
        return JSONResponse({"ok": True})

    app = Starlette(
        routes=[
            Route("/api/v1/stream", stream),
            Route("/api/v1/background", with_background),
            Route("/api/v1/slow", slow),
        ]
    )
    app.state.stopped_work = StoppedWork()
    app.add_middleware(DisconnectMiddleware)
    return app


def test_a_client_that_leaves_cancels_the_handler_and_is_counted_once() -> None:
    world = World()
    app = make_app(world)

    async def run() -> list[Any]:
        return await request_then_leave(app, "GET", "/api/v1/slow", headers={}, leave_when=world.handler_started.is_set)

    sent = asyncio.run(run())
    assert sent == [] and not world.handler_finished
    assert app.state.stopped_work.counts == {"client_gone": 1}


def test_a_stream_stops_when_its_client_leaves() -> None:
    world = World()
    app = make_app(world)

    async def run() -> list[Any]:
        return await request_then_leave(app, "GET", "/api/v1/stream", headers={}, leave_when=lambda: world.chunks >= 5)

    sent = asyncio.run(run())
    assert 5 <= world.chunks < 1000
    assert sent[0]["type"] == "http.response.start"
    assert app.state.stopped_work.counts == {"client_gone": 1}


def test_a_disconnect_after_the_answer_is_not_a_stop_and_background_work_finishes() -> None:
    world = World()
    app = make_app(world)
    answered = asyncio.Event()

    async def run() -> list[Any]:
        sent = await request_then_leave(app, "GET", "/api/v1/background", headers={}, leave_when=answered.is_set)
        return sent

    async def main() -> list[Any]:
        task = asyncio.create_task(run())
        while not (task.done() or world.background_done.is_set()):
            await asyncio.sleep(0.005)
        answered.set()  # the server reports the closed connection only now
        return await task

    sent = asyncio.run(main())
    assert world.background_done.is_set()
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert app.state.stopped_work.counts == {}


def test_health_checks_are_not_watched() -> None:
    seen: list[RequestWork | None] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        seen.append(current_work())

    middleware = DisconnectMiddleware(inner)

    async def run() -> None:
        async def receive() -> Any:
            return {"type": "http.request", "body": b""}

        async def send(_message: Any) -> None:
            return None

        await middleware({"type": "http", "method": "GET", "path": "/health", "headers": []}, receive, send)

    asyncio.run(run())
    assert seen == [None]


def test_a_statement_after_the_client_left_is_refused_and_bookkeeping_is_not() -> None:
    work = RequestWork()
    connection = object()
    work.enter(connection)
    assert work.stop() == [connection]  # the running statement is the one to interrupt
    work.leave(connection)
    with pytest.raises(ClientGone):
        work.enter(connection)

    from mejora_common import disconnect

    token = disconnect._current.set(work)
    try:
        assert client_gone()
        assert detached(client_gone)() is False  # the idempotency middleware's clean-up runs unwatched
    finally:
        disconnect._current.reset(token)
