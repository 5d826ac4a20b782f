"""Network results for learning sessions (``/api/v1/reports/networks/{id}/results``)."""

from __future__ import annotations

import uuid
from datetime import datetime
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
    from_release: int | None = Field(
        default=None,
        description="Si no pudo actualizarse sin revelar puntajes de menos de k aulas: la publicación cuyo valor "
        "se muestra («según la publicación N»)",
    )


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
    from_release: int | None = Field(
        default=None,
        description="La publicación cuyo valor se muestra, si no pudo actualizarse («según la publicación N»)",
    )
    before_release: int | None = Field(
        default=None, description="La publicación de la medición anterior con que se compara"
    )


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


class ResultsSource(BaseModel):
    """Where the figures come from: the live data (coordinators only) or a release."""

    kind: Literal["live", "release"]
    number: int | None = Field(default=None, description="Número de la publicación (1, 2, … por ola)")
    published_at: datetime | None = None
    published_by: str | None = Field(default=None, description="Quién publicó")
    label: str = Field(description="Lo que muestra la pantalla, p. ej. «Publicación 2 del 1 de diciembre de 2026»")


class NetworkResultsReport(BaseModel):
    network: NetworkRef
    source: ResultsSource
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
    observations: int = Field(
        description="Observaciones enviadas de la ola: en vivo para la coordinación; para el resto, las de la última "
        "publicación"
    )
    releases: int = Field(default=0, description="Publicaciones de resultados de la ola (la última es la que se lee)")


class WavesOut(BaseModel):
    network_id: uuid.UUID
    waves: list[WaveInfo]
