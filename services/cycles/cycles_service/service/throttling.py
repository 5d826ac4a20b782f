"""Brute-force protection of ``POST /api/v1/auth/token``, kept in the database (holds across restarts and replicas).

The rule, the same for people (per account) and integration clients (per client id):
``MEJORA_LOGIN_MAX_FAILURES`` consecutive wrong passwords (or secrets) lock the row for
``MEJORA_LOGIN_LOCK_MINUTES``; while locked every attempt, even with the right password, is answered 429
``too_many_attempts`` with ``Retry-After``. The failure that reaches the limit is already answered 429. A
successful login resets the counter; locking restarts it, so after the lock the next N failures are needed again.
Unknown emails and client ids keep no state at all (their answer is the same 401 as a wrong password).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import case, or_, update
from sqlmodel import Session, col

from mejora_common.db import utcnow
from mejora_common.errors import ProblemError

from ..models import Account, IntegrationClient
from ..settings import Settings

Lockable = Account | IntegrationClient


def now() -> datetime:
    """The current time (aware UTC). Tests replace it to move the clock."""
    return utcnow()


def too_many_attempts(locked_until: datetime, current: datetime) -> ProblemError:
    seconds = max(1, math.ceil((locked_until - current).total_seconds()))
    minutes = math.ceil(seconds / 60)
    unit = "minuto" if minutes == 1 else "minutos"
    return ProblemError(
        429,
        "too_many_attempts",
        f"Demasiados intentos fallidos. Intenta nuevamente en {minutes} {unit}.",
        headers={"Retry-After": str(seconds)},
    )


def ensure_not_locked(row: Lockable) -> None:
    """429 while the row is locked (checked before the password, which is then not even verified)."""
    current = now()
    if row.locked_until is not None and row.locked_until > current:
        raise too_many_attempts(row.locked_until, current)


def record_failure(session: Session, row: Lockable, settings: Settings) -> None:
    """Count one failed attempt in a single atomic UPDATE; at the limit, lock the row and raise 429.

    Failures that arrive while the row is locked (concurrent requests) are not counted.
    """
    if settings.login_max_failures <= 0:
        return
    table = type(row)
    failures, locked_until = col(table.failed_logins), col(table.locked_until)
    current = now()
    reached = failures + 1 >= settings.login_max_failures
    session.execute(
        update(table)
        .where(col(table.id) == row.id, or_(locked_until.is_(None), locked_until <= current))
        .values(
            failed_logins=case((reached, 0), else_=failures + 1),
            locked_until=case((reached, current + timedelta(minutes=settings.login_lock_minutes)), else_=None),
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    session.refresh(row)  # what the database now holds, whatever the session's expire_on_commit
    ensure_not_locked(row)


def reset(session: Session, row: Lockable) -> None:
    """After a successful login: no failures, no lock."""
    if row.failed_logins == 0 and row.locked_until is None:
        return
    table = type(row)
    session.execute(
        update(table)
        .where(col(table.id) == row.id)
        .values(failed_logins=0, locked_until=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()
