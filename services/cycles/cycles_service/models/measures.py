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
