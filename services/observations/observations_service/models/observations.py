"""Classroom observations and their amendments (audit trail)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field

from mejora_common.db import UTCDateTime, utcnow
from mejora_common.versioning import Versioned

from .base import Base


class Observation(Versioned, Base, table=True):
    """One observed session: cycles of scores on an instrument.

    The id is chosen by the client (offline entry); ``PUT`` creates or replaces
    a draft. ``double_codes_id`` names the observation this one double-codes
    (checked in code, not by a foreign key, so imports need no ordering).
    ``version`` (``Versioned``) grows with every change and is the ``ETag``.
    """

    __table_args__ = (Index("ix_observation_network_wave_status", "network_id", "wave", "status"),)

    id: uuid.UUID = Field(primary_key=True)
    instrument_id: uuid.UUID = Field(foreign_key="instrument.id", index=True)
    network_id: uuid.UUID = Field(index=True)
    school_id: uuid.UUID = Field(index=True)
    teacher_id: uuid.UUID = Field(index=True)
    observer_id: uuid.UUID = Field(index=True)
    level: str = Field(max_length=20)
    observed_on: date
    wave: str = Field(max_length=20)
    mode: str = Field(max_length=10)
    cycles: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    evidence: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="draft", max_length=10)
    double_codes_id: uuid.UUID | None = Field(default=None, index=True)
    created_by: uuid.UUID | None = Field(default=None, description="Cuenta que la creó")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    submitted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class ObservationAmendment(Base, table=True):
    """A correction of a submitted observation: who, when, why, and the values before and after."""

    __table_args__ = (UniqueConstraint("observation_id", "number", name="uq_amendment_observation_number"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    observation_id: uuid.UUID = Field(foreign_key="observation.id", index=True)
    number: int
    reason: str = Field(max_length=2000)
    changed_fields: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    before: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    after: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    amended_by: uuid.UUID | None = Field(default=None, description="Persona que corrigió")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
