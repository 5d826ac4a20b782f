"""``POST /api/v1/reports/charts:render``: the server-side SVG (or PNG) of a chart spec.

The frontend receives chart specs inside the reports' JSON and asks this endpoint to draw
them, so the screen shows exactly the SVG the HTML and PDF reports embed — one chart
definition, one renderer.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query
from fastapi.responses import Response

from mejora_common.auth import CurrentPrincipal
from mejora_common.errors import ProblemError

from ..render.png import svg_to_png
from ..render.responses import PNG_TYPE, SVG_TYPE, png_response, svg_response
from ..render.svg import render_svg
from ..schemas.charts import ChartSpec

router = APIRouter(prefix="/api/v1/reports", tags=["gráficos"])

MAX_CHART_POINTS = 20_000


@router.post(
    "/charts:render",
    summary="Dibujar un gráfico (SVG o PNG) desde su especificación",
    description="Recibe la especificación `chart` que traen los reportes (gráfico de líneas o de barras) y devuelve "
    "el mismo SVG que usan los reportes HTML y PDF. Todo texto se escapa.",
    response_class=Response,
    responses={200: {"content": {SVG_TYPE: {}, PNG_TYPE: {}}, "description": "El gráfico"}},
)
def render_chart(
    spec: Annotated[ChartSpec, Body()],
    _principal: CurrentPrincipal,
    format: Annotated[Literal["svg", "png"], Query(description="svg o png")] = "svg",
) -> Any:
    size = len(getattr(spec, "points", None) or getattr(spec, "categories", None) or [])
    if size > MAX_CHART_POINTS:
        raise ProblemError(413, "chart_too_large", f"El gráfico tiene demasiados puntos (máximo {MAX_CHART_POINTS}).")
    svg = render_svg(spec)
    return png_response(svg_to_png(svg)) if format == "png" else svg_response(svg)
