"""Test helpers for ``mejora_common.disconnect``: a client that leaves mid-request, a statement that takes long.

``TestClient`` cannot disconnect, so :func:`request_then_leave` speaks ASGI to the app itself (run it on the test
client's event loop: ``client.portal.call(request_then_leave, client.app, ...)``). :class:`SlowStatement` makes the
first statement that matches a marker run a really slow query before it, on the same connection and in the request's
own thread, so a test can check that the disconnect stopped the query in the database (and was not just ignored).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from starlette.types import ASGIApp, Message

from . import deadlines

#: Minutes of work for SQLite's virtual machine (a recursive count), stoppable only by an interrupt.
SLOW_SQLITE = (
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000000) SELECT count(*) FROM c"
)
#: A minute of waiting in PostgreSQL, stoppable only by a cancel request (or a statement timeout).
SLOW_POSTGRESQL = "SELECT pg_sleep(60)"


class SlowStatement:
    """Before the first statement containing ``marker``, run a slow query on the same cursor."""

    def __init__(self, engine: Engine, marker: str) -> None:
        self.engine = engine
        self.marker = marker
        self.slow = SLOW_POSTGRESQL if engine.dialect.name == "postgresql" else SLOW_SQLITE
        self.started = threading.Event()
        self.fired = False
        self.stopped_with: BaseException | None = None
        """What the slow query raised: set when the database stopped it, ``None`` if it ran to its end."""
        self.late = False
        """Whether the request's deadline had passed when it was stopped (then the deadline stopped it)."""

    def __enter__(self) -> SlowStatement:
        event.listen(self.engine, "before_cursor_execute", self._before)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)

    def _before(self, _conn: Any, cursor: Any, statement: str, _params: Any, _context: Any, _many: Any) -> None:
        if self.fired or self.marker not in statement:
            return
        self.fired = True
        self.started.set()
        try:
            cursor.execute(self.slow)
        except Exception as exc:
            self.stopped_with, self.late = exc, deadlines.expired()
            raise

    @property
    def stopped_by_disconnect(self) -> bool:
        """The slow query ran and was stopped before the request's deadline: by the client leaving."""
        return self.fired and self.stopped_with is not None and not self.late


async def request_then_leave(
    app: ASGIApp,
    method: str,
    path: str,
    *,
    headers: dict[str, str],
    body: bytes = b"",
    query: str = "",
    leave_when: Callable[[], bool],
) -> list[Message]:
    """One request whose client disconnects once ``leave_when()`` is true; the messages the app sent back."""
    sent: list[Message] = []
    delivered = False

    async def receive() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        while not leave_when():  # a server reports the disconnect when it happens: poll for the moment
            await asyncio.sleep(0.005)
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    all_headers = {**headers, "content-length": str(len(body))}
    if body:
        all_headers.setdefault("content-type", "application/json")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in all_headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    await app(scope, receive, send)
    return sent
