"""PHEA cycles and their stage history."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field

from mejora_common.db import UTCDateTime, utcnow

from .base import Base, Revisioned


class Cycle(Revisioned, Base, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    network_id: uuid.UUID = Field(foreign_key="network.id", index=True)
    school_id: uuid.UUID | None = Field(default=None, foreign_key="school.id", index=True)
    change_idea_id: uuid.UUID | None = Field(default=None, index=True)
    owner_id: uuid.UUID = Field(foreign_key="person.id", index=True)
    previous_cycle_id: uuid.UUID | None = Field(default=None, foreign_key="cycle.id", index=True)
    title: str = Field(max_length=200)
    stage: str = Field(default="plan", max_length=20, index=True)
    objective: str = Field(default="", max_length=4000)
    questions: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    plan_who: str = Field(default="", max_length=2000)
    plan_what: str = Field(default="", max_length=4000)
    plan_when: str = Field(default="", max_length=2000)
    plan_where: str = Field(default="", max_length=2000)
    plan_data_collection: str = Field(default="", max_length=4000)
    do_carried_out_on: date | None = None
    do_what_happened: str = Field(default="", max_length=8000)
    do_problems: str = Field(default="", max_length=4000)
    do_observations: str = Field(default="", max_length=4000)
    study_learning: str = Field(default="", max_length=8000)
    act_decision: str | None = Field(default=None, max_length=20)
    act_next_steps: str = Field(default="", max_length=4000)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class CycleTransition(Base, table=True):
    """One stage move: an advance or a reopening (who, when, from, to)."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    cycle_id: uuid.UUID = Field(foreign_key="cycle.id", index=True)
    kind: str = Field(max_length=10)
    from_stage: str = Field(max_length=20)
    to_stage: str = Field(max_length=20)
    actor_id: uuid.UUID | None = Field(default=None, foreign_key="person.id")
    actor_name: str = Field(default="", max_length=200)
    reason: str = Field(default="", max_length=2000)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
