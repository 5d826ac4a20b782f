"""Deadlines: no work goes on for a client that has gone or a request whose time is up.

The gateway gives each request the deadline of its route class (``mejora_common.overload.ROUTE_CLASSES``) and sends
the time left, in milliseconds, in :data:`DEADLINE_HEADER`; every service reads it (or uses its own class deadline
when called directly), passes what is left on to the siblings it calls (``ServiceClient``), and the database stops a
running statement when the time is up: PostgreSQL by ``statement_timeout`` set per transaction, SQLite by its
progress handler (``sqlite3_interrupt``). A statement stopped that way is answered 503 ``deadline_exceeded``.
"""

from __future__ import annotations

import contextvars
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from starlette.types import ASGIApp, Receive, Scope, Send

from .disconnect import client_gone
from .overload import ROUTE_CLASSES, classify

DEADLINE_HEADER = "X-Request-Deadline"
"""Milliseconds the receiver has left to answer (an integer)."""

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("mejora_deadline", default=None)
_PROGRESS_EVERY = 10_000  # SQLite virtual-machine instructions between deadline checks


def time_left() -> float | None:
    """Seconds left for the current request (``None`` outside a request)."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.monotonic()


def expired() -> bool:
    left = time_left()
    return left is not None and left <= 0


def header_value() -> str | None:
    """What to send a sibling in :data:`DEADLINE_HEADER`: the milliseconds left, at least 1."""
    left = time_left()
    return None if left is None else str(max(1, int(left * 1000)))


def parse_header(value: bytes | None) -> float | None:
    """Seconds from a header value; ``None`` when absent or not a positive integer."""
    if value is None or not value.isdigit():
        return None
    millis = int(value)
    return millis / 1000 if millis > 0 else None


class DeadlineMiddleware:
    """Sets the request's deadline: the caller's, bounded by the route class's own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        name = classify(scope["method"], scope["path"]) if scope["type"] == "http" else None
        if name is None:
            await self.app(scope, receive, send)
            return
        budget = ROUTE_CLASSES[name].deadline_seconds
        asked = parse_header(dict(scope["headers"]).get(DEADLINE_HEADER.lower().encode()))
        seconds = budget if asked is None else min(asked, budget)
        token = _deadline.set(time.monotonic() + seconds)
        try:
            await self.app(scope, receive, send)
        finally:
            _deadline.reset(token)


def install_statement_deadlines(engine: Engine) -> None:
    """Stop a running statement when the request's time is up (PostgreSQL and SQLite)."""
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "begin")
        def _statement_timeout(connection: Any) -> None:
            left = time_left()
            if left is not None:
                millis = max(1, int(left * 1000))
                connection.exec_driver_sql(f"SET LOCAL statement_timeout = {millis}")

    elif engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _interrupt_when_late(dbapi_connection: Any, _record: Any) -> None:
            # A non-zero answer makes SQLite abort the statement ("interrupted"): time is up, or the client has gone
            # (``mejora_common.disconnect`` also interrupts the connection at once).
            dbapi_connection.set_progress_handler(lambda: 1 if expired() or client_gone() else 0, _PROGRESS_EVERY)
