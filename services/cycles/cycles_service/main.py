"""The cycles service app."""

from __future__ import annotations

from fastapi import FastAPI

from mejora_common.app import create_service_app

from .api import (
    account_lifecycle,
    auth,
    calendar,
    directory,
    integrations,
    keys,
    measure_phases,
    measures,
    mfa,
    networks,
    planning,
    work,
)
from .api import principal as active_principal
from .db import build_engine, check_ready
from .models import IdempotencyRecord
from .settings import Settings, get_settings

DESCRIPTION = (
    "Servicio de ciclos de Mejora en Red: directorio de la red (establecimientos y personas), "
    "cuentas y sesiones, metas, diagramas conductores, ciclos PHEA, medidas, calendario y barreras."
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = build_engine(settings.effective_database_url())
    app = create_service_app(
        service="cycles",
        title="Mejora en Red · Ciclos",
        description=DESCRIPTION,
        settings=settings,
        routers=[
            auth.router,
            keys.router,
            networks.router,
            directory.router,
            work.router,
            measures.router,
            measure_phases.router,
            calendar.router,
            planning.router,
            integrations.router,
            account_lifecycle.router,
            mfa.router,
        ],
        ready_check=lambda: check_ready(engine),
        idempotency_model=IdempotencyRecord,
    )
    app.state.engine = engine
    active_principal.install(app)  # deactivated accounts and ended sessions: refused at once (api/principal.py)
    return app


app = create_app
