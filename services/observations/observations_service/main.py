"""The observations service app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from mejora_common.app import create_service_app

from .api import instruments, observations, reliability, transfer
from .clients import cycles
from .db import build_engine, check_ready
from .models import IdempotencyRecord
from .settings import Settings, get_settings

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
        try:
            yield
        finally:
            await app.state.cycles.aclose()

    app = create_service_app(
        service="observations",
        title="Mejora en Red · Observaciones",
        description=DESCRIPTION,
        settings=settings,
        routers=[instruments.router, observations.actions, transfer.router, observations.router, reliability.router],
        ready_check=lambda: check_ready(engine),
        lifespan=lifespan,
        idempotency_model=IdempotencyRecord,
    )
    app.state.engine = engine
    return app
