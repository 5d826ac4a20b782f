"""No work goes on for a client that has gone (issue 9, point 3): one mechanism for every service.

:class:`DisconnectMiddleware` reads the request's ASGI messages itself (one message ahead at most, so a large body
is still read only as fast as the app takes it) and so sees ``http.disconnect`` the moment the server reports it,
whatever the handler is doing. When the client leaves before its answer is complete:

* the handler is cancelled (an ``anyio`` cancel scope around the rest of the app: every ``await`` stops, the
  gate's slot, the idempotency claim and the database session are given back by their own clean-ups);
* the statement the request is running is stopped in the database: PostgreSQL by a cancel request for that
  connection (``psycopg.Connection.cancel_safe``), SQLite by ``sqlite3_interrupt`` (and its progress handler,
  ``mejora_common.deadlines``), so a worker thread blocked in a long query is freed too — a thread cannot be
  cancelled, but its query can;
* any later statement of the request is refused before it runs (:class:`ClientGone`), and nothing is committed;
* the stop is counted once in :class:`StoppedWork` (``app.state.stopped_work``, reason ``client_gone``) and
  logged.

A disconnect reported after the answer was complete (servers report one when the connection is idle or closed) is
not a stop: background work after the answer is left alone. Health checks are not watched.

Code that works in units (a page of a report, a sibling call) may ask :func:`client_gone` or call
:func:`stop_if_gone` between them; the middleware has usually cancelled it already.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio
from sqlalchemy import event
from sqlalchemy.engine import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .overload import classify

logger = logging.getLogger("mejora.disconnect")
T = TypeVar("T")

DISCONNECT: Message = {"type": "http.disconnect"}
_CANCEL_TIMEOUT_SECONDS = 2.0
#: PostgreSQL cancel requests open a short connection of their own: sent from here, never from the event loop.
_cancellers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mejora-cancel")


class ClientGone(Exception):  # noqa: N818 - a condition, not an error of ours
    """The client disconnected: stop, nobody will read the answer."""


@dataclass
class StoppedWork:
    """Requests whose work was stopped early, by reason (``client_gone``, ``deadline``)."""

    counts: Counter[str] = field(default_factory=Counter)

    def count(self, reason: str, what: str) -> None:
        self.counts[reason] += 1
        logger.info("work stopped (%s): %s", reason, what)


class RequestWork:
    """One request's work: whether its client has gone and the database connections running a statement for it.

    Shared between the event loop (which learns of the disconnect) and the worker thread running the request's
    queries (which registers its connection around each statement), hence the lock.
    """

    def __init__(self) -> None:
        self.gone = False
        self._lock = threading.Lock()
        self._running: dict[int, Any] = {}

    def enter(self, dbapi_connection: Any) -> None:
        """A statement starts on ``dbapi_connection``; refused when the client has already gone."""
        with self._lock:
            if self.gone:
                raise ClientGone("a statement")
            self._running[id(dbapi_connection)] = dbapi_connection

    def leave(self, dbapi_connection: Any) -> None:
        with self._lock:
            self._running.pop(id(dbapi_connection), None)

    def stop(self) -> list[Any]:
        """Mark the client gone; the connections whose statement must be stopped."""
        with self._lock:
            self.gone = True
            return list(self._running.values())


_current: contextvars.ContextVar[RequestWork | None] = contextvars.ContextVar("mejora_request_work", default=None)


def current_work() -> RequestWork | None:
    """The current request's work (``None`` outside a watched request); visible in its worker threads too."""
    return _current.get()


def client_gone() -> bool:
    """Has the current request's client disconnected?"""
    work = _current.get()
    return work is not None and work.gone


def stop_if_gone(what: str = "the next unit of work") -> None:
    """Raise :class:`ClientGone` between units of work when the client has disconnected."""
    if client_gone():
        raise ClientGone(what)


def detached(fn: Callable[..., T]) -> Callable[..., T]:
    """``fn`` run outside the current request's watch and deadline: bookkeeping that must finish even when the
    client has gone or the time is up (the idempotency middleware forgetting or storing a key)."""

    def run(*args: Any) -> T:
        from . import deadlines  # noqa: PLC0415 - deadlines imports this module

        work_token = _current.set(None)
        deadline_token = deadlines._deadline.set(None)
        try:
            return fn(*args)
        finally:
            deadlines._deadline.reset(deadline_token)
            _current.reset(work_token)

    return run


def interrupt(dbapi_connection: Any) -> None:
    """Stop the statement running on a driver connection: PostgreSQL's cancel request, SQLite's interrupt."""
    try:
        if hasattr(dbapi_connection, "cancel_safe"):  # psycopg 3
            dbapi_connection.cancel_safe(timeout=_CANCEL_TIMEOUT_SECONDS)
        elif hasattr(dbapi_connection, "cancel"):
            dbapi_connection.cancel()
        elif hasattr(dbapi_connection, "interrupt"):  # sqlite3, callable from any thread
            dbapi_connection.interrupt()
    except Exception as exc:  # noqa: BLE001 - the statement may have ended meanwhile; nothing else to do
        logger.info("could not interrupt a statement: %s", type(exc).__name__)


def install_statement_cancellation(engine: Engine) -> None:
    """Each statement of a watched request registers its connection, so a disconnect can stop it."""

    @event.listens_for(engine, "before_cursor_execute")
    def _enter(conn: Any, _cursor: Any, _statement: Any, _params: Any, _context: Any, _many: Any) -> None:
        work = _current.get()
        if work is not None:
            work.enter(conn.connection.dbapi_connection)

    @event.listens_for(engine, "after_cursor_execute")
    def _leave(conn: Any, _cursor: Any, _statement: Any, _params: Any, _context: Any, _many: Any) -> None:
        work = _current.get()
        if work is not None:
            work.leave(conn.connection.dbapi_connection)

    @event.listens_for(engine, "handle_error")
    def _stopped(context: Any) -> None:
        work = _current.get()
        if work is None:
            return
        if context.connection is not None and context.connection.connection.dbapi_connection is not None:
            work.leave(context.connection.connection.dbapi_connection)
        if work.gone:  # interrupted because the client left: not a database failure
            raise ClientGone("a statement") from context.original_exception


class DisconnectMiddleware:
    """Cancels a request's work when its client disconnects before the answer is complete (module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or classify(scope["method"], scope["path"]) is None:
            await self.app(scope, receive, send)
            return
        await _Watched(scope, receive, send).run(self.app)


class _Watched:
    """One request under watch: the reader of its messages, and the app run under a cancel scope."""

    def __init__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.scope, self.receive, self.send = scope, receive, send
        self.work = RequestWork()
        self.messages: asyncio.Queue[Message] = asyncio.Queue(maxsize=1)
        self.complete = False
        self.counted = False
        self.cancel_scope = anyio.CancelScope()

    async def run(self, app: ASGIApp) -> None:
        token = _current.set(self.work)
        reader = asyncio.create_task(self._read())
        try:
            with self.cancel_scope:
                await app(self.scope, self._app_receive, self._app_send)
        except ClientGone:
            self._count()
        except Exception:
            if not self.work.gone:
                raise
            logger.debug("error after the client had gone", exc_info=True)
        finally:
            reader.cancel()
            _current.reset(token)

    async def _read(self) -> None:
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                if not self.complete:
                    self._client_left()
                elif not self.messages.full():
                    self.messages.put_nowait(message)
                return
            await self.messages.put(message)

    def _client_left(self) -> None:
        self._count()
        loop = asyncio.get_running_loop()
        for dbapi_connection in self.work.stop():
            if hasattr(dbapi_connection, "interrupt"):
                interrupt(dbapi_connection)  # SQLite: immediate
            else:
                loop.run_in_executor(_cancellers, interrupt, dbapi_connection)
        self.cancel_scope.cancel()

    def _count(self) -> None:
        if self.counted:
            return
        self.counted = True
        self.work.gone = True
        stopped = getattr(self.scope["app"].state, "stopped_work", None)
        what = f"{self.scope['method']} {self.scope['path']}"
        if isinstance(stopped, StoppedWork):
            stopped.count("client_gone", what)
        else:
            logger.info("work stopped (client_gone): %s", what)

    async def _app_receive(self) -> Message:
        if self.work.gone:
            return DISCONNECT
        return await self.messages.get()

    async def _app_send(self, message: Message) -> None:
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            self.complete = True
        await self.send(message)
