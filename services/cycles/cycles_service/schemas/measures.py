"""Measure and data point schemas."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .bounds import VERSION_DESCRIPTION, Amount, NonNegativeAmount

MeasureKind = Literal["outcome", "process", "balancing"]
ValueType = Literal["count", "proportion", "continuous"]
Direction = Literal["up", "down"]
Frequency = Literal["weekly", "monthly", "term", "yearly"]

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class MeasureCreate(BaseModel):
    model_config = _STRICT
    id: uuid.UUID | None = Field(default=None, description="Opcional: id elegido por el cliente (reintentos seguros)")
    name: str = Field(min_length=1, max_length=200)
    kind: MeasureKind = Field(description="outcome (resultado), process (proceso) o balancing (balance)")
    operational_definition: str = Field(default="", max_length=4000)
    unit: str = Field(default="", max_length=50)
    value_type: ValueType
    direction: Direction = Field(description="up: más es mejor; down: menos es mejor")
    frequency: Frequency


class MeasureUpdate(BaseModel):
    model_config = _STRICT
    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: MeasureKind | None = None
    operational_definition: str | None = Field(default=None, max_length=4000)
    unit: str | None = Field(default=None, max_length=50)
    value_type: ValueType | None = None
    direction: Direction | None = None
    frequency: Frequency | None = None


class MeasureRead(BaseModel):
    id: uuid.UUID
    network_id: uuid.UUID
    name: str
    kind: MeasureKind
    operational_definition: str
    unit: str
    value_type: ValueType
    direction: Direction
    frequency: Frequency
    point_count: int
    created_at: datetime
    updated_at: datetime
    version: int = Field(description=VERSION_DESCRIPTION)


class PointIn(BaseModel):
    model_config = _STRICT
    period: date = Field(description="Fecha del período; se normaliza al inicio de la semana, mes o año")
    value: Amount | None = Field(default=None, description="Valor (conteo o continuo); en proporciones se calcula")
    numerator: NonNegativeAmount | None = None
    denominator: NonNegativeAmount | None = None
    school_id: uuid.UUID | None = Field(default=None, description="Establecimiento; vacío = toda la red")
    note: str = Field(default="", max_length=2000)


class PointRead(BaseModel):
    id: uuid.UUID
    measure_id: uuid.UUID
    period: date
    value: float
    numerator: float | None
    denominator: float | None
    school_id: uuid.UUID | None
    note: str
    updated_at: datetime
    version: int = Field(description=VERSION_DESCRIPTION)


class PointImportResult(BaseModel):
    created: int
    replaced: int
    total: int = Field(description="Puntos de la medida después de importar")
