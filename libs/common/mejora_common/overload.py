"""Load shedding: a bounded number of requests at once per class of route, then a fast 503.

Why: without a bound, a burst (a whole network opening its results at a learning session) piles up more requests
than the worker threads and database connections can serve. Threads then wait for connections that are only given
back by other threads, and the service stops answering for minutes. Each class of route gets its own gate: a few
requests run, a few more wait briefly, the rest get ``503 overloaded`` with ``Retry-After`` at once, and a burst of
expensive reports never takes the slots that logins and cheap reads need.

The limits are one table, :data:`ROUTE_CLASSES`, documented in the README ("Concurrency and limits"). Their sum per
process (:func:`total_concurrency`) stays below the worker thread pool (40 threads, anyio's default) and is the size
of the database pool (``mejora_common.db.make_engine``), so a request that got through its gate never waits for a
thread or a connection.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import collections
import json
import re
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import problem_response


@dataclass(frozen=True)
class RouteClass:
    name: str
    concurrent: int
    """Requests of this class served at once by one process."""
    queue_seconds: float
    """How long a request may wait for a slot before it is shed."""
    max_body_bytes: int
    """Largest request body accepted (413 beyond, checked while reading)."""
    deadline_seconds: float
    """Time the gateway gives a request of this class (passed on to the services it calls)."""


KIB = 1024
MIB = 1024 * KIB

ROUTE_CLASSES: dict[str, RouteClass] = {
    c.name: c
    for c in (
        RouteClass("auth", concurrent=4, queue_seconds=2.0, max_body_bytes=16 * KIB, deadline_seconds=10.0),
        RouteClass("expensive", concurrent=3, queue_seconds=0.5, max_body_bytes=1 * MIB, deadline_seconds=60.0),
        RouteClass("import", concurrent=1, queue_seconds=0.5, max_body_bytes=16 * MIB, deadline_seconds=60.0),
        RouteClass("write", concurrent=6, queue_seconds=2.0, max_body_bytes=1 * MIB, deadline_seconds=15.0),
        RouteClass("read", concurrent=10, queue_seconds=2.0, max_body_bytes=1 * MIB, deadline_seconds=15.0),
    )
}

# Reports, charts and exports read many rows or render; imports parse large files.
_EXPENSIVE = re.compile(
    r"^/api/v1/(reports|spc|charts)(/|:|$)|:export$|/run-chart$|/phase-proposals$|:scores$|^/api/v1/reliability"
)
_IMPORT = re.compile(r":import$")
_UNGATED = frozenset({"/health", "/ready"})
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def classify(method: str, path: str) -> str | None:
    """The class of ``method path``; ``None`` for health checks, which are never shed."""
    if path in _UNGATED or path.startswith("/api/v1/health"):
        return None
    if path.startswith("/api/v1/auth/"):
        return "auth"
    if _IMPORT.search(path):
        return "import"
    if _EXPENSIVE.search(path):
        return "expensive"
    return "read" if method.upper() in _SAFE_METHODS else "write"


EXPENSIVE_CALLERS = frozenset({"reports"})
"""Services whose calls to a sibling are gated as ``expensive`` there, whatever the path: reports serves only
expensive routes (results, charts, PDFs), so every read it makes is part of expensive work. Gated as ordinary reads,
a burst of network results took the read slots (and the CPU) of the service that answers everyone's cheap reads and
logins — the cheap reads' p95 under load was 4-5x their floor (docs/benchmarks.md)."""


def calling_service(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The ``service`` claim of the request's bearer token, read without verifying it.

    Only for choosing a gate: the service still verifies the token itself. A forged claim can only put a request
    in the smaller ``expensive`` gate, never give it more than it would have had.
    """
    for name, value in headers:
        if name != b"authorization" or value[:7].lower() != b"bearer ":
            continue
        parts = value[7:].split(b".")
        if len(parts) != 3 or len(parts[1]) > 8192:
            return None
        try:
            claims = json.loads(base64.urlsafe_b64decode(parts[1] + b"=" * (-len(parts[1]) % 4)))
        except (ValueError, binascii.Error):
            return None
        service = claims.get("service") if isinstance(claims, dict) else None
        return service if isinstance(service, str) else None
    return None


def gate_of(method: str, path: str, headers: list[tuple[bytes, bytes]]) -> str | None:
    """The gate a request waits at: its route class, or ``expensive`` for a read made for expensive work."""
    name = classify(method, path)
    if name == "read" and calling_service(headers) in EXPENSIVE_CALLERS:
        return "expensive"
    return name


def total_concurrency() -> int:
    """Requests one process serves at once, all classes together (the database pool's size)."""
    return sum(c.concurrent for c in ROUTE_CLASSES.values())


class Gate:
    """At most ``limit`` holders; others wait up to a timeout, in arrival order."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.active = 0
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    async def acquire(self, timeout: float) -> bool:
        if self.active < self.limit and not self._waiters:
            self.active += 1
            return True
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await asyncio.wait_for(asyncio.shield(waiter), timeout)
        except TimeoutError:
            if waiter.done():  # the slot was handed over just as the wait ended: keep it
                return True
            self._waiters.remove(waiter)
            return False
        except asyncio.CancelledError:
            if waiter.done():
                self.release()
            else:
                self._waiters.remove(waiter)
            raise
        return True

    def release(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the slot passes to the next waiter; ``active`` stays
                return
        self.active -= 1


class LoadSheddingMiddleware:
    """Gates each request by its route class; sheds with 503 ``overloaded`` and ``Retry-After``."""

    def __init__(self, app: ASGIApp, service: str, classes: dict[str, RouteClass] | None = None) -> None:
        self.app = app
        self.service = service
        self.classes = classes or ROUTE_CLASSES
        self.gates = {name: Gate(c.concurrent) for name, c in self.classes.items()}
        self.shed: collections.Counter[str] = collections.Counter()
        """Requests shed so far, by class (read by tests and logs)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        name = gate_of(scope["method"], scope["path"], scope.get("headers", []))
        if name is None:
            await self.app(scope, receive, send)
            return
        gate, route_class = self.gates[name], self.classes[name]
        if not await gate.acquire(route_class.queue_seconds):
            self.shed[name] += 1
            await overloaded(self.service, name)(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            gate.release()


def overloaded(service: str, route_class: str) -> Any:
    return problem_response(
        503,
        "overloaded",
        "El servicio está atendiendo demasiadas solicitudes de este tipo. Intenta nuevamente en unos segundos.",
        headers={"Retry-After": "2"},
        extra={"service": service, "route_class": route_class},
    )
