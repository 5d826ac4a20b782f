"""Calendar (events, year plan) and barrier schemas."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .bounds import VERSION_DESCRIPTION, Moment

EventKind = Literal["learning_session", "coaching_visit", "school_visit", "expert_meeting"]
BarrierLevel = Literal["classroom", "school", "territory", "slep"]
BarrierStatus = Literal["open", "escalated", "resolved"]

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class EventCreate(BaseModel):
    model_config = _STRICT
    id: uuid.UUID | None = Field(default=None, description="Opcional: id elegido por el cliente (reintentos seguros)")
    kind: EventKind
    title: str = Field(min_length=1, max_length=200)
    starts_at: Moment = Field(description="Fecha y hora ISO 8601; sin zona se entiende hora de Santiago")
    ends_at: Moment | None = None
    place: str = Field(default="", max_length=300)
    school_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    agenda: str = Field(default="", max_length=8000)
    attendance: list[uuid.UUID] = Field(default_factory=list, max_length=500, description="Personas presentes")
    notes: str = Field(default="", max_length=8000)
    agreements: str = Field(default="", max_length=8000)


class EventUpdate(BaseModel):
    model_config = _STRICT
    kind: EventKind | None = None
    title: str | None = Field(default=None, min_length=1, max_length=200)
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    place: str | None = Field(default=None, max_length=300)
    school_ids: list[uuid.UUID] | None = Field(default=None, max_length=50)
    agenda: str | None = Field(default=None, max_length=8000)
    attendance: list[uuid.UUID] | None = Field(default=None, max_length=500)
    notes: str | None = Field(default=None, max_length=8000)
    agreements: str | None = Field(default=None, max_length=8000)


class EventRead(BaseModel):
    id: uuid.UUID
    network_id: uuid.UUID
    kind: EventKind
    kind_label: str
    title: str
    starts_at: datetime
    ends_at: datetime | None
    place: str
    school_ids: list[uuid.UUID]
    agenda: str
    attendance: list[uuid.UUID]
    notes: str
    agreements: str
    version: int = Field(description=VERSION_DESCRIPTION)


class MonthRead(BaseModel):
    month: int
    name: str
    events: list[EventRead]
    counts: dict[str, int]


class SchoolCoachingRead(BaseModel):
    school_id: uuid.UUID
    name: str | None
    visits: int
    expected: int
    missing: int


class FlagRead(BaseModel):
    code: str
    message: str
    school_id: uuid.UUID | None


class YearPlanRead(BaseModel):
    year: int
    months: list[MonthRead]
    counts: dict[str, int]
    schools: list[SchoolCoachingRead]
    flags: list[FlagRead]


class BarrierCreate(BaseModel):
    model_config = _STRICT
    id: uuid.UUID | None = Field(default=None, description="Opcional: id elegido por el cliente (reintentos seguros)")
    description: str = Field(min_length=1, max_length=4000)
    level: BarrierLevel = Field(description="classroom (aula), school (establecimiento), territory, slep")
    event_id: uuid.UUID | None = Field(default=None, description="Dónde se levantó (evento)")
    school_id: uuid.UUID | None = None
    status: BarrierStatus = "open"
    owner_id: uuid.UUID | None = Field(default=None, description="Responsable de gestionarla")
    resolution: str = Field(default="", max_length=4000)


class BarrierUpdate(BaseModel):
    model_config = _STRICT
    description: str | None = Field(default=None, min_length=1, max_length=4000)
    level: BarrierLevel | None = None
    event_id: uuid.UUID | None = None
    school_id: uuid.UUID | None = None
    status: BarrierStatus | None = None
    owner_id: uuid.UUID | None = None
    resolution: str | None = Field(default=None, max_length=4000)


class BarrierRead(BaseModel):
    id: uuid.UUID
    network_id: uuid.UUID
    description: str
    level: BarrierLevel
    status: BarrierStatus
    event_id: uuid.UUID | None
    school_id: uuid.UUID | None
    owner_id: uuid.UUID | None
    raised_by_id: uuid.UUID | None
    resolution: str
    created_at: datetime
    updated_at: datetime
    version: int = Field(description=VERSION_DESCRIPTION)
