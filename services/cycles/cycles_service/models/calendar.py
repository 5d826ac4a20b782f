"""The network's calendar (learning sessions, coaching and school visits, expert meetings) and barriers."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field

from mejora_common.db import UTCDateTime, utcnow
from mejora_common.versioning import Versioned

from .base import Base


class Event(Versioned, Base, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    network_id: uuid.UUID = Field(foreign_key="network.id", index=True)
    kind: str = Field(max_length=30, index=True)
    title: str = Field(max_length=200)
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    ends_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    place: str = Field(default="", max_length=300)
    school_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    agenda: str = Field(default="", max_length=8000)
    attendance: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    notes: str = Field(default="", max_length=8000)
    agreements: str = Field(default="", max_length=8000)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class Barrier(Versioned, Base, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    network_id: uuid.UUID = Field(foreign_key="network.id", index=True)
    description: str = Field(max_length=4000)
    level: str = Field(max_length=20)
    status: str = Field(default="open", max_length=20, index=True)
    event_id: uuid.UUID | None = Field(default=None, foreign_key="event.id")
    school_id: uuid.UUID | None = Field(default=None, foreign_key="school.id", index=True)
    owner_id: uuid.UUID | None = Field(default=None, foreign_key="person.id")
    raised_by_id: uuid.UUID | None = Field(default=None, foreign_key="person.id")
    resolution: str = Field(default="", max_length=4000)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
