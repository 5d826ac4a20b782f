"""The network directory: networks, schools and the people who belong to them.

A person row is a membership of one human in one network (with their role,
school and levels there). It is the single source of truth for who belongs to
which network and school; accounts link to it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field

from mejora_common.db import UTCDateTime, utcnow
from mejora_common.versioning import Versioned

from .base import Base


class Network(Base, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(max_length=200)
    slep: str = Field(max_length=200, description="Servicio Local de Educación Pública")
    description: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class School(Versioned, Base, table=True):
    __table_args__ = (UniqueConstraint("network_id", "rbd", name="uq_school_network_rbd"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    network_id: uuid.UUID = Field(foreign_key="network.id", index=True)
    rbd: int
    name: str = Field(max_length=200)
    commune: str = Field(default="", max_length=100)
    region: str = Field(default="", max_length=100)
    levels: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class Person(Versioned, Base, table=True):
    __table_args__ = (UniqueConstraint("network_id", "run", name="uq_person_network_run"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    network_id: uuid.UUID = Field(foreign_key="network.id", index=True)
    account_id: uuid.UUID | None = Field(default=None, foreign_key="account.id", index=True)
    run: str = Field(max_length=12, description="RUN normalizado, p. ej. 12345678-5")
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=254)
    role: str = Field(max_length=20)
    school_id: uuid.UUID | None = Field(default=None, foreign_key="school.id", index=True)
    levels: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
