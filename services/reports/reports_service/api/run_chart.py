"""``GET /api/v1/measures/{id}/run-chart``: a measure's run chart (the gateway routes it to reports)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from mejora_common.auth import CurrentPrincipal

from ..render.png import svg_to_png
from ..render.responses import PNG_TYPE, SVG_TYPE, png_response, svg_response
from ..render.svg import render_svg
from ..schemas.run_chart import MeasureRunChart
from ..service.run_chart import build_run_chart
from .deps import SIBLING_REPORT_503, CallerToken, CancellationDep, SiblingsDep

router = APIRouter(prefix="/api/v1/measures", tags=["gráficos de corrida"])

DESCRIPTION = """
Lee la medida y sus datos del servicio de ciclos **con los permisos de quien consulta** (quien no es miembro de la
red recibe 404) y marca en el eje del tiempo las sesiones de aprendizaje de la red.

Sin `school_id` se grafican los datos de toda la red; si la medida solo tiene datos por establecimiento, se
combinan por período (proporción agrupada, suma de conteos o promedio). Reglas: Anhøj (qicharts2) e IHI
(desplazamiento de 6 puntos, tendencia de 5 puntos). `format=svg|png` devuelve el gráfico.
"""


@router.get(
    "/{measure_id}/run-chart",
    response_model=MeasureRunChart,
    summary="Gráfico de corrida de una medida",
    description=DESCRIPTION,
    responses={
        200: {"content": {SVG_TYPE: {}, PNG_TYPE: {}}, "description": "El análisis (JSON) o el gráfico"},
        404: {"description": "La medida no existe o no tienes acceso"},
        503: SIBLING_REPORT_503,
    },
)
async def measure_run_chart(
    measure_id: uuid.UUID,
    *,
    _principal: CurrentPrincipal,
    token: CallerToken,
    siblings: SiblingsDep,
    cancel: CancellationDep,
    format: Annotated[Literal["json", "svg", "png"], Query(description="json, svg o png")] = "json",
    school_id: Annotated[uuid.UUID | None, Query(description="Solo los datos de un establecimiento")] = None,
    baseline: Annotated[int | None, Query(ge=1, description="Mediana de los primeros k puntos")] = None,
) -> Any:
    report = await build_run_chart(siblings, measure_id, token, school_id=school_id, baseline=baseline, cancel=cancel)
    if format == "json":
        return report
    await cancel.check(f"drawing the run chart as {format}")
    svg = render_svg(report.chart)
    return png_response(svg_to_png(svg)) if format == "png" else svg_response(svg)
