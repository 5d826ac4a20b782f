"""The reports service app."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from mejora_common.app import create_service_app
from mejora_common.priority import lower_cpu_priority

from .api import charts, cycles_log, feedback, jobs, releases, results, run_chart, spc
from .clients import connect
from .db import build_engine, check_ready
from .models import IdempotencyRecord
from .render.pdf import warm_up
from .seed import pending, publish_pending
from .settings import Settings, get_settings

DESCRIPTION = (
    "Servicio de reportes de Mejora en Red: gráficos de corrida y de control, devolución a cada docente "
    "(tres fortalezas y un área prioritaria), resultados de la red y bitácora de ciclos PHEA. No guarda datos "
    "de origen: los lee de los servicios de ciclos y observaciones.\n\n"
    "Reglas de los gráficos de corrida: reglas de Anhøj (corrida más larga y cruces, como qicharts2) y reglas "
    "del IHI (Provost y Murray, *The Health Care Data Guide*, 2011): **desplazamiento** = 6 o más puntos "
    "seguidos a un mismo lado de la mediana; **tendencia** = 5 o más puntos seguidos todos subiendo o todos "
    "bajando (5 PUNTOS, no 5 aumentos; los valores repetidos no cuentan ni cortan)."
)


def ready(engine: Engine) -> tuple[bool, str]:
    """Migrated, and the demo seed's releases (if any were asked for) published."""
    ok, message = check_ready(engine)
    if ok and pending(engine):
        return False, "publicando los resultados de demostración"
    return ok, message


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = build_engine(settings.effective_database_url())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        lower_cpu_priority()  # only expensive routes here: the cheap reads of the other processes go first
        siblings = connect(settings, app.state.token_keys)
        app.state.siblings = siblings
        # The demo seed's releases, once the siblings answer (not ready until then; see seed.py).
        demo_releases = asyncio.create_task(publish_pending(engine, siblings, settings.min_group_size))
        if settings.pdf_warmup:
            # In the background: the service is ready at once, and the first PDF does not pay for the fonts.
            app.state.pdf_warmup = asyncio.get_running_loop().run_in_executor(None, warm_up)
        try:
            yield
        finally:
            demo_releases.cancel()
            await asyncio.gather(demo_releases, return_exceptions=True)
            await siblings.aclose()

    app = create_service_app(
        service="reports",
        title="Mejora en Red · Reportes",
        description=DESCRIPTION,
        settings=settings,
        routers=[
            spc.router,
            run_chart.router,
            feedback.router,
            results.router,
            releases.router,
            cycles_log.router,
            charts.router,
            jobs.router,
        ],
        idempotency_model=IdempotencyRecord,
        ready_check=lambda: ready(engine),
        lifespan=lifespan,
    )
    app.state.engine = engine  # app.state.stopped_work (mejora_common.disconnect) counts the stopped reports
    return app


app = create_app
