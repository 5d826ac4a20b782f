"""The reports service app."""

from __future__ import annotations

from fastapi import FastAPI

from mejora_common.app import create_service_app

from .db import build_engine, check_ready
from .settings import Settings, get_settings

DESCRIPTION = (
    "Servicio de reportes de Mejora en Red: gráficos de corrida y de control, devolución a cada docente "
    "(tres fortalezas y un área prioritaria), resultados de la red y bitácora de ciclos PHEA. No guarda datos "
    "de origen: los lee de los servicios de ciclos y observaciones."
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = build_engine(settings.effective_database_url())
    app = create_service_app(
        service="reports",
        title="Mejora en Red · Reportes",
        description=DESCRIPTION,
        settings=settings,
        routers=[],
        ready_check=lambda: check_ready(engine),
    )
    app.state.engine = engine
    return app
