"""Observations (the draft PUT, reads) and their amendments."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..domain.vocabulary import Level, Mode, Status, observation_date_problem
from .instruments import MAX_CYCLES, MAX_TEXT

MAX_CODE = 30


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


def _bounded_evidence(value: dict[str, str] | None) -> dict[str, str] | None:
    for code, text in (value or {}).items():
        if len(code) > MAX_CODE or len(text) > MAX_TEXT:
            raise ValueError(f"La evidencia de {code[:MAX_CODE]} es demasiado larga (máximo {MAX_TEXT} caracteres).")
    return value


def _bounded_date(value: date | None) -> date | None:
    problem = None if value is None else observation_date_problem(value)
    if problem:
        raise ValueError(problem)
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
        return _bounded_evidence(value) or {}

    @field_validator("observed_on")
    @classmethod
    def _date_range(cls, value: date) -> date:
        return _bounded_date(value) or value


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
    revision: int = Field(
        description='Versión: aumenta con cada cambio guardado; el ETag es este número entre comillas (p. ej. "3")'
    )
    amendment_count: int
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None


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

    @field_validator("evidence")
    @classmethod
    def _evidence_length(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        return _bounded_evidence(value)

    @field_validator("observed_on")
    @classmethod
    def _date_range(cls, value: date | None) -> date | None:
        return _bounded_date(value)


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
