"""The observations service app."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from mejora_common.app import create_service_app

from .api import access_log, instruments, observations, reliability, transfer
from .clients import cycles
from .db import build_engine, check_ready
from .models import IdempotencyRecord
from .service import view_log
from .settings import Settings, get_settings

logger = logging.getLogger(__name__)

#: How often the view log's retention is applied while the service runs (it is applied at start too).
PURGE_INTERVAL_SECONDS = 6 * 3600

DESCRIPTION = (
    "Servicio de observaciones de Mejora en Red: instrumentos (estructura CLASS® y rúbricas propias), "
    "observaciones de aula, puntajes y confiabilidad entre observadores. CLASS® es una marca registrada "
    "de Teachstone; su uso requiere licencia y observadores certificados."
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = build_engine(settings.effective_database_url())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.cycles = cycles.connect(settings)
        purging = asyncio.create_task(purge_periodically(engine, settings.view_log_retention_days))
        try:
            yield
        finally:
            purging.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await purging
            await app.state.cycles.aclose()

    app = create_service_app(
        service="observations",
        title="Mejora en Red · Observaciones",
        description=DESCRIPTION,
        settings=settings,
        routers=[
            instruments.router,
            observations.actions,
            transfer.router,
            access_log.router,
            observations.router,
            reliability.router,
        ],
        ready_check=lambda: check_ready(engine),
        lifespan=lifespan,
        idempotency_model=IdempotencyRecord,
    )
    app.state.engine = engine
    return app


def purge_view_log(engine: Engine, retention_days: int) -> int:
    """Apply the view log's retention once; a database not migrated yet is left alone (and logged)."""
    try:
        removed = view_log.purge(engine, retention_days)
    except SQLAlchemyError as exc:
        logger.warning("view log retention not applied: %s", type(exc).__name__)
        return 0
    if removed:
        logger.info("view log retention: %d entries older than %d days removed", removed, retention_days)
    return removed


async def purge_periodically(engine: Engine, retention_days: int, interval: float = PURGE_INTERVAL_SECONDS) -> None:
    """At start and then every ``interval`` seconds, in a worker thread (the event loop keeps serving)."""
    while True:
        await asyncio.to_thread(purge_view_log, engine, retention_days)
        await asyncio.sleep(interval)
