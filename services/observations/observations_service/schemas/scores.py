"""Scores of an observation, rounded (one observation) or exact (rows to aggregate)."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, Field

from ..domain.scoring import Band
from .instruments import Scale


class DimensionScoreRead(BaseModel):
    code: str
    name: str
    domain: str
    mean: float
    adjusted: float
    band: Band
    reverse: bool
    n_cycles: int


class DomainScoreRead(BaseModel):
    code: str
    name: str
    mean: float
    band: Band


class ScoresRead(BaseModel):
    observation_id: uuid.UUID
    instrument_id: uuid.UUID
    instrument_code: str
    scale: Scale
    n_cycles: int
    complete: bool = Field(description="Cumple todos los requisitos para enviarse")
    rounded: bool
    dimensions: list[DimensionScoreRead]
    domains: list[DomainScoreRead]


class ObservationScoresRow(BaseModel):
    """One observation's scores for aggregation (not rounded)."""

    observation_id: uuid.UUID
    network_id: uuid.UUID
    school_id: uuid.UUID
    teacher_id: uuid.UUID
    observer_id: uuid.UUID
    level: str
    wave: str
    observed_on: date
    instrument_id: uuid.UUID
    instrument_code: str
    instrument_version: int
    scale: Scale
    n_cycles: int
    dimensions: list[DimensionScoreRead]
    domains: list[DomainScoreRead]
