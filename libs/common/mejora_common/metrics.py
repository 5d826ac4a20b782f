"""Prometheus metrics of a process (prometheus-client): requests, latency, errors, shed requests, database pool.

Every service serves them at ``GET /metrics`` on its own port (the port the gateway forwards ``/api/v1/*`` to; the
gateway never forwards ``/metrics``, see ``infra/gateway/gateway/metrics.py``); the gateway serves its own on an
internal port. What is measured, per process (label ``service``):

- ``mejora_http_requests_total{route_class, status_class}``: answers by route class (``mejora_common.overload``:
  auth, expensive, import, write, read; ``health`` for the health checks) and status class (2xx … 5xx), so errors
  are ``status_class=~"4xx|5xx"``;
- ``mejora_http_request_duration_seconds{route_class}``: time to the last byte of the answer, as a histogram;
- ``mejora_http_requests_in_progress{route_class}``;
- ``mejora_http_requests_shed_total{route_class}``: requests answered 503 ``overloaded`` by load shedding, read from
  the ``LoadSheddingMiddleware``'s own counter (the place that decides), not guessed from status codes;
- ``mejora_db_pool_connections{state}`` (checked_out, idle, overflow) and ``mejora_db_pool_size``: the SQLAlchemy pool
  of ``app.state.engine`` (sized to the load-shedding gates, so a full pool means the gates are full too).

Each app has its own registry (tests build many apps in one process; production has one per process). The
metrics hold no personal data: only route classes, status classes and counts.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .overload import ROUTE_CLASSES, LoadSheddingMiddleware, classify

METRICS_PATH = "/metrics"
HEALTH_CLASS = "health"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
"""Seconds: from a cheap read (milliseconds) to the longest deadline of a route class (60 s)."""


def route_class(method: str, path: str) -> str:
    return classify(method, path) or HEALTH_CLASS


def status_class(status: int) -> str:
    return f"{status // 100}xx"


def find_shedding(app: Any) -> LoadSheddingMiddleware | None:
    """The app's load-shedding middleware, found by walking its built middleware stack (``.app`` links)."""
    node = getattr(app, "middleware_stack", None)
    seen = 0
    while node is not None and seen < 64:
        if isinstance(node, LoadSheddingMiddleware):
            return node
        inner = getattr(node, "shedding", None)  # the gateway's wrapper keeps the service one here
        if isinstance(inner, LoadSheddingMiddleware):
            return inner
        node = getattr(node, "app", None)
        seen += 1
    return None


class AppCollector(Collector):
    """Shed requests and database pool use, read from the app at scrape time."""

    def __init__(self, service: str, app: Any) -> None:
        self.service = service
        self.app = app

    def collect(self) -> Iterator[Any]:
        shed = CounterMetricFamily(
            "mejora_http_requests_shed", "Solicitudes rechazadas con 503 overloaded", labels=["service", "route_class"]
        )
        shedding = find_shedding(self.app)
        counts = shedding.shed if shedding is not None else {}
        for name in ROUTE_CLASSES:
            shed.add_metric([self.service, name], float(counts.get(name, 0)))
        yield shed
        pool = getattr(getattr(getattr(self.app, "state", None), "engine", None), "pool", None)
        if pool is None or not all(hasattr(pool, attr) for attr in ("checkedout", "checkedin", "overflow", "size")):
            return  # no engine (the gateway) or a pool without counts (in-memory SQLite)
        connections = GaugeMetricFamily(
            "mejora_db_pool_connections", "Conexiones del pool de la base de datos", labels=["service", "state"]
        )
        connections.add_metric([self.service, "checked_out"], float(pool.checkedout()))
        connections.add_metric([self.service, "idle"], float(pool.checkedin()))
        connections.add_metric([self.service, "overflow"], float(max(0, pool.overflow())))
        yield connections
        size = GaugeMetricFamily("mejora_db_pool_size", "Tamaño fijo del pool", labels=["service"])
        size.add_metric([self.service], float(pool.size()))
        yield size


class Metrics:
    """One process's metrics in a registry of its own."""

    def __init__(self, service: str, app: Any) -> None:
        self.service = service
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "mejora_http_requests",
            "Respuestas por clase de ruta y clase de estado",
            ["service", "route_class", "status_class"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "mejora_http_request_duration_seconds",
            "Duración de las solicitudes hasta el último byte",
            ["service", "route_class"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.in_progress = Gauge(
            "mejora_http_requests_in_progress",
            "Solicitudes en curso",
            ["service", "route_class"],
            registry=self.registry,
        )
        self.registry.register(AppCollector(service, app))

    def observe(self, route: str, status: int, seconds: float) -> None:
        self.requests.labels(self.service, route, status_class(status)).inc()
        self.latency.labels(self.service, route).observe(seconds)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


async def send_metrics(metrics: Metrics, send: Send) -> None:
    body = metrics.exposition()
    headers = [(b"content-type", CONTENT_TYPE_LATEST.encode()), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class MetricsMiddleware:
    """Counts every answer (status and time to its last byte); with ``serve``, answers ``GET /metrics`` itself.

    Outermost in the stack, so ``/metrics`` is never shed, paused or timed out, and every answer below (a shed 503, a
    413 of the body limit) is counted.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics, serve: bool = True) -> None:
        self.app = app
        self.metrics = metrics
        self.serve = serve

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        if self.serve and path == METRICS_PATH and method in {"GET", "HEAD"}:
            await send_metrics(self.metrics, send)
            return
        route = route_class(method, path)
        started = time.perf_counter()
        status = 500
        done = False

        def finish() -> None:
            nonlocal done
            if not done:
                done = True
                self.metrics.observe(route, status, time.perf_counter() - started)

        async def counting_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                finish()

        gauge = self.metrics.in_progress.labels(self.metrics.service, route)
        gauge.inc()
        try:
            await self.app(scope, receive, counting_send)
        finally:
            gauge.dec()
            finish()


def install_metrics(app: Any, service: str, *, serve: bool = True) -> Metrics:
    """Add the metrics middleware (call it last, so it is outermost); the metrics are in ``app.state.metrics``."""
    metrics = Metrics(service, app)
    app.state.metrics = metrics
    app.add_middleware(MetricsMiddleware, metrics=metrics, serve=serve)
    return metrics
