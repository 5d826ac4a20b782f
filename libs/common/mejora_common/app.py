"""The one way to build a service app: problem handlers, request ids, logs, health."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from .body_limit import BodyLimitMiddleware
from .deadlines import DeadlineMiddleware
from .disconnect import DisconnectMiddleware, StoppedWork
from .errors import install_problem_handlers, problem_response
from .idempotency import IdempotencyMiddleware, IdempotencyRecordBase, is_exempt
from .keys import JWKS_PATH, PUBLIC_JWKS_PATH, jwks
from .maintenance import MaintenanceMiddleware
from .metrics import install_metrics
from .observability import RequestIdMiddleware, configure_logging
from .openapi import declare_common_responses
from .overload import LoadSheddingMiddleware
from .settings import CommonSettings

ReadyCheck = Callable[[], tuple[bool, str]]


def health_router(service: str, ready_check: ReadyCheck) -> APIRouter:
    router = APIRouter(tags=["salud"])

    @router.get(JWKS_PATH, include_in_schema=False)  # internal: siblings read it, the gateway does not route it
    def own_jwks(request: Request) -> dict[str, list[dict[str, str]]]:
        """The current key and the earlier ones still accepted (``mejora_common.keys``); siblings fetch it."""
        return jwks(request.app.state.token_keys.own_keys())

    @router.get("/health", summary="El proceso está vivo")
    def health() -> dict[str, str]:
        return {"status": "ok", "service": service}

    @router.get(
        "/ready",
        summary="La base de datos responde y está migrada",
        responses={503: {"description": "No está listo"}},
    )
    def ready() -> Any:
        ok, reason = ready_check()
        if not ok:
            return problem_response(503, "not_ready", reason, extra={"service": service})
        return JSONResponse({"status": "ready", "service": service})

    return router


def create_service_app(
    *,
    service: str,
    title: str,
    description: str,
    settings: CommonSettings,
    routers: Sequence[APIRouter],
    ready_check: ReadyCheck,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None,
    configure_logs: bool = True,
    idempotency_model: type[IdempotencyRecordBase] | None = None,
) -> FastAPI:
    """A service app; ``idempotency_model`` (the service's ``idempotency_keys`` table) turns on Idempotency-Key."""
    if configure_logs:
        configure_logging(service, settings.log_level)

    @asynccontextmanager
    async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
        if lifespan is None:
            yield
        else:
            async with lifespan(app):
                yield

    app = FastAPI(title=title, description=description, version="1.0.0", lifespan=_lifespan)
    app.state.settings = settings
    app.state.token_keys = settings.token_keys(service)
    app.state.service = service
    install_problem_handlers(app)
    # Outermost last: request id, the disconnect watch (a client that leaves cancels everything below it: the wait
    # for a slot, the work, its statement; counted in ``app.state.stopped_work``), deadline (it counts the wait for a
    # slot), the body limit, idempotency (a replay or a duplicate in progress is answered without taking a slot),
    # then load shedding right before the work.
    app.state.stopped_work = StoppedWork()
    app.add_middleware(MaintenanceMiddleware, service=service)  # innermost: writes paused for a backup
    app.add_middleware(LoadSheddingMiddleware, service=service)
    if idempotency_model is not None:
        app.add_middleware(IdempotencyMiddleware, model=idempotency_model)
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(DeadlineMiddleware)
    app.add_middleware(DisconnectMiddleware)
    app.add_middleware(RequestIdMiddleware)
    install_metrics(app, service)  # outermost: counts every answer, serves GET /metrics
    app.include_router(health_router(service, ready_check))
    for router in routers:
        app.include_router(router)
    _declare_problem_answers(app, idempotent=idempotency_model is not None)
    return app


PUBLIC_API_PATHS = (
    "/api/v1/auth/token",
    "/api/v1/auth/refresh",
    "/api/v1/auth/logout",
    # The account lifecycle (cycles): authorised by the link or the login challenge they carry.
    "/api/v1/auth/invitation/check",
    "/api/v1/auth/invitation/accept",
    "/api/v1/auth/password-reset",
    "/api/v1/auth/password-reset/confirm",
    "/api/v1/auth/mfa/challenge",
    "/api/v1/auth/mfa/challenge/enrolment",
    PUBLIC_JWKS_PATH,  # cycles' public keys: anyone may verify a user token
)


def _declare_problem_answers(app: FastAPI, *, idempotent: bool) -> None:
    """The OpenAPI document lists the problem answers every operation can give (``mejora_common.openapi``)."""
    plain_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = plain_openapi()
            app.openapi_schema = declare_common_responses(
                document,
                public_paths=PUBLIC_API_PATHS,
                idempotent_post=(lambda path: not is_exempt(path, b"")) if idempotent else None,
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
