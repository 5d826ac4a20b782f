"""The view log of teacher-level data: one row per answer that showed a teacher's observation data to someone.

Append-only through the API (no endpoint changes or deletes a row); rows older than the retention
(``MEJORA_VIEW_LOG_RETENTION_DAYS``) are purged by :func:`observations_service.service.view_log.purge`.
docs/privacy.md, "The view log of teacher-level data".
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field

from mejora_common.db import UTCDateTime, utcnow

from .base import Base


class ViewLogEntry(Base, table=True):
    """Who saw which of one teacher's data, when, and through which client."""

    __tablename__ = "view_log"
    __table_args__ = (
        Index("ix_view_log_teacher_viewed_at", "teacher_id", "viewed_at"),
        Index("ix_view_log_network_viewed_at", "network_id", "viewed_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    viewed_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True))
    network_id: uuid.UUID
    teacher_id: uuid.UUID = Field(description="La docente cuyos datos se vieron (persona de la red)")
    viewer_account_id: uuid.UUID = Field(description="Cuenta (o cliente de integración) que vio")
    viewer_person_id: uuid.UUID | None = Field(default=None, description="Su persona en la red, si es miembro")
    viewer_name: str = Field(max_length=200)
    viewer_role: str = Field(max_length=20)
    client: str = Field(max_length=80, description="web, integration:<id> o el servicio por el que llegó")
    kind: str = Field(max_length=40, description="Qué se vio: observation, scores, amendments, list, export…")
    observation_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    filters: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    request_id: str | None = Field(default=None, max_length=200)
