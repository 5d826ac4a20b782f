"""Measures (outcome, process, balancing) and their data points over time."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field

from mejora_common.db import UTCDateTime, utcnow
from mejora_common.versioning import Versioned

from .base import Base

NETWORK_SCOPE = "red"
"""``MeasurePoint.scope`` of a point for the whole network (no school)."""


class Measure(Versioned, Base, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    network_id: uuid.UUID = Field(foreign_key="network.id", index=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    operational_definition: str = Field(default="", max_length=4000)
    unit: str = Field(default="", max_length=50)
    value_type: str = Field(max_length=20)
    direction: str = Field(max_length=10)
    frequency: str = Field(max_length=20)
    run_rules: str = Field(default="anhoj", max_length=20, sa_column_kwargs={"server_default": "anhoj"})
    control_rules: str = Field(default="", max_length=100, sa_column_kwargs={"server_default": ""})
    laney: str = Field(default="auto", max_length=10, sa_column_kwargs={"server_default": "auto"})
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class MeasurePoint(Versioned, Base, table=True):
    """One value of a measure for a period, for a school or the whole network.

    ``scope`` is the school id as text, or :data:`NETWORK_SCOPE`; it makes
    (measure, period, school) unique even when there is no school.
    """

    __table_args__ = (UniqueConstraint("measure_id", "period", "scope", name="uq_point_measure_period_scope"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    measure_id: uuid.UUID = Field(foreign_key="measure.id", index=True)
    period: date
    school_id: uuid.UUID | None = Field(default=None, foreign_key="school.id")
    scope: str = Field(max_length=40)
    value: float
    numerator: float | None = None
    denominator: float | None = None
    note: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class MeasurePhase(Versioned, Base, table=True):
    """A phase of a measure, confirmed by a person: from ``start_period`` on, the charts have a new centre line.

    ``baseline_points``: when set, the phase's centre line is frozen on its first n points. The system proposes
    phases (reports' ``phase-proposals``) but never creates one: a coordinator or facilitator confirms it.
    """

    __tablename__ = "measure_phase"
    __table_args__ = (UniqueConstraint("measure_id", "start_period", name="uq_phase_measure_start"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    measure_id: uuid.UUID = Field(foreign_key="measure.id", index=True)
    start_period: date
    reason: str = Field(max_length=2000)
    baseline_points: int | None = None
    proposed: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    confirmed_by_id: uuid.UUID | None = None
    confirmed_by_name: str = Field(default="", max_length=200)
    confirmed_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class MeasurePhaseDismissal(Base, table=True):
    """A proposed phase a person dismissed, with the reason (the proposal is not made again for that period)."""

    __tablename__ = "measure_phase_dismissal"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    measure_id: uuid.UUID = Field(foreign_key="measure.id", index=True)
    start_period: date
    reason: str = Field(max_length=2000)
    dismissed_by_id: uuid.UUID | None = None
    dismissed_by_name: str = Field(default="", max_length=200)
    dismissed_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class MeasurePointChange(Base, table=True):
    """The history of a measure's points: who created, replaced, edited or deleted which value, and when."""

    __tablename__ = "measure_point_change"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    measure_id: uuid.UUID = Field(foreign_key="measure.id", index=True)
    point_id: uuid.UUID
    period: date
    school_id: uuid.UUID | None = None
    action: str = Field(max_length=20)
    old_value: float | None = None
    new_value: float | None = None
    old_numerator: float | None = None
    new_numerator: float | None = None
    old_denominator: float | None = None
    new_denominator: float | None = None
    actor_id: uuid.UUID | None = None
    actor_name: str = Field(default="", max_length=200)
    changed_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
