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


class RefreshTokenFamily(Base, table=True):
    """The chain of refresh tokens that one login starts (``service/sessions.py``).

    Every rotation adds a successor to the family; presenting a rotated token again after the grace period is
    taken as theft and revokes the whole family (``revoked_reason``). ``successor_key`` is a random key of this
    family only: a token's successor is ``HMAC(successor_key, token)``, so the server can hand the same successor
    to two tabs that present the same token at once, and a stolen rotated token alone cannot be advanced.
    """

    __tablename__ = "refresh_token_family"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    account_id: uuid.UUID = Field(foreign_key="account.id", index=True)
    successor_key: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    revoked_reason: str | None = Field(default=None, max_length=40)


class RefreshToken(Base, table=True):
    """A refresh token, stored as its SHA-256 digest. Rotated on every use, within its family.

    ``rotated_at`` is when it was exchanged for its successor (``successor_id``); ``revoked_at`` is when it (or
    its family) was revoked.
    """

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    account_id: uuid.UUID = Field(foreign_key="account.id", index=True)
    family_id: uuid.UUID = Field(foreign_key="refresh_token_family.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    rotated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    successor_id: uuid.UUID | None = Field(default=None)
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
