"""``GET /api/v1/measures/{id}/run-chart``: a measure's run chart (the gateway routes it to reports)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from mejora_common.auth import CurrentPrincipal

from ..render.png import svg_to_png
from ..render.responses import PNG_TYPE, SVG_TYPE, png_response, svg_response
from ..render.svg import render_svg
from ..schemas.phases import PhaseProposals
from ..schemas.run_chart import MeasureRunChart
from ..service.phase_proposals import build_proposals
from ..service.run_chart import build_run_chart
from .deps import SIBLING_REPORT_503, CallerToken, CancellationDep, SiblingsDep

router = APIRouter(prefix="/api/v1/measures", tags=["gráficos de corrida"])

DESCRIPTION = """
Lee la medida y sus datos del servicio de ciclos **con los permisos de quien consulta** (quien no es miembro de la
red recibe 404) y marca en el eje del tiempo las sesiones de aprendizaje de la red.

Sin `school_id` se grafican los datos de toda la red; si la medida solo tiene datos por establecimiento, se
combinan por período (proporción agrupada, suma de conteos o promedio). Reglas: Anhøj (qicharts2) e IHI
(desplazamiento de 6, tendencia de 5, pocas o demasiadas corridas por la tabla de Perla, Provost y Murray 2011,
y una aproximación rotulada del punto astrónomico: media ± 3σ), según `run_rules` de la medida o `rules=`;
`findings` dice qué regla se cumplió en qué puntos. Cada **fase** confirmada por una persona
(`/measures/{id}/phases`, en ciclos) tiene su propia mediana y sus reglas; `phases` las describe y el gráfico dibuja
la mediana de cada una. `format=svg|png` devuelve el gráfico.
"""

PROPOSALS_DESCRIPTION = """
Cuando las reglas de la medida encuentran un **desplazamiento sostenido** en la fase actual (Anhøj: una corrida
más larga que `round(log2(n_útiles)) + 3`; IHI: 6 o más puntos seguidos a un lado de la mediana), se propone una
fase nueva que empieza en el primer punto del desplazamiento, con lo que ocurrió justo antes o durante ese período
(sesiones de aprendizaje, el Hacer de ciclos PHEA que prueban una idea de cambio, la nota del punto).

**El sistema nunca cambia de fase por sí solo.** Una persona de coordinación o facilitación confirma la propuesta
(`POST /measures/{id}/phases`, con una razón) o la descarta (`POST /measures/{id}/phase-dismissals`, con una razón);
una propuesta descartada no se repite. Recalcular la línea central en cada señal borraría la evidencia de la mejora
y podría ocultar un deterioro: la guía *Making Data Count* del NHS pide recalcular solo ante un cambio sostenido y
explicado, y los mantenedores de NHSRplotthedots rechazaron el recálculo automático por esa razón.
"""

RulesQuery = Annotated[
    Literal["anhoj", "ihi"] | None,
    Query(description="Reglas del gráfico de corrida; por defecto, las de la medida (`run_rules`)"),
]


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
    rules: RulesQuery = None,
) -> Any:
    report = await build_run_chart(
        siblings, measure_id, token, school_id=school_id, baseline=baseline, rules=rules, cancel=cancel
    )
    if format == "json":
        return report
    await cancel.check(f"drawing the run chart as {format}")
    svg = render_svg(report.chart)
    return png_response(svg_to_png(svg)) if format == "png" else svg_response(svg)


@router.get(
    "/{measure_id}/phase-proposals",
    response_model=PhaseProposals,
    summary="Propuesta de una fase nueva (la confirma o descarta una persona)",
    description=PROPOSALS_DESCRIPTION,
    responses={404: {"description": "La medida no existe o no tienes acceso"}, 503: SIBLING_REPORT_503},
)
async def phase_proposals(
    measure_id: uuid.UUID,
    *,
    _principal: CurrentPrincipal,
    token: CallerToken,
    siblings: SiblingsDep,
    cancel: CancellationDep,
    school_id: Annotated[uuid.UUID | None, Query(description="Solo los datos de un establecimiento")] = None,
    rules: RulesQuery = None,
) -> PhaseProposals:
    return await build_proposals(siblings, measure_id, token, school_id=school_id, rules=rules, cancel=cancel)
