"""Request and response models of the observations service API.

JSON keys are English (a contract for mobile apps and SLEP systems); user-facing
text is Spanish.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Level = Literal[
    "sala_cuna",
    "medio",
    "prekinder",
    "kinder",
    "1basico",
    "2basico",
    "3basico",
    "4basico",
    "5basico",
    "6basico",
    "7basico",
    "8basico",
]
Mode = Literal["live", "video"]
Status = Literal["draft", "submitted"]
Band = Literal["low", "mid", "high"]

MAX_CYCLES = 12
MAX_TEXT = 4000
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,29}$"


# --- instruments -----------------------------------------------------------------------------------


class Scale(BaseModel):
    min: int = Field(description="Puntaje mínimo (entero)")
    max: int = Field(description="Puntaje máximo (entero)")


class DimensionRead(BaseModel):
    code: str
    name: str
    name_en: str
    reverse: bool = Field(description="Dimensión inversa: un puntaje bajo es favorable (p. ej. Clima negativo)")
    order: int


class DomainRead(BaseModel):
    code: str
    name: str
    order: int
    dimensions: list[DimensionRead]


class InstrumentRead(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    version: int
    description: str
    scale: Scale
    min_cycles: int
    domains: list[DomainRead]
    builtin: bool = Field(description="Incluido con Mejora en Red (solo lectura)")
    network_id: uuid.UUID | None = Field(description="Red dueña de un instrumento propio; nulo si es incluido")
    previous_version_id: uuid.UUID | None
    latest: bool = Field(description="Es la versión más reciente de su código")
    in_use: bool = Field(description="Alguna observación lo usa: ya no se modifica, una edición crea otra versión")
    created_at: datetime
    updated_at: datetime


class DimensionWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=CODE_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    name_en: str = Field(default="", max_length=200)
    reverse: bool = False
    order: int = Field(ge=1, le=1000)


class DomainWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=CODE_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    order: int = Field(ge=1, le=1000)
    dimensions: list[DimensionWrite] = Field(min_length=1, max_length=40)


class InstrumentBody(BaseModel):
    """The editable content of an instrument (the version is assigned by the server)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=MAX_TEXT)
    scale: Scale
    min_cycles: int = Field(ge=1, le=MAX_CYCLES)
    domains: list[DomainWrite] = Field(min_length=1, max_length=20)


class InstrumentCreate(InstrumentBody):
    network_id: uuid.UUID = Field(description="Red dueña del instrumento propio")
    code: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]{1,58}$",
        description="Código estable (minúsculas, números y guiones); único entre los instrumentos",
    )


# --- observations ----------------------------------------------------------------------------------


class CycleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: int = Field(ge=1, le=MAX_CYCLES, description="Número del ciclo (1, 2, …)")
    started_at: datetime | None = Field(default=None, description="Inicio del ciclo (ISO 8601)")
    duration_minutes: int | None = Field(default=None, ge=0, le=240)
    scores: dict[str, int | None] = Field(
        default_factory=dict, description="Código de dimensión → puntaje entero (nulo: aún sin puntaje)"
    )
    notes: str = Field(default="", max_length=MAX_TEXT)

    @field_validator("started_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("Debe incluir la zona horaria (p. ej. 2024-05-14T13:05:00Z).")
        return value


class ObservationWrite(BaseModel):
    """The draft as the client sends it with ``PUT /api/v1/observations/{id}``."""

    model_config = ConfigDict(extra="forbid")
    id: uuid.UUID | None = Field(default=None, description="Opcional; si viene, debe ser el mismo de la ruta")
    status: Status | None = Field(default=None, description="Solo lectura: se ignora (use /submit)")
    instrument_id: uuid.UUID
    network_id: uuid.UUID
    school_id: uuid.UUID
    teacher_id: uuid.UUID
    observer_id: uuid.UUID | None = Field(default=None, description="Por omisión, la persona que llama")
    level: Level
    observed_on: date
    wave: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", examples=["2024-1"])
    mode: Mode = "live"
    cycles: list[CycleIn] = Field(default_factory=list, max_length=MAX_CYCLES)
    evidence: dict[str, str] = Field(default_factory=dict, description="Código de dimensión → evidencia observada")
    double_codes_id: uuid.UUID | None = Field(
        default=None, description="Observación de la misma sesión que esta codifica por segunda vez"
    )

    @field_validator("evidence")
    @classmethod
    def _evidence_length(cls, value: dict[str, str]) -> dict[str, str]:
        for code, text in value.items():
            if len(text) > MAX_TEXT:
                raise ValueError(f"La evidencia de {code} es demasiado larga (máximo {MAX_TEXT} caracteres).")
        return value


class CycleRead(BaseModel):
    number: int
    started_at: datetime | None
    duration_minutes: int | None
    scores: dict[str, int | None]
    notes: str


class ObservationRead(BaseModel):
    id: uuid.UUID
    instrument_id: uuid.UUID
    instrument_code: str
    instrument_version: int
    network_id: uuid.UUID
    school_id: uuid.UUID
    teacher_id: uuid.UUID
    observer_id: uuid.UUID
    level: str
    observed_on: date
    wave: str
    mode: str
    cycles: list[CycleRead]
    evidence: dict[str, str]
    status: Status
    double_codes_id: uuid.UUID | None
    revision: int = Field(description="Aumenta con cada cambio guardado")
    amendment_count: int
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None


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


class AmendmentCreate(BaseModel):
    """A correction of a submitted observation. Only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")
    id: uuid.UUID | None = Field(default=None, description="Id elegido por el cliente: un reintento no duplica")
    reason: str = Field(min_length=5, max_length=2000, description="Por qué se corrige")
    level: Level | None = None
    observed_on: date | None = None
    mode: Mode | None = None
    cycles: list[CycleIn] | None = Field(default=None, max_length=MAX_CYCLES)
    evidence: dict[str, str] | None = None


class AmendmentRead(BaseModel):
    id: uuid.UUID
    observation_id: uuid.UUID
    number: int
    reason: str
    changed_fields: list[str]
    before: dict[str, Any]
    after: dict[str, Any]
    amended_by: uuid.UUID | None
    created_at: datetime


# --- export / import -------------------------------------------------------------------------------


class ImportRowError(BaseModel):
    row: int = Field(description="Fila del archivo (1 = primera fila de datos)")
    field: str
    message: str


class ImportResult(BaseModel):
    dry_run: bool
    rows: int
    observations: int = Field(description="Observaciones en el archivo")
    created: int
    unchanged: int = Field(description="Ya existían idénticas (reimportación)")
    observation_ids: list[uuid.UUID]


# --- reliability -----------------------------------------------------------------------------------


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
