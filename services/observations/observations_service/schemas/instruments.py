"""Instruments as the API reads and writes them."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

MAX_CYCLES = 12
MAX_TEXT = 4000
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,29}$"


MAX_SCALE = 100


class Scale(BaseModel):
    min: int = Field(ge=0, le=MAX_SCALE, description="Puntaje mínimo (entero, 0 a 100)")
    max: int = Field(ge=1, le=MAX_SCALE, description="Puntaje máximo (entero, 1 a 100)")


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
    revision: int = Field(
        description='Cambios del registro (distinto de `version`): el ETag es este número entre comillas (p. ej. "2")'
    )
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
