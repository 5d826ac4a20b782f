"""Integration clients: SLEP systems that call the API with an API key (OAuth2 client credentials)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field

from mejora_common.db import UTCDateTime, utcnow
from mejora_common.versioning import Versioned

from .base import Base


class IntegrationClient(Versioned, Base, table=True):
    """One API key of one network. The secret is stored only as its Argon2 hash."""

    __tablename__ = "integration_client"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    network_id: uuid.UUID = Field(foreign_key="network.id", index=True)
    name: str = Field(max_length=120)
    client_id: str = Field(max_length=64, unique=True, index=True)
    secret_hash: str = Field(max_length=255)
    scopes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_by: uuid.UUID = Field(foreign_key="account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    last_used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # Login throttling (service/throttling.py): consecutive failed secrets, and the lock they led to.
    failed_logins: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    locked_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
