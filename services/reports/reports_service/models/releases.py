"""Releases of a wave's network results: frozen snapshots published by a coordinator (docs/privacy.md).

A release never changes once stored (no update path), so it carries no version: its number is its identity.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field

from mejora_common.db import UTCDateTime, utcnow

from .base import Base


class Release(Base, table=True):
    """Release ``number`` (1, 2, … per network and wave): who published it, when, and what it shows.

    ``document`` holds the released cells exactly as every later read shows them (groups, comparisons, with
    "según la publicación N" where a cell kept an earlier value); ``cells`` the audit's view of them: each
    cell's status and its units (``observation@version``), so the next release is checked against this one.
    """

    __table_args__ = (UniqueConstraint("network_id", "wave", "number", name="uq_release_network_wave_number"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    network_id: uuid.UUID = Field(index=True)
    wave: str = Field(max_length=20)
    number: int
    k: int
    instrument_code: str | None = Field(default=None, max_length=60)
    published_by_account_id: uuid.UUID | None = Field(default=None, description="None: published by the demo seed")
    published_by_name: str = Field(max_length=200)
    published_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    document: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    cells: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ReleaseObservation(Base, table=True):
    """One observation a release includes, frozen: its version, its classroom's school and level, its scores."""

    __tablename__ = "release_observation"

    release_id: uuid.UUID = Field(foreign_key="release.id", primary_key=True)
    observation_id: uuid.UUID = Field(primary_key=True)
    version: int
    teacher_id: uuid.UUID
    school_id: uuid.UUID
    level: str = Field(max_length=20)
    observed_on: str = Field(max_length=10)
    unit: str = Field(max_length=120, description="What the audit calls this observation: id@version/digest")
    scores: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class PendingPublication(Base, table=True):
    """A release the demo seed asked for, published once the sibling services answer (then deleted)."""

    __tablename__ = "pending_publication"

    network_id: uuid.UUID = Field(primary_key=True)
    wave: str = Field(primary_key=True, max_length=20)
    name: str = Field(max_length=200, description="Who the release names as its publisher")
