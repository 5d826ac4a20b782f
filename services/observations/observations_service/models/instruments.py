"""Observation instruments stored as data (domains → dimensions, scale, cycles)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlalchemy.orm import declared_attr
from sqlmodel import Field

from mejora_common.db import UTCDateTime, utcnow

from .base import Base


class Instrument(Base, table=True):
    """One version of an instrument. ``definition`` is the validated JSON document.

    Shipped instruments (``builtin``) have ``network_id`` NULL and a fixed id;
    custom ones belong to a network. A version that has been used by an
    observation is never changed: an edit creates the next version.

    ``version`` is the instrument's own version (part of its identity), so the row's change counter, its ``ETag``,
    is ``revision``: SQLAlchemy's version counter as in ``mejora_common.versioning.Versioned`` (which would need
    the name ``version``), so an edit is ``UPDATE … WHERE revision = <the one read>``.
    """

    __table_args__ = (UniqueConstraint("code", "version", name="uq_instrument_code_version"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    code: str = Field(max_length=60, index=True)
    version: int
    name: str = Field(max_length=200)
    description: str = Field(default="")
    scale_min: int
    scale_max: int
    min_cycles: int
    definition: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    builtin: bool = Field(default=False)
    network_id: uuid.UUID | None = Field(default=None, index=True)
    previous_version_id: uuid.UUID | None = Field(default=None)
    created_by: uuid.UUID | None = Field(default=None, description="Persona que lo creó")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    revision: int = Field(default=1, nullable=False, sa_column_kwargs={"server_default": "1"})

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - SQLAlchemy passes the class
        return {"version_id_col": cls.__table__.c.revision}  # type: ignore[attr-defined]
