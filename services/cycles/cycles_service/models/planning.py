"""The network's theory of change: aims and versioned driver diagrams.

A driver diagram version holds nodes (aim, primary and secondary drivers,
change ideas) and parent → child links; a change idea may hang from several
secondary drivers. A node's ``key`` survives copies to later versions, which
is how versions are compared (see ``domain.driver_diagram``).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field

from mejora_common.db import UTCDateTime, utcnow
from mejora_common.versioning import Versioned

from .base import Base, Revisioned


class Aim(Versioned, Base, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    network_id: uuid.UUID = Field(foreign_key="network.id", index=True)
    statement: str = Field(max_length=2000)
    measure_id: uuid.UUID | None = Field(default=None, foreign_key="measure.id")
    measure_description: str = Field(default="", max_length=1000)
    baseline: float | None = None
    target_value: float | None = None
    target_date: date | None = None
    focus_domain: str | None = Field(default=None, max_length=20)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class DriverDiagram(Revisioned, Base, table=True):
    __table_args__ = (UniqueConstraint("network_id", "version", name="uq_diagram_network_version"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    network_id: uuid.UUID = Field(foreign_key="network.id", index=True)
    version: int
    title: str = Field(max_length=200)
    status: str = Field(default="draft", max_length=20)
    based_on_id: uuid.UUID | None = Field(default=None, foreign_key="driverdiagram.id")
    published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class DiagramNode(Versioned, Base, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    diagram_id: uuid.UUID = Field(foreign_key="driverdiagram.id", index=True)
    key: str = Field(max_length=64, index=True)
    kind: str = Field(max_length=20)
    text: str = Field(max_length=1000)
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    order: int = 0


class DiagramLink(Base, table=True):
    diagram_id: uuid.UUID = Field(foreign_key="driverdiagram.id", index=True)
    parent_id: uuid.UUID = Field(foreign_key="diagramnode.id", primary_key=True)
    child_id: uuid.UUID = Field(foreign_key="diagramnode.id", primary_key=True)
