"""The gateway's metrics: served on an internal port of its own, never on the public one.

The public gateway refuses every path with a ``metrics`` segment (``/metrics``, ``/api/v1/metrics``,
``/api/v1/anything/metrics``) with 404 before routing: no API path has such a segment (``tests/test_metrics.py``
checks the services' documents), the web app's fallback must not answer it, and the services' own ``/metrics`` (on
their ports, for the scraper) are never forwarded (the gateway forwards only ``/api/…`` paths, unchanged).

Its own metrics (``mejora_common.metrics``: requests and latency by route class, status classes, shed requests) are
served by prometheus-client's small HTTP server on ``MEJORA_GATEWAY_METRICS_PORT`` (not served when 0, the default)
and ``MEJORA_GATEWAY_METRICS_HOST`` (default ``127.0.0.1``; ``0.0.0.0`` in a container, where that port is not
published and only the scraper's network reaches it), started and stopped with the app's lifespan.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import unquote

from fastapi import FastAPI
from prometheus_client import start_http_server
from starlette.types import ASGIApp, Receive, Scope, Send

from mejora_common.errors import problem_response
from mejora_common.metrics import Metrics, install_metrics

from .settings import GatewaySettings

GATEWAY = "gateway"


def is_metrics_path(path: str) -> bool:
    """Does ``path`` (decoded, any case) have a ``metrics`` segment?"""
    return any(segment.lower() == "metrics" for segment in unquote(path).split("/"))


class RefuseMetricsMiddleware:
    """404 ``not_found`` for any metrics path on the public port."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_metrics_path(scope["path"]):
            response = problem_response(404, "not_found", "La ruta solicitada no existe.")
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def serve_internally(app: FastAPI, metrics: Metrics, settings: GatewaySettings) -> None:
    """Start the internal metrics server with the app's lifespan (when a port is set) and stop it after."""
    if settings.metrics_port <= 0:
        return
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(running: FastAPI) -> AsyncIterator[Any]:
        server, thread = start_http_server(settings.metrics_port, settings.metrics_host, registry=metrics.registry)
        app.state.metrics_server = server
        try:
            async with inner(running) as state:
                yield state
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)

    app.router.lifespan_context = lifespan


def install_gateway_metrics(app: FastAPI) -> Metrics:
    """Refuse metrics paths publicly, count every answer, and serve the counts on the internal port.

    The port and interface come from the app's ``GatewaySettings`` (``app.state.settings``, set before this is called).
    """
    app.add_middleware(RefuseMetricsMiddleware)
    metrics = install_metrics(app, GATEWAY, serve=False)
    serve_internally(app, metrics, app.state.settings)
    return metrics
