"""Observer reliability tables."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from .instruments import Scale


class AgreementRead(BaseModel):
    n_pairs: int
    exact_pct: float | None = Field(description="% de acuerdo exacto (0–100)")
    within_one_pct: float | None = Field(description="% de acuerdo a un punto o menos (0–100)")
    weighted_kappa: float | None = Field(description="Kappa de Cohen con ponderación cuadrática")
    icc: float | None = Field(description="ICC(2,1) de Shrout y Fleiss")


class DimensionAgreementRead(AgreementRead):
    code: str
    name: str
    domain: str


class InstrumentReliabilityRead(BaseModel):
    instrument_id: uuid.UUID
    instrument_code: str
    instrument_name: str
    scale: Scale
    observation_pairs: int
    dimensions: list[DimensionAgreementRead]
    overall: AgreementRead


class ObserverReliabilityRead(BaseModel):
    observer_id: uuid.UUID
    observation_pairs: int
    n_pairs: int
    exact_pct: float | None
    within_one_pct: float | None
    flagged: bool = Field(description="Menos de 80 % de acuerdo a un punto o menos")


class ReliabilityRead(BaseModel):
    network_id: uuid.UUID
    observer_id: uuid.UUID | None
    threshold_within_one_pct: float
    observation_pairs: int
    instruments: list[InstrumentReliabilityRead]
    observers: list[ObserverReliabilityRead]
