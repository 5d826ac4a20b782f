"""The gateway's bounds under load: requests at once per route class, body sizes, deadlines.

The gateway uses the services' route classes (``mejora_common.overload``: the same ``classify`` and the same body
limits and deadlines), and lets through at once, per class, what the services behind it can serve together: the sum
of the per-process limit of each service that owns routes of that class (one process per service). A burst past that
would only queue inside the services, so the gateway answers it ``503 overloaded`` (``"service": "gateway"``, with
``Retry-After``) after the same short queue wait, and a burst of one class never takes the slots of another.

========== ========================= ==================== ========= ========== =========== ==========
class      services owning its routes per service at once gateway   queue wait body limit  deadline
========== ========================= ==================== ========= ========== =========== ==========
auth       cycles                    4                    4         2 s        16 KiB      10 s
expensive  observations, reports     3                    6         0.5 s      1 MiB       60 s
import     cycles, observations      1                    2         0.5 s      16 MiB      60 s
write      cycles, observations      6                    12        2 s        1 MiB       15 s
read       cycles, observations      10                   20        2 s        1 MiB       15 s
========== ========================= ==================== ========= ========== =========== ==========

``tests/test_limits.py`` checks this table against :data:`GATEWAY_ROUTE_CLASSES` and :data:`CLASS_OWNERS` against
the services' OpenAPI snapshots. Only ``/api/`` paths are gated: the frontend's files are served by the gateway
itself and cost next to nothing, and ``/api/v1/health`` is never shed (``classify`` gives it no class).

Deadlines: the gateway ignores any ``X-Request-Deadline`` a public client sends and gives each request its class's
``deadline_seconds`` (counted from its arrival, so the wait for a slot is included); the proxy sends the time left
to the service and waits no longer than that for its answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from starlette.types import ASGIApp, Receive, Scope, Send

from mejora_common.deadlines import DEADLINE_HEADER, DeadlineMiddleware
from mejora_common.overload import ROUTE_CLASSES, LoadSheddingMiddleware, RouteClass

from .topology import SERVICES

GATEWAY = "gateway"

# route class -> the services that own routes of that class (reports serves only expensive routes).
CLASS_OWNERS: Mapping[str, tuple[str, ...]] = {
    "auth": ("cycles",),
    "expensive": ("observations", "reports"),
    "import": ("cycles", "observations"),
    "write": ("cycles", "observations"),
    "read": ("cycles", "observations"),
}


def gateway_route_classes() -> dict[str, RouteClass]:
    """Each service class with the sum of its owners' concurrency (one process per service)."""
    assert set(CLASS_OWNERS) == set(ROUTE_CLASSES), "every route class needs its owners"
    assert all(set(owners) <= set(SERVICES) for owners in CLASS_OWNERS.values())
    return {
        name: replace(route_class, concurrent=route_class.concurrent * len(CLASS_OWNERS[name]))
        for name, route_class in ROUTE_CLASSES.items()
    }


GATEWAY_ROUTE_CLASSES = gateway_route_classes()

_DEADLINE_KEY = DEADLINE_HEADER.lower().encode("latin-1")


class GatewayLoadSheddingMiddleware:
    """``LoadSheddingMiddleware`` with the gateway's table, for ``/api/`` paths only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.shedding = LoadSheddingMiddleware(app, service=GATEWAY, classes=GATEWAY_ROUTE_CLASSES)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            await self.shedding(scope, receive, send)
        else:
            await self.app(scope, receive, send)


class GatewayDeadlineMiddleware:
    """Drops the client's ``X-Request-Deadline``; the request gets its route class's own deadline."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = DeadlineMiddleware(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope["headers"] = [(key, value) for key, value in scope["headers"] if key.lower() != _DEADLINE_KEY]
        await self.app(scope, receive, send)


__all__ = [
    "CLASS_OWNERS",
    "GATEWAY",
    "GATEWAY_ROUTE_CLASSES",
    "GatewayDeadlineMiddleware",
    "GatewayLoadSheddingMiddleware",
    "gateway_route_classes",
]
