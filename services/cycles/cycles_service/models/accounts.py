"""Login accounts. An account is a person's credentials; memberships live in Person."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field

from mejora_common.db import UTCDateTime, utcnow

from .base import Base


class Account(Base, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=200)
    password_hash: str = Field(max_length=255)
    is_active: bool = True
    # Login throttling (service/throttling.py): consecutive failed passwords, and the lock they led to.
    failed_logins: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    locked_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class RefreshToken(Base, table=True):
    """A refresh token, stored as its SHA-256 digest. Rotated on every use."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    account_id: uuid.UUID = Field(foreign_key="account.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
