"""The gateway app: public routing, edge authentication, health, API docs, frontend."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from mejora_common.auth import bearer_token, verify_access_token
from mejora_common.body_limit import BodyLimitMiddleware
from mejora_common.errors import ProblemError, install_problem_handlers, problem_response
from mejora_common.observability import RequestIdMiddleware, configure_logging
from mejora_common.service_client import SERVICE_NAMES_ES

from .headers import SecurityHeadersMiddleware
from .limits import GatewayDeadlineMiddleware, GatewayLoadSheddingMiddleware
from .metrics import install_gateway_metrics
from .openapi import merge_openapi
from .paths import PathGuardMiddleware
from .proxy import forward
from .routes import API_PREFIX, SERVICES, is_public, resolve
from .settings import GatewaySettings, get_settings
from .static import serve_frontend

PROXY_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]


async def _service_readiness(client: httpx.AsyncClient, service: str, base_url: str, timeout: float) -> dict[str, str]:
    try:
        response = await client.get(f"{base_url}/ready", timeout=timeout)
    except httpx.TimeoutException:
        return {"status": "timeout", "detail": "No respondió a tiempo."}
    except httpx.RequestError:
        return {"status": "unavailable", "detail": "No acepta conexiones."}
    if response.status_code == 200:
        return {"status": "ready"}
    try:
        detail = str(response.json().get("detail", ""))
    except ValueError:
        detail = f"Respondió {response.status_code}."
    return {"status": "not_ready", "detail": detail}


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging("gateway", settings.log_level)
    service_urls = {service: settings.service_url(service) for service in SERVICES}
    internal_addresses = tuple(service_urls.values())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        timeout = httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout)
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
        async with httpx.AsyncClient(timeout=timeout, limits=limits, follow_redirects=False) as client:
            app.state.client = client
            yield

    app = FastAPI(
        title="Mejora en Red · Gateway",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.token_keys = settings.token_keys("gateway", signs=False)  # verifies with cycles' JWKS only
    install_problem_handlers(app)
    # Outermost last: request id, odd paths refused, the deadline (counting the wait for a slot), load
    # shedding, then the body limit, counted while the body streams through to the service.
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(GatewayLoadSheddingMiddleware)
    app.add_middleware(GatewayDeadlineMiddleware)
    app.add_middleware(PathGuardMiddleware)
    app.add_middleware(RequestIdMiddleware)
    install_gateway_metrics(app)  # /metrics refused here; counted, and served on MEJORA_GATEWAY_METRICS_PORT
    origins = settings.cors_origin_list()
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_credentials=False,
            allow_methods=["*"],
            allow_headers=["Authorization", "Content-Type", "If-Match", "Idempotency-Key", "X-Request-ID"],
            expose_headers=["ETag", "X-Request-ID", "X-Total-Count", "Content-Disposition"],
        )
    app.add_middleware(SecurityHeadersMiddleware)  # outermost: every answer carries them (gateway.headers)

    @app.get("/api/v1/health", include_in_schema=False)
    async def system_health(request: Request) -> Response:
        client: httpx.AsyncClient = request.app.state.client
        results = await asyncio.gather(
            *(_service_readiness(client, s, service_urls[s], settings.health_timeout) for s in SERVICES)
        )
        services = dict(zip(SERVICES, results, strict=True))
        down = [s for s, r in services.items() if r["status"] != "ready"]
        if down:
            names = ", ".join(service_label(s) for s in down)
            return problem_response(
                503,
                "services_not_ready",
                f"No están disponibles: {names}.",
                instance=request.url.path,
                extra={"services": services, "unavailable": down},
            )
        return JSONResponse({"status": "ok", "services": services})

    @app.get("/api/v1/openapi.json", include_in_schema=False)
    async def openapi(request: Request) -> JSONResponse:
        client: httpx.AsyncClient = request.app.state.client

        async def fetch(service: str) -> Any:
            try:
                response = await client.get(f"{service_urls[service]}/openapi.json", timeout=settings.health_timeout)
                response.raise_for_status()
                return response.json()
            except (httpx.HTTPError, ValueError):
                return None

        fetched = await asyncio.gather(*(fetch(s) for s in SERVICES))
        docs = {s: d for s, d in zip(SERVICES, fetched, strict=True) if d is not None}
        unavailable = [s for s in SERVICES if s not in docs]
        return JSONResponse(merge_openapi(docs, unavailable=unavailable))

    @app.get("/api/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        # Swagger UI's assets ship with the frontend build (no CDN needed).
        return get_swagger_ui_html(
            openapi_url="/api/v1/openapi.json",
            title="Mejora en Red · API",
            swagger_js_url="/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/swagger-ui/favicon-32x32.png",
            # No persistAuthorization: a token typed into the docs must not stay in localStorage.
            swagger_ui_parameters={"persistAuthorization": False},
        )

    @app.api_route("/api/{path:path}", methods=PROXY_METHODS, include_in_schema=False)
    async def api(request: Request, path: str) -> Response:
        service = resolve(request.url.path)
        if service is None:
            raise ProblemError(404, "not_found", "La ruta solicitada no existe en la API.")
        if not is_public(request.url.path):
            # Authenticate at the edge; each service verifies the token again.
            # In a thread: on an unknown kid the check fetches cycles' JWKS (at most once every few seconds).
            await run_in_threadpool(verify_access_token, bearer_token(request), request.app.state.token_keys)
        return await forward(
            request,
            request.app.state.client,
            service,
            service_urls[service],
            timeout=settings.read_timeout,
            internal=internal_addresses,
        )

    @app.get("/{path:path}", include_in_schema=False)
    async def frontend(path: str) -> Response:
        return serve_frontend(settings.frontend_dir, path)

    return app


def service_label(service: str) -> str:
    return f"servicio de {SERVICE_NAMES_ES.get(service, service)} ({service})"


__all__ = ["API_PREFIX", "create_app"]
