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
    analysis: RunChartResult
    events: list[RunChartEvent]
    interpretation: list[str] = Field(description="Lectura de las señales, en castellano")
    chart: LineChartSpec
