"""Background report jobs (``domain/jobs.py`` has the state machine; ``service/job_queue.py`` the claims).

The finished file is stored **in this table** (``result``, a blob), not in the data directory: the API replicas and
the workers may run on different machines or pods that share only the database (issue 13, "Stateless replicas"),
the file then follows the database's backups and permissions (no file modes to get wrong), and it is deleted with
the row's expiry. A results PDF is at most a few megabytes; the blob is never read by the status endpoint
(``service/jobs.py`` selects only the columns it shows).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary
from sqlmodel import Field

from mejora_common.db import UTCDateTime, utcnow
from mejora_common.versioning import Versioned

from .base import Base


class ReportJob(Versioned, Base, table=True):
    """One document to render: what (``kind``, ``format``, ``payload``), for whom, how far it got, its file."""

    __tablename__ = "report_job"
    __table_args__ = (Index("ix_report_job_state_created", "state", "created_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    kind: str = Field(max_length=40, description="What is rendered: 'results' (network results)")
    format: str = Field(max_length=10)
    network_id: uuid.UUID = Field(index=True)
    created_by_account_id: uuid.UUID
    state: str = Field(default="queued", max_length=10)
    progress: int = 0
    message: str = Field(default="En cola", max_length=200)
    error: str | None = Field(default=None, max_length=500)
    attempts: int = 0
    lease_owner: str | None = Field(default=None, max_length=100)
    lease_expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    started_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    filename: str = Field(max_length=200)
    content_type: str | None = Field(default=None, max_length=200)
    payload: dict[str, Any] | None = Field(
        default=None,
        sa_column=Column(JSON, nullable=True),
        description="What the worker renders (the report as its creator could read it); cleared when finished",
    )
    result: bytes | None = Field(default=None, sa_type=LargeBinary)
    result_size: int | None = None
