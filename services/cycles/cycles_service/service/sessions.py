"""Refresh-token families: one per login, rotated on every refresh, revoked as a whole on reuse or logout.

The rules (issue 11, point 1; ``docs/security.md``, "Browser sessions"):

* A login starts a family with its first token. Refreshing with the family's newest token rotates it: the token
  is marked rotated and its successor is stored (as a SHA-256 digest, like every refresh token).
* A rotated token presented again within ``refresh_grace_seconds`` of its rotation answers the *same*
  successor (two tabs, or a tab and the service worker, refreshing at once): the successor is not stored in
  clear anywhere, it is ``HMAC-SHA384(family.successor_key, token)``, recomputed from the token presented. Only
  the holder of the rotated token *and* the server's family key can compute it, and a database leak gives
  neither a token (digests only) nor a way to advance one.
* A rotated token presented after the grace period is taken as theft: the whole family, its newest token
  included, is revoked with ``revoked_reason = "reuse"`` and a ``refresh_token_reuse`` log event.
* Logout revokes the family of the token presented (``"logout"``); :func:`revoke_account_sessions` revokes every
  family of an account (deactivation, password change).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
import uuid
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from mejora_common.db import utcnow
from mejora_common.errors import ProblemError

from ..models import Account, RefreshToken, RefreshTokenFamily
from ..settings import Settings
from .security import digest, new_refresh_token

logger = logging.getLogger("mejora.cycles.sessions")

# Rotations followed from a token presented within the grace period (two tabs, a service worker: a few at most).
MAX_CHAIN = 8
REUSE = "reuse"
LOGOUT = "logout"


def invalid_session() -> ProblemError:
    return ProblemError(401, "refresh_token_invalid", "La sesión expiró o fue cerrada. Vuelve a iniciar sesión.")


def successor_of(family: RefreshTokenFamily, token: str) -> str:
    """The successor of ``token`` in ``family``: ``HMAC-SHA384(successor_key, token)``, URL-safe base64.

    Deterministic, so a rotated token presented again within the grace period gets the same successor back
    without the successor ever being stored in clear. 48 bytes, like :func:`new_refresh_token`.
    """
    mac = hmac.new(bytes.fromhex(family.successor_key), token.encode(), hashlib.sha384).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def csrf_token(family: RefreshTokenFamily) -> str:
    """The CSRF token of a browser session: bound to its family, so a cookie planted by a sibling site fails."""
    mac = hmac.new(bytes.fromhex(family.successor_key), b"csrf", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def _expiry(settings: Settings, now: datetime) -> datetime:
    return now + timedelta(days=settings.refresh_token_days)


def start_family(session: Session, account_id: uuid.UUID, settings: Settings) -> tuple[RefreshTokenFamily, str]:
    """A new family (a login) and its first token, in clear (only its digest is stored). Not committed."""
    family = RefreshTokenFamily(account_id=account_id, successor_key=secrets.token_hex(32))
    session.add(family)
    session.flush()  # no ORM relationship orders the two INSERTs
    token = new_refresh_token()
    session.add(
        RefreshToken(
            account_id=account_id, family_id=family.id, token_hash=digest(token), expires_at=_expiry(settings, utcnow())
        )
    )
    session.flush()
    return family, token


def find_token(session: Session, token: str) -> tuple[RefreshToken, RefreshTokenFamily] | None:
    stored = session.exec(select(RefreshToken).where(RefreshToken.token_hash == digest(token))).first()
    if stored is None:
        return None
    family = session.get(RefreshTokenFamily, stored.family_id)
    return None if family is None else (stored, family)


def cookie_csrf_token(session: Session, token: str) -> str:
    """The CSRF token a cookie session must present, or 401 without a live session.

    The read's transaction ends here: the rotation's claim starts its own, and were this read still open (a driver
    that begins one on SELECT), SQLite could not turn it into a write after another tab's refresh committed.
    """
    found = find_token(session, token) if token else None
    if found is None:
        raise invalid_session()
    expected = csrf_token(found[1])
    session.rollback()
    return expected


def _usable(stored: RefreshToken, family: RefreshTokenFamily, now: datetime) -> bool:
    return family.revoked_at is None and stored.revoked_at is None and stored.expires_at > now


def _account_active(session: Session, account_id: uuid.UUID) -> bool:
    account = session.get(Account, account_id)
    return account is not None and account.is_active


def rotate(session: Session, token: str, settings: Settings) -> tuple[uuid.UUID, RefreshTokenFamily, str]:
    """Exchange ``token`` for its successor: ``(account id, family, successor in clear)``; commits.

    The claim is a conditional UPDATE issued first, so of two requests with the same token exactly one rotates
    it (the other waits for the row, or SQLite's write lock, and then takes the grace path).
    """
    now = utcnow()
    successor_id = uuid.uuid4()
    claimed = session.execute(
        update(RefreshToken)
        .where(
            col(RefreshToken.token_hash) == digest(token),
            col(RefreshToken.rotated_at).is_(None),
            col(RefreshToken.revoked_at).is_(None),
            col(RefreshToken.expires_at) > now,
        )
        .values(rotated_at=now, successor_id=successor_id)
    )
    found = find_token(session, token)
    if found is None:
        session.rollback()
        raise invalid_session()
    stored, family = found
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return _presented_again(session, stored, family=family, token=token, settings=settings, now=now)
    if family.revoked_at is not None or not _account_active(session, stored.account_id):
        session.rollback()
        raise invalid_session()
    successor = successor_of(family, token)
    session.add(
        RefreshToken(
            id=successor_id,
            account_id=stored.account_id,
            family_id=family.id,
            token_hash=digest(successor),
            expires_at=_expiry(settings, now),
        )
    )
    session.commit()
    return stored.account_id, family, successor


def _presented_again(
    session: Session,
    stored: RefreshToken,
    *,
    family: RefreshTokenFamily,
    token: str,
    settings: Settings,
    now: datetime,
) -> tuple[uuid.UUID, RefreshTokenFamily, str]:
    """A token that was not rotated now: revoked or expired (401), or rotated before (grace, else reuse)."""
    if stored.rotated_at is None or family.revoked_at is not None or stored.revoked_at is not None:
        session.rollback()
        raise invalid_session()
    grace = timedelta(seconds=settings.refresh_grace_seconds)
    current, plain = stored, token
    for _ in range(MAX_CHAIN):
        if current.rotated_at is None:
            if not _usable(current, family, now) or not _account_active(session, current.account_id):
                break
            session.rollback()
            return current.account_id, family, plain
        if now - current.rotated_at > grace:
            _revoke_for_reuse(session, family, stored)
            raise invalid_session()
        successor = session.get(RefreshToken, current.successor_id) if current.successor_id else None
        plain = successor_of(family, plain)
        if successor is None or successor.token_hash != digest(plain):
            break
        current = successor
    session.rollback()
    raise invalid_session()


def _revoke_for_reuse(session: Session, family: RefreshTokenFamily, presented: RefreshToken) -> None:
    revoke_family(session, family, REUSE)
    session.commit()
    logger.warning(
        "refresh token reused after rotation: session family revoked",
        extra={
            "fields": {
                "event": "refresh_token_reuse",
                "account_id": str(family.account_id),
                "family_id": str(family.id),
                "token_id": str(presented.id),
            }
        },
    )


def revoke_family(session: Session, family: RefreshTokenFamily, reason: str) -> None:
    """Revoke ``family`` and every token in it (not committed). A family already revoked keeps its reason."""
    now = utcnow()
    if family.revoked_at is None:
        family.revoked_at = now
        family.revoked_reason = reason
        session.add(family)
    session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.family_id) == family.id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=now)
    )


def end_session(session: Session, token: str) -> None:
    """Logout: revoke the family of ``token`` (any of its tokens, rotated or not); commits."""
    found = find_token(session, token)
    if found is not None:
        revoke_family(session, found[1], LOGOUT)
        session.commit()


def revoke_account_sessions(session: Session, account_id: uuid.UUID, reason: str) -> int:
    """Revoke every live session family of an account (deactivation, password reset). Returns how many.

    Does not commit: the caller's transaction (e.g. the deactivation it belongs to) decides. ``reason`` is stored
    in ``refresh_token_family.revoked_reason`` (at most 40 characters).
    """
    families = session.exec(
        select(RefreshTokenFamily).where(
            RefreshTokenFamily.account_id == account_id, col(RefreshTokenFamily.revoked_at).is_(None)
        )
    ).all()
    for family in families:
        revoke_family(session, family, reason[:40])
    if families:
        logger.info(
            "session families of an account revoked",
            extra={
                "fields": {
                    "event": "account_sessions_revoked",
                    "account_id": str(account_id),
                    "families": len(families),
                    "reason": reason[:40],
                }
            },
        )
    return len(families)
