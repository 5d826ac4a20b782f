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
    analysis: RunChartResult
    events: list[RunChartEvent]
    interpretation: list[str] = Field(description="Lectura de las señales, en castellano")
    chart: LineChartSpec
