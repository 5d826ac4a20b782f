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

from ..render.png import svg_to_png
from ..render.responses import PNG_TYPE, SVG_TYPE, png_response, svg_response
from ..render.svg import render_svg
from ..schemas.charts import ChartSpec
from ..service import chart_bounds
from ..service.chart_bounds import check_chart_size
from .deps import COMPUTATION_503

router = APIRouter(prefix="/api/v1/reports", tags=["gráficos"])

BOUNDS = (
    f"Límites: hasta {chart_bounds.MAX_POINTS} puntos, {chart_bounds.MAX_LINES} líneas y "
    f"{chart_bounds.MAX_MARKERS} eventos en un gráfico de líneas; hasta {chart_bounds.MAX_CATEGORIES} categorías, "
    f"{chart_bounds.MAX_SERIES} series y {chart_bounds.MAX_BANDS} franjas en uno de barras; títulos y etiquetas de "
    f"hasta {chart_bounds.MAX_LABEL} caracteres, subtítulos y notas de hasta {chart_bounds.MAX_TEXT}. Más allá, 422 "
    "`chart_too_large` nombrando cada campo."
)


@router.post(
    "/charts:render",
    summary="Dibujar un gráfico (SVG o PNG) desde su especificación",
    description="Recibe la especificación `chart` que traen los reportes (gráfico de líneas o de barras) y devuelve "
    "el mismo SVG que usan los reportes HTML y PDF. Todo texto se escapa.\n\n" + BOUNDS,
    response_class=Response,
    responses={
        200: {"content": {SVG_TYPE: {}, PNG_TYPE: {}}, "description": "El gráfico"},
        422: {"description": "Especificación inválida o demasiado grande (`chart_too_large`)"},
        503: COMPUTATION_503,
    },
)
def render_chart(
    spec: Annotated[ChartSpec, Body()],
    _principal: CurrentPrincipal,
    format: Annotated[Literal["svg", "png"], Query(description="svg o png")] = "svg",
) -> Any:
    check_chart_size(spec)
    svg = render_svg(spec)
    return png_response(svg_to_png(svg)) if format == "png" else svg_response(svg)
