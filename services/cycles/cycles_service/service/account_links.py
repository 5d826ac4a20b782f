"""Single-use links (invitations, password resets, login challenges) and the end of an account's sessions.

A link's secret is 32 random bytes (URL-safe base64) shown once, in an e-mail or a login answer; the database
keeps its SHA-256 digest only. Using a link is one conditional ``UPDATE`` (not used, not revoked, not expired), so
of two concurrent uses exactly one succeeds.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from mejora_common.db import utcnow
from mejora_common.errors import ProblemError

from ..domain.account_lifecycle import link_usable
from ..models import AccountSecurity, AccountToken
from . import sessions
from .security import digest


def now() -> datetime:
    """The current time (aware UTC). Tests replace it to move the clock."""
    return utcnow()


def link_invalid() -> ProblemError:
    return ProblemError(400, "link_invalid", "El enlace no es válido, ya se usó o venció. Pide uno nuevo.")


def new_link(
    session: Session,
    kind: str,
    account_id: uuid.UUID,
    expires_at: datetime,
    *,
    person_id: uuid.UUID | None = None,
    created_by: uuid.UUID | None = None,
) -> str:
    """A new link of ``kind`` for the account (not committed); the secret, in clear, to send."""
    token = secrets.token_urlsafe(32)
    session.add(
        AccountToken(
            kind=kind,
            token_hash=digest(token),
            account_id=account_id,
            person_id=person_id,
            created_by=created_by,
            expires_at=expires_at,
        )
    )
    return token


def revoke_links(session: Session, account_id: uuid.UUID, kinds: Iterable[str]) -> None:
    """Every pending link of these kinds of the account stops working (not committed)."""
    session.execute(
        update(AccountToken)
        .where(
            col(AccountToken.account_id) == account_id,
            col(AccountToken.kind).in_(list(kinds)),
            col(AccountToken.used_at).is_(None),
            col(AccountToken.revoked_at).is_(None),
        )
        .values(revoked_at=now())
    )


def find_link(session: Session, token: str, kind: str) -> AccountToken | None:
    """The usable link of ``kind`` with this secret, or ``None``."""
    row = session.exec(
        select(AccountToken).where(AccountToken.token_hash == digest(token), AccountToken.kind == kind)
    ).first()
    if row is None or not link_usable(row.used_at, row.revoked_at, row.expires_at, now()):
        return None
    return row


def use_link(session: Session, token: str, kind: str) -> AccountToken:
    """Mark the link used (not committed) and return it; 400 ``link_invalid`` when it cannot be used."""
    current = now()
    claimed = session.execute(
        update(AccountToken)
        .where(
            col(AccountToken.token_hash) == digest(token),
            col(AccountToken.kind) == kind,
            col(AccountToken.used_at).is_(None),
            col(AccountToken.revoked_at).is_(None),
            col(AccountToken.expires_at) > current,
        )
        .values(used_at=current)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise link_invalid()
    row = session.exec(select(AccountToken).where(AccountToken.token_hash == digest(token))).one()
    return row


def security_of(session: Session, account_id: uuid.UUID) -> AccountSecurity:
    """The account's security row, added (and flushed, not committed) the first time it is needed.

    Flushed at once so that a change made next is an UPDATE that moves its version on (the account state's ETag).
    """
    row = session.get(AccountSecurity, account_id)
    if row is None:
        row = AccountSecurity(account_id=account_id)
        session.add(row)
        session.flush()
    return row


def end_sessions(session: Session, security: AccountSecurity, reason: str) -> None:
    """Every session of the account ends (not committed): its refresh-token families are revoked
    (``sessions.revoke_account_sessions``) and access tokens issued before this second are refused by this
    service (``principal_check``); the other services accept them until they expire (``MEJORA_ACCESS_TOKEN_MINUTES``).
    """
    sessions.revoke_account_sessions(session, security.account_id, reason)
    security.sessions_valid_after = now().replace(microsecond=0)
    security.updated_at = now()
    session.add(security)
