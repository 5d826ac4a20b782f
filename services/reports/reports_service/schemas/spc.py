"""Request and response models of the SPC endpoints (``/api/v1/spc/...``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..domain.spc import ChartPart, ControlChartResult, RunChartAnalysis

MAX_POINTS = 100_000

# Finite and bounded: sums of squares of larger values overflow to infinity.
MAX_ABS_VALUE = 1e12
FiniteFloat = Annotated[float, Field(allow_inf_nan=False, ge=-MAX_ABS_VALUE, le=MAX_ABS_VALUE)]


class IndexRange(BaseModel):
    """An inclusive range of point indices (0-based)."""

    start: int
    end: int


class RunChartRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    values: list[FiniteFloat] = Field(
        max_length=MAX_POINTS, description="Valores en orden temporal (al menos uno)", min_length=1
    )
    dates: list[date] | None = Field(
        default=None, description="Fecha de cada valor (opcional; misma cantidad que `values`)"
    )
    baseline: int | None = Field(
        default=None,
        ge=1,
        description="Línea base: la mediana se calcula con los primeros k puntos (freeze de qicharts2)",
    )
    rules: Literal["anhoj", "ihi"] = Field(
        default="anhoj",
        description="Reglas cuyos hallazgos se informan en `findings`: anhoj (corrida más larga, cruces) o ihi "
        "(desplazamiento, tendencia, pocas o demasiadas corridas, aproximación 3σ del punto astronómico)",
    )
    parts: list[int] | None = Field(
        default=None,
        max_length=1000,
        description="Índices donde empieza una fase nueva; cada fase tiene su mediana y sus reglas "
        "(`baseline` se aplica a la primera)",
    )

    @model_validator(mode="after")
    def _same_length(self) -> RunChartRequest:
        if self.dates is not None and len(self.dates) != len(self.values):
            raise ValueError("`dates` debe tener la misma cantidad de elementos que `values`.")
        return self


class RunChartResult(BaseModel):
    """Run-chart analysis: Anhøj rules (qicharts2) and IHI shift/trend rules."""

    n: int = Field(description="Cantidad de puntos")
    n_useful: int = Field(description="Puntos que no están sobre la mediana")
    median: float | None = Field(description="Línea central (mediana, o la de la línea base)")
    longest_run: int | None
    longest_run_max: int | None = Field(description="round(log2(n_useful)) + 3")
    crossings: int | None
    crossings_min: int | None = Field(description="qbinom(0.05, n_useful - 1, 0.5)")
    runs_signal: bool = Field(description="Corrida demasiado larga o muy pocos cruces (Anhøj)")
    shifts: list[IndexRange] = Field(description="Desplazamientos: 6 o más puntos seguidos a un lado de la mediana")
    trends: list[IndexRange] = Field(description="Tendencias: 5 o más puntos seguidos subiendo o bajando")
    signals: list[bool] = Field(description="Por punto: forma parte de un desplazamiento o de una tendencia")

    @classmethod
    def of(cls, analysis: RunChartAnalysis) -> RunChartResult:
        return cls(
            n=analysis.n,
            n_useful=analysis.n_useful,
            median=analysis.median,
            longest_run=analysis.longest_run,
            longest_run_max=analysis.longest_run_max,
            crossings=analysis.crossings,
            crossings_min=analysis.crossings_min,
            runs_signal=analysis.runs_signal,
            shifts=[IndexRange(start=a, end=b) for a, b in analysis.shifts],
            trends=[IndexRange(start=a, end=b) for a, b in analysis.trends],
            signals=list(analysis.signals),
        )


class FindingResult(BaseModel):
    """A rule that fired and the points (0-based indices) it fired on."""

    rule: str = Field(
        description="long_run, few_crossings (Anhøj); shift, trend, too_few_runs, too_many_runs, proxy_3_sigma "
        "(IHI; proxy_3_sigma es una aproximación documentada del punto astronómico, no el juicio de una persona); "
        "we_2_of_3_beyond_2_sigma, we_4_of_5_beyond_1_sigma, we_8_one_side (Western Electric), "
        "nelson_15_within_1_sigma (Nelson)"
    )
    points: list[int]


class RunChartPhaseResult(BaseModel):
    start: int
    end: int
    median: float | None
    runs: int = Field(description="Corridas (regla 3 del IHI)")
    runs_lower: int | None = Field(description="Perla, Provost y Murray (2011), tabla 1; null fuera de 10 a 40")
    runs_upper: int | None
    analysis: RunChartResult = Field(description="Análisis de la fase (índices relativos a `start`)")


class RunChartAnswer(RunChartResult):
    """The analysis (all phases; the last phase's median), the rule set's findings and each phase."""

    rule_set: Literal["anhoj", "ihi"]
    findings: list[FindingResult]
    phases: list[RunChartPhaseResult]


ChartName = Literal["i", "mr", "p", "u", "xbar", "s"]


class ControlChartRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    chart: ChartName = Field(description="Tipo de gráfico de control")
    values: list[FiniteFloat] | None = Field(
        default=None,
        max_length=MAX_POINTS,
        description="Gráficos i y mr: los valores; p y u: los numeradores (conteos)",
    )
    denominators: list[FiniteFloat] | None = Field(
        default=None, max_length=MAX_POINTS, description="Gráficos p y u: los denominadores (> 0)"
    )
    subgroups: list[list[FiniteFloat]] | None = Field(
        default=None, max_length=MAX_POINTS, description="Gráficos xbar y s: las observaciones de cada subgrupo"
    )
    dates: list[date] | None = Field(default=None, description="Fecha de cada punto (opcional)")
    baseline: int | None = Field(
        default=None, ge=1, description="Línea central y límites con los primeros k puntos (freeze)"
    )
    parts: list[int] | None = Field(
        default=None, description="Índices donde empieza una nueva fase (antes / después de un cambio)"
    )
    screen: bool = Field(
        default=True,
        description="Gráfico i: excluir una vez los rangos móviles ≥ 3,267 × su promedio (como qicharts2)",
    )
    rules: list[Literal["western_electric", "nelson_15"]] = Field(
        default_factory=list,
        description="Reglas de sensibilidad además del punto fuera de los límites: western_electric (2 de 3 más "
        "allá de 2σ, 4 de 5 más allá de 1σ, 8 seguidos de un lado; Western Electric 1956) y nelson_15 (15 seguidos "
        "dentro de 1σ; Nelson 1984)",
    )
    laney: Literal["auto", "always", "never"] = Field(
        default="never",
        description="Gráficos p y u: p′/u′ de Laney (2002). auto: cuando σz supera 1,2; never (por defecto aquí, "
        "como qicharts2): p/u de siempre",
    )


class ChartPartResult(BaseModel):
    start: int
    end: int
    centre: float | None
    runs: RunChartResult | None = Field(description="Análisis de corridas de la fase (índices relativos a `start`)")

    @classmethod
    def of(cls, part: ChartPart) -> ChartPartResult:
        return cls(
            start=part.start,
            end=part.end,
            centre=part.centre,
            runs=RunChartResult.of(part.runs) if part.runs is not None else None,
        )


class ControlChartResponse(BaseModel):
    chart: ChartName
    n: int
    values: list[float | None] = Field(description="El estadístico graficado en cada punto")
    centre: list[float | None]
    lower: list[float | None]
    upper: list[float | None]
    sigma_signal: list[bool] = Field(description="Fuera de los límites de 3 sigma")
    runs_signal: list[bool] = Field(description="Señal de Anhøj de la fase del punto")
    pattern_signal: list[bool] = Field(description="Parte de un desplazamiento o tendencia (IHI) de su fase")
    part: list[int]
    parts: list[ChartPartResult]
    findings: list[FindingResult] = Field(default_factory=list, description="Reglas de sensibilidad que se cumplieron")
    sigma_z: list[float | None] = Field(default_factory=list, description="p y u: σz de Laney de cada fase")
    laney: list[bool] = Field(default_factory=list, description="p y u: si la fase usa límites p′/u′")

    @classmethod
    def of(cls, result: ControlChartResult) -> ControlChartResponse:
        return cls(
            chart=result.chart,
            n=len(result.values),
            values=result.values,
            centre=result.centre,
            lower=result.lower,
            upper=result.upper,
            sigma_signal=result.sigma_signal,
            runs_signal=result.runs_signal,
            pattern_signal=result.pattern_signal,
            part=result.part,
            parts=[ChartPartResult.of(p) for p in result.parts],
        )
