"""``/api/v1/spc``: run-chart analysis and control charts of the numbers sent (pure computation)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from mejora_common.auth import CurrentPrincipal
from mejora_common.errors import ProblemError, invalid

from ..domain.spc import PhasedRunChart, analyze_phased_run_chart, control_chart
from ..domain.spc.inputs import part_bounds
from ..domain.spc.sensitising import sensitising_findings, with_laney
from ..render.fmt import short_date
from ..render.png import svg_to_png
from ..render.responses import PNG_TYPE, SVG_TYPE, png_response, svg_response
from ..render.svg import render_svg
from ..schemas.charts import LineChartSpec
from ..schemas.spc import (
    ControlChartRequest,
    ControlChartResponse,
    FindingResult,
    RunChartAnswer,
    RunChartPhaseResult,
    RunChartRequest,
    RunChartResult,
)
from ..service.chart_bounds import MAX_POINTS as MAX_DRAWN_POINTS
from ..service.charts import control_chart_spec, run_chart_spec
from .deps import COMPUTATION_503

router = APIRouter(prefix="/api/v1/spc", tags=["control estadístico de procesos"])

ChartFormat = Annotated[Literal["json", "svg", "png"], Query(description="json (análisis), svg o png (el gráfico)")]

IMAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {SVG_TYPE: {}, PNG_TYPE: {}}, "description": "El análisis (JSON) o el gráfico"},
    422: {"description": "Datos inválidos o, para dibujar, demasiados puntos (`chart_too_large`)"},
    503: COMPUTATION_503,
}

RUN_CHART_DESCRIPTION = """
Análisis de un gráfico de corrida (sin acceso a datos; solo calcula sobre los valores enviados).

* **Reglas de Anhøj** (como las implementa qicharts2): se excluyen los puntos sobre la mediana;
  `longest_run_max = round(log2(n_useful)) + 3`; `crossings_min` = percentil 5 de
  Binomial(n_useful − 1; 0,5) (`qbinom(0.05, n_useful - 1, 0.5)` de R); `runs_signal` si la corrida más larga
  supera su máximo o hay menos cruces que el mínimo. Si todos los puntos están sobre la mediana, las cuatro
  cifras son `null` y no hay señal.
* **Reglas del IHI** (Provost y Murray, *The Health Care Data Guide*, 2011): `shifts` = 6 o más puntos
  seguidos a un mismo lado de la mediana (los puntos sobre la mediana ni cortan ni suman); `trends` = **5 o
  más puntos** seguidos todos subiendo o todos bajando (los valores repetidos ni cortan ni suman). La regla de
  tendencia cuenta 5 PUNTOS, como el IHI y Provost y Murray, no 5 aumentos.
* `baseline` = k: la mediana se calcula con los primeros k puntos y se aplica a toda la serie (o a la primera fase).
* `parts`: fases (índices de inicio); cada una con su mediana y sus reglas, descritas en `phases`.
* `rules` = `anhoj` o `ihi`: `findings` dice qué regla se cumplió en qué puntos. IHI completo: desplazamiento,
  tendencia, **pocas o demasiadas corridas** (tabla 1 de Perla, Provost y Murray 2011, de 10 a 40 puntos útiles) y
  `proxy_3_sigma`: el punto astronómico es un juicio del equipo; aquí se ofrece una **aproximación** rotulada como
  tal (fuera de media ± 3σ, σ del rango móvil promedio / 1,128).

`format=svg|png` devuelve el gráfico en vez del análisis (hasta 10.000 puntos; el análisis, hasta 100.000).
"""

CONTROL_CHART_DESCRIPTION = """
Gráfico de control de Shewhart como `qic()` de qicharts2: línea central, límites de 3 sigma por punto,
`sigma_signal` por punto y el análisis de corridas (Anhøj e IHI, tendencia = 5 puntos) de cada fase.

* `i`: centro = promedio; sigma = rango móvil promedio / 1,128; con `screen=true` (por defecto, como qicharts2)
  se excluyen una vez los rangos móviles ≥ 3,267 × su promedio antes de recalcular; `screen=false` reproduce
  herramientas que no lo hacen (p. ej. la planilla *Making Data Count* del NHS).
* `mr`: límite superior 3,267 × el rango móvil promedio.
* `p` y `u`: `values` = numeradores y `denominators`; límites por punto, recortados al rango posible.
* `xbar` y `s`: `subgroups`; constantes basadas en c4.
* `baseline` (freeze): centro y límites con los primeros k puntos; `parts`: fases calculadas por separado.
* `rules`: reglas de sensibilidad, en `findings` (Western Electric 1956: 2 de 3 más allá de 2σ del mismo lado,
  4 de 5 más allá de 1σ del mismo lado, 8 seguidos de un lado; Nelson 1984: 15 seguidos dentro de 1σ); nunca cruzan
  de una fase a otra.
* `laney` (p y u): p′/u′ de Laney (2002), límites × σz de la fase; `auto` los usa cuando σz > 1,2.
"""


_FIELD = re.compile(r"^(values|denominators|subgroups|baseline|parts)(\[\d+\])?")
_NEEDS = re.compile(r"needs (values|denominators|subgroups)")


def _spc_error(exc: ValueError | TypeError) -> ProblemError:
    """A 422 problem from a domain validation error, with its field path and a Spanish message."""
    message = str(exc)
    match = _FIELD.match(message) or _NEEDS.search(message)
    if match is not None:
        field = match.group(1) + ((match.group(2) or "") if match.re is _FIELD else "")
    else:
        field = "parts" if "part" in message else "chart"
    spanish = _spanish(message)
    return ProblemError(
        422,
        "validation_error",
        f"Los datos no sirven para este gráfico: {spanish}",
        errors=[{"field": field, "message": spanish}],
    )


def _spanish(message: str) -> str:
    """Spanish text for the domain's validation messages (which are English, for developers)."""
    replacements = [
        ("a p chart needs denominators", "un gráfico p necesita `denominators`"),
        ("a u chart needs denominators", "un gráfico u necesita `denominators`"),
        ("needs values", "necesita `values`"),
        ("needs subgroups", "necesita `subgroups`"),
        ("takes subgroups, not values/denominators", "recibe `subgroups`, no `values` ni `denominators`"),
        ("takes values, not subgroups", "recibe `values`, no `subgroups`"),
        ("takes no denominators", "no recibe `denominators`"),
        ("values and denominators must have the same length", "`values` y `denominators` deben tener el mismo largo"),
        ("must be > 0", "debe ser mayor que 0"),
        ("must be >= 0", "debe ser mayor o igual que 0"),
        ("must not exceed", "no puede superar"),
        ("is empty", "está vacío"),
        ("baseline and parts cannot be combined", "`baseline` y `parts` no se pueden combinar"),
        ("must be between", "debe estar entre"),
        ("part start", "el inicio de fase"),
        (" and ", " y "),
        ("a i chart", "un gráfico i"),
        ("a mr chart", "un gráfico mr"),
        ("a p chart", "un gráfico p"),
        ("a u chart", "un gráfico u"),
        ("a xbar chart", "un gráfico xbar"),
        ("a s chart", "un gráfico s"),
    ]
    text = message
    for english, spanish in replacements:
        text = text.replace(english, spanish)
    if not _FIELD.match(text):
        text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


@router.post(
    "/run-chart",
    response_model=RunChartAnswer,
    summary="Análisis de un gráfico de corrida (Anhøj o IHI, por fases)",
    description=RUN_CHART_DESCRIPTION,
    responses=IMAGE_RESPONSES,
)
def run_chart(body: RunChartRequest, _principal: CurrentPrincipal, format: ChartFormat = "json") -> Any:
    try:
        part_bounds(body.parts, len(body.values))  # a part start outside the series is a 422 on `parts`
        phased = analyze_phased_run_chart(body.values, body.parts or [], [body.baseline], body.rules)
    except (ValueError, TypeError) as exc:
        raise _spc_error(exc) from exc
    analysis = phased.combined
    if format == "json":
        return _run_chart_answer(phased)
    labels = [short_date(d) for d in body.dates] if body.dates else [str(i + 1) for i in range(len(body.values))]
    spec = run_chart_spec("Gráfico de corrida", labels, body.values, analysis)
    for line in spec.lines:
        if line.role == "centre":
            line.values = list(phased.centre)
    return _image(spec, format)


def _run_chart_answer(phased: PhasedRunChart) -> RunChartAnswer:
    return RunChartAnswer(
        **RunChartResult.of(phased.combined).model_dump(),
        rule_set=phased.rule_set,
        findings=[FindingResult(rule=f.rule, points=list(f.points)) for f in phased.findings],
        phases=[
            RunChartPhaseResult(
                start=p.start,
                end=p.end,
                median=p.analysis.median,
                runs=p.runs.runs,
                runs_lower=p.runs.lower,
                runs_upper=p.runs.upper,
                analysis=RunChartResult.of(p.analysis),
            )
            for p in phased.phases
        ],
    )


@router.post(
    "/control-chart",
    response_model=ControlChartResponse,
    summary="Gráfico de control (i, mr, p, u, xbar, s) como qicharts2",
    description=CONTROL_CHART_DESCRIPTION,
    responses=IMAGE_RESPONSES,
)
def control_chart_endpoint(
    body: ControlChartRequest,
    _principal: CurrentPrincipal,
    format: ChartFormat = "json",
) -> Any:
    try:
        result = control_chart(
            body.chart,
            body.values,
            denominators=body.denominators,
            subgroups=body.subgroups,
            baseline=body.baseline,
            parts=body.parts,
            screen=body.screen,
        )
        laney = with_laney(result, body.values or [], body.denominators or [], body.laney)
    except (ValueError, TypeError) as exc:
        raise _spc_error(exc) from exc
    result = laney.result
    findings = sensitising_findings(
        result.values, result.centre, result.lower, result.upper, part=result.part, rules=body.rules
    )
    if body.dates is not None and len(body.dates) != len(result.values):
        raise ProblemError(
            422,
            "validation_error",
            "`dates` debe tener una fecha por punto.",
            errors=[{"field": "dates", "message": "Debe tener una fecha por punto."}],
        )
    if format == "json":
        answer = ControlChartResponse.of(result)
        answer.findings = [FindingResult(rule=f.rule, points=list(f.points)) for f in findings]
        answer.sigma_z, answer.laney = laney.sigma_z, laney.used
        return answer
    labels = [short_date(d) for d in body.dates] if body.dates else None
    return _image(control_chart_spec(result, labels), format)


def _image(spec: LineChartSpec, format: str) -> Response:
    """The chart drawn; a 422 naming ``values`` when it has more points than a chart draws."""
    if len(spec.points) > MAX_DRAWN_POINTS:
        raise invalid(
            "values",
            f"Para dibujar el gráfico se admiten hasta {MAX_DRAWN_POINTS} puntos (tiene {len(spec.points)}); "
            "con format=json se analizan hasta 100.000.",
            code="chart_too_large",
        )
    svg = render_svg(spec)
    if format == "png":
        return png_response(svg_to_png(svg))
    return svg_response(svg)
