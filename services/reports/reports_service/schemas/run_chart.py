"""Response of ``GET /api/v1/measures/{id}/run-chart``."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from .charts import LineChartSpec, SignalKind
from .spc import RunChartResult


class MeasureInfo(BaseModel):
    id: uuid.UUID
    network_id: uuid.UUID
    name: str
    kind: str
    unit: str
    value_type: str
    direction: str
    frequency: str


class RunChartPoint(BaseModel):
    period: date
    label: str
    value: float
    numerator: float | None
    denominator: float | None
    note: str
    signal: bool
    signal_kinds: list[SignalKind]


class ExcludedPoint(BaseModel):
    """A stored point left out of the chart and its analysis: a value no chart or SPC rule can use."""

    period: date
    school_id: uuid.UUID | None
    value: float | None = Field(description="El valor guardado (null si no es un número finito)")
    reason: str


class RunChartEvent(BaseModel):
    id: str
    title: str
    starts_at: str
    date_label: str
    position: float | None = Field(description="Posición en el eje (unidades de punto); null si cae fuera del gráfico")


RuleName = Literal[
    "long_run",
    "few_crossings",
    "shift",
    "trend",
    "too_few_runs",
    "too_many_runs",
    "proxy_3_sigma",
    "sigma",
    "we_2_of_3_beyond_2_sigma",
    "we_4_of_5_beyond_1_sigma",
    "we_8_one_side",
    "nelson_15_within_1_sigma",
]


class RuleFindingRead(BaseModel):
    """A rule that fired and on which points (0-based indices of `points`)."""

    rule: RuleName = Field(
        description="long_run / few_crossings (Anhøj); shift, trend, too_few_runs, too_many_runs (IHI); "
        "proxy_3_sigma: aproximación documentada del punto astronómico del IHI (media ± 3σ del gráfico I), "
        "no el juicio de una persona; sigma y reglas de sensibilidad en gráficos de control"
    )
    label: str
    points: list[int]


class RunChartPhase(BaseModel):
    """A phase of the chart: its points, its own centre line and rules, and who confirmed it."""

    id: str | None = Field(description="La fase guardada en ciclos; null para la primera (desde el inicio)")
    start: int = Field(description="Índice del primer punto de la fase")
    end: int
    start_period: date
    reason: str
    confirmed_by_name: str
    confirmed_at: str | None
    baseline_points: int | None = Field(description="Línea central congelada en los primeros n puntos de la fase")
    median: float | None
    n_useful: int
    longest_run: int | None
    longest_run_max: int | None
    crossings: int | None
    crossings_min: int | None
    runs: int = Field(description="Cantidad de corridas (regla 3 del IHI)")
    runs_lower: int | None = Field(description="Mínimo esperado de corridas (Perla, Provost y Murray 2011, tabla 1)")
    runs_upper: int | None = Field(description="Máximo esperado de corridas (idem); null fuera de 10 a 40 puntos")


class MeasureRunChart(BaseModel):
    measure: MeasureInfo
    scope: Literal["network", "school", "schools_combined"] = Field(
        description="network: datos de toda la red; school: de un establecimiento; schools_combined: "
        "suma o promedio por período de los datos de los establecimientos (no hay datos de toda la red)"
    )
    school_id: uuid.UUID | None
    points: list[RunChartPoint]
    excluded: list[ExcludedPoint] = Field(
        default_factory=list,
        description="Datos guardados que quedaron fuera del gráfico y del análisis (valores fuera de ±10^12)",
    )
    analysis: RunChartResult = Field(
        description="Totales de todas las fases, con la mediana y los límites de la fase actual (la última)"
    )
    rule_set: Literal["anhoj", "ihi"] = Field(description="Reglas aplicadas (las de la medida, o `rules=`)")
    phases: list[RunChartPhase] = Field(description="Fases confirmadas por una persona, cada una con su mediana")
    findings: list[RuleFindingRead] = Field(description="Qué regla se cumplió y en qué puntos")
    events: list[RunChartEvent]
    interpretation: list[str] = Field(description="Lectura de las señales, en castellano")
    chart: LineChartSpec
