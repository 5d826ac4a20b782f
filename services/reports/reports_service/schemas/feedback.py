"""Teacher feedback ("tres fortalezas y un área prioritaria") and a teacher's trajectory."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, Field

from .charts import BarChartSpec

Band = str


class PersonRef(BaseModel):
    id: uuid.UUID
    name: str


class SchoolRef(BaseModel):
    id: uuid.UUID
    name: str
    rbd: int | None = None


class InstrumentRef(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    version: int | None
    scale_min: int
    scale_max: int


class ObservationRef(BaseModel):
    id: uuid.UUID
    observed_on: date
    date_label: str = Field(description="Fecha en castellano (America/Santiago)")
    wave: str
    level: str
    level_label: str
    mode: str
    status: str


class FeedbackDimension(BaseModel):
    """One of the four highlighted dimensions (three strengths, one priority area)."""

    code: str
    name: str
    domain: str
    domain_name: str
    mean: float
    adjusted: float = Field(description="Puntaje ajustado: en dimensiones inversas, mín + máx − promedio")
    band: Band
    band_label: str
    reverse: bool
    evidence: str = Field(description="Evidencia registrada por quien observó")


class DimensionScore(BaseModel):
    code: str
    name: str
    domain: str
    mean: float
    adjusted: float
    band: Band
    band_label: str
    reverse: bool


class DomainScore(BaseModel):
    code: str
    name: str
    mean: float
    band: Band
    band_label: str


class FocusDomain(BaseModel):
    code: str
    name: str
    applied: bool = Field(description="El área prioritaria se eligió dentro de este dominio")


class ChangeIdeaSuggestion(BaseModel):
    id: str
    key: str | None
    text: str
    tags: list[str]
    driver: str | None = Field(description="Impulsor secundario del que cuelga la idea")


class StartCycle(BaseModel):
    """What a new PHEA cycle on the priority area is pre-filled with."""

    network_id: uuid.UUID
    title: str
    objective: str
    change_idea_id: str | None


class DimensionChangeOut(BaseModel):
    code: str
    name: str
    previous_mean: float | None
    current_mean: float
    change: float | None = Field(description="Cambio del puntaje ajustado (positivo = mejora, también en inversas)")
    raw_change: float | None
    direction: str | None


class PreviousObservation(BaseModel):
    observation_id: uuid.UUID
    observed_on: date
    date_label: str
    wave: str
    changes: list[DimensionChangeOut]


class FeedbackReport(BaseModel):
    network_id: uuid.UUID
    observation: ObservationRef
    teacher: PersonRef
    observer: PersonRef | None
    school: SchoolRef
    instrument: InstrumentRef
    summary: str = Field(description="Las fortalezas y luego el área prioritaria, en castellano")
    strengths: list[FeedbackDimension] = Field(description="Las tres dimensiones más altas (puntaje ajustado)")
    priority_area: FeedbackDimension | None
    focus_domain: FocusDomain | None
    suggested_change_ideas: list[ChangeIdeaSuggestion]
    start_cycle: StartCycle | None
    domains: list[DomainScore]
    dimensions: list[DimensionScore]
    previous: PreviousObservation | None
    chart: BarChartSpec
    closing: str


class TrajectoryPoint(BaseModel):
    observation_id: uuid.UUID
    observed_on: date
    wave: str
    mean: float
    adjusted: float
    band: Band


class TrajectorySeries(BaseModel):
    code: str
    name: str
    domain: str | None
    points: list[TrajectoryPoint]


class TrajectoryObservation(BaseModel):
    id: uuid.UUID
    observed_on: date
    date_label: str
    wave: str
    instrument_code: str


class TeacherTrajectory(BaseModel):
    teacher: PersonRef
    observations: list[TrajectoryObservation]
    dimensions: list[TrajectorySeries]
    domains: list[TrajectorySeries]
