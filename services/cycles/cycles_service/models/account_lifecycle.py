"""The account lifecycle: single-use links (invitations, password resets, login challenges), an account's security
state (deactivation, the end of its sessions, its second factor) and its recovery codes.

See ``service/account_lifecycle.py`` and docs/security.md, "Account lifecycle".
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field

from mejora_common.db import UTCDateTime, utcnow
from mejora_common.versioning import Versioned

from .base import Base

INVITATION = "invitation"
PASSWORD_RESET = "password_reset"  # noqa: S105 - a kind of link, not a secret
MFA_CHALLENGE = "mfa_challenge"


class AccountToken(Base, table=True):
    """A single-use secret sent to a person (an invitation or a password reset link) or handed to a client between
    the two steps of a login with a second factor. Only its SHA-256 digest is stored."""

    __tablename__ = "account_token"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    kind: str = Field(max_length=20)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    account_id: uuid.UUID = Field(foreign_key="account.id", index=True)
    person_id: uuid.UUID | None = Field(default=None, foreign_key="person.id")
    """The membership an invitation was sent for."""
    created_by: uuid.UUID | None = Field(default=None, foreign_key="account.id")
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    """Wrong codes given against a login challenge."""
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class AccountSecurity(Versioned, Base, table=True):
    """One account's security state, created when first needed. Its ``version`` is the ETag of the account state a
    coordinator reads and changes (deactivation)."""

    __tablename__ = "account_security"

    account_id: uuid.UUID = Field(foreign_key="account.id", primary_key=True)
    awaiting_password: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    """Created by an invitation; nobody has chosen its password yet."""
    sessions_valid_after: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    """Access tokens issued before this second are refused by the cycles service (deactivation, password reset)."""
    totp_secret: str | None = Field(default=None, max_length=64)
    """The confirmed TOTP secret (base32); ``None`` without a second factor."""
    totp_pending_secret: str | None = Field(default=None, max_length=64)
    """A secret being enrolled, until a code confirms it."""
    totp_last_counter: int | None = None
    """The time step of the last accepted code: a code is accepted once."""
    totp_enabled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class RecoveryCode(Base, table=True):
    """One of an account's ten single-use recovery codes, stored as its SHA-256 digest."""

    __tablename__ = "recovery_code"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    account_id: uuid.UUID = Field(foreign_key="account.id", index=True)
    code_hash: str = Field(max_length=64)
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
