"""Network results for learning sessions (``/api/v1/reports/networks/{id}/results``)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field

from .charts import BarChartSpec


class BandCountsOut(BaseModel):
    low: int
    mid: int
    high: int


class ItemStats(BaseModel):
    """A domain's or dimension's aggregate in one group; statistics null when suppressed."""

    code: str
    name: str
    kind: Literal["domain", "dimension"]
    domain: str | None = Field(description="Dominio de la dimensión")
    suppressed: bool
    n: int | None
    mean: float | None = Field(
        description="Promedio (en dimensiones, del puntaje tal cual; Clima negativo bajo = bueno)"
    )
    sd: float | None
    adjusted_mean: float | None = Field(default=None, description="Dimensiones: promedio del puntaje ajustado")
    bands: BandCountsOut | None


class GroupOut(BaseModel):
    kind: Literal["network", "level", "school"]
    key: str
    label: str
    suppressed: bool = Field(description="Menos de k aulas: no se muestra ninguna cifra, ni siquiera n")
    n_classrooms: int | None
    domains: list[ItemStats]
    dimensions: list[ItemStats]


class ChangeOut(BaseModel):
    code: str
    name: str
    kind: Literal["domain", "dimension"]
    suppressed: bool
    n_pairs: int | None
    before_mean: float | None
    after_mean: float | None
    mean_change: float | None = Field(description="Promedio del cambio (ajustado: positivo = mejora)")
    sd_change: float | None
    effect_size_dz: float | None = Field(description="d_z de Cohen = cambio promedio / DE del cambio")


class ComparisonOut(BaseModel):
    before_wave: str
    after_wave: str
    suppressed: bool
    n_pairs: int | None = Field(description="Aulas observadas en ambas mediciones")
    domains: list[ChangeOut]
    dimensions: list[ChangeOut]


class ActivityCounts(BaseModel):
    total: int
    by_stage: dict[str, int]
    by_decision: dict[str, int]


class SchoolActivity(ActivityCounts):
    school_id: str | None
    name: str


class PheaActivity(ActivityCounts):
    by_school: list[SchoolActivity]


class DimensionMeta(BaseModel):
    code: str
    name: str
    reverse: bool


class DomainMeta(BaseModel):
    code: str
    name: str
    dimensions: list[DimensionMeta]


class NetworkRef(BaseModel):
    id: uuid.UUID
    name: str


class NetworkResultsReport(BaseModel):
    network: NetworkRef
    wave: str
    compare: str | None
    k: int = Field(description="Tamaño mínimo de grupo que se muestra")
    instrument_code: str | None
    scale_min: int
    scale_max: int
    viewer_role: str
    structure: list[DomainMeta]
    network_results: GroupOut
    by_level: list[GroupOut]
    by_school: list[GroupOut] = Field(description="Según el rol: todos, solo el propio establecimiento o ninguno")
    comparison: ComparisonOut | None
    activity: PheaActivity
    charts: list[BarChartSpec] = Field(description="Un gráfico por dominio")
    notes: list[str]


class WaveInfo(BaseModel):
    wave: str
    observations: int


class WavesOut(BaseModel):
    network_id: uuid.UUID
    waves: list[WaveInfo]
