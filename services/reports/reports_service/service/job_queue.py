"""The job queue in the reports database: claims, heartbeats, the end of a job and the clean-up of old files.

One mechanism on both engines (issue 12, "Report documents"); the rules are ``domain/jobs.py``'s:

* **Claim.** On PostgreSQL the candidate is selected ``FOR UPDATE SKIP LOCKED``: a second worker skips the row the
  first one holds and takes the next job, never waiting. On SQLite (one writer at a time, no row locks) the
  candidate is read and then taken by a conditional ``UPDATE … WHERE id = :id AND version = :version``: of two
  workers that read the same candidate exactly one updates a row, the other sees ``rowcount == 0`` and tries the next
  candidate. The same version check also runs on PostgreSQL, so both engines take a job by the same statement.
* **Lease.** A claim sets ``lease_owner`` and ``lease_expires_at``; the worker extends it (:func:`heartbeat`) while
  it works. A running job whose lease ended is claimable again (its worker died), and given up as failed after
  ``MAX_ATTEMPTS`` claims.
* **Only the lease holder writes.** Heartbeats, :func:`finish` and :func:`fail` carry ``lease_owner = :me AND
  state = 'running'`` in their ``WHERE``: a worker that lost its lease (it hung past it and another took the job)
  changes nothing and is told so (``False``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.engine import Connection, Engine

from mejora_common.db import utcnow

from ..domain.jobs import (
    DONE_MESSAGE,
    GAVE_UP,
    JobState,
    clamp_progress,
    gives_up,
    lease_end,
    result_expiry,
)
from ..models.jobs import ReportJob

T = ReportJob.__table__  # type: ignore[attr-defined]
#: Candidates read per claim round on SQLite (a lost race moves on to the next one).
CANDIDATES = 5
#: Expired jobs are deleted this long after their file was.
FORGET_EXPIRED_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class ClaimedJob:
    """What a worker needs to render a job it holds."""

    id: uuid.UUID
    kind: str
    format: str
    payload: dict[str, Any]
    filename: str
    attempts: int


def _claimable(now: datetime) -> Any:
    """SQL of ``domain.jobs.is_claimable``."""
    return or_(
        T.c.state == JobState.queued.value,
        and_(T.c.state == JobState.running.value, T.c.lease_expires_at <= now),
    )


def _candidates(conn: Connection, now: datetime, postgres: bool) -> list[Any]:
    query = select(T.c.id, T.c.version, T.c.state, T.c.attempts).where(_claimable(now)).order_by(T.c.created_at)
    if postgres:
        return list(conn.execute(query.limit(1).with_for_update(skip_locked=True)))
    return list(conn.execute(query.limit(CANDIDATES)))


def _take(conn: Connection, row: Any, owner: str, now: datetime, lease_seconds: float) -> ClaimedJob | None:
    """The conditional UPDATE of one candidate: the job, or ``None`` when another worker changed it first."""
    same = and_(T.c.id == row.id, T.c.version == row.version)
    if gives_up(JobState(row.state), row.attempts):
        conn.execute(
            update(T)
            .where(same)
            .values(
                state=JobState.failed.value,
                error=GAVE_UP,
                message=GAVE_UP,
                lease_owner=None,
                lease_expires_at=None,
                finished_at=now,
                payload=None,
                version=T.c.version + 1,
            )
        )
        return None
    taken = conn.execute(
        update(T)
        .where(same)
        .values(
            state=JobState.running.value,
            lease_owner=owner,
            lease_expires_at=lease_end(now, lease_seconds),
            started_at=now,
            attempts=T.c.attempts + 1,
            version=T.c.version + 1,
        )
    )
    if taken.rowcount != 1:
        return None
    job = conn.execute(
        select(T.c.id, T.c.kind, T.c.format, T.c.payload, T.c.filename, T.c.attempts).where(T.c.id == row.id)
    ).one()
    return ClaimedJob(job.id, job.kind, job.format, job.payload or {}, job.filename, job.attempts)


def claim(engine: Engine, owner: str, *, lease_seconds: float, now: datetime | None = None) -> ClaimedJob | None:
    """Take the oldest claimable job for ``owner``, or ``None`` when there is none (module docstring)."""
    postgres = engine.dialect.name == "postgresql"
    for _round in range(3):
        at = now or utcnow()
        with engine.begin() as conn:
            rows = _candidates(conn, at, postgres)
            if not rows:
                return None
            for row in rows:
                job = _take(conn, row, owner, at, lease_seconds)
                if job is not None:
                    return job
    return None


def _held(job_id: uuid.UUID, owner: str) -> Any:
    return and_(T.c.id == job_id, T.c.lease_owner == owner, T.c.state == JobState.running.value)


def heartbeat(
    engine: Engine,
    job_id: uuid.UUID,
    owner: str,
    *,
    lease_seconds: float,
    progress: int | None = None,
    message: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Extend the lease (and store the progress); ``False`` when ``owner`` no longer holds the job."""
    values: dict[str, Any] = {"lease_expires_at": lease_end(now or utcnow(), lease_seconds)}
    if progress is not None:
        values["progress"] = clamp_progress(progress)
    if message is not None:
        values["message"] = message[:200]
    with engine.begin() as conn:
        changed = conn.execute(update(T).where(_held(job_id, owner)).values(**values, version=T.c.version + 1))
    return changed.rowcount == 1


def finish(
    engine: Engine,
    job_id: uuid.UUID,
    owner: str,
    *,
    body: bytes,
    content_type: str,
    retention_hours: float,
    now: datetime | None = None,
) -> bool:
    """Store the file: the job is done; ``False`` (nothing stored) when ``owner`` lost the job."""
    at = now or utcnow()
    with engine.begin() as conn:
        changed = conn.execute(
            update(T)
            .where(_held(job_id, owner))
            .values(
                state=JobState.done.value,
                progress=100,
                message=DONE_MESSAGE,
                result=body,
                result_size=len(body),
                content_type=content_type,
                payload=None,
                lease_owner=None,
                lease_expires_at=None,
                finished_at=at,
                expires_at=result_expiry(at, retention_hours),
                version=T.c.version + 1,
            )
        )
    return changed.rowcount == 1


def fail(
    engine: Engine,
    job_id: uuid.UUID,
    owner: str,
    *,
    reason: str,
    retention_hours: float,
    now: datetime | None = None,
) -> bool:
    """The job failed with a readable ``reason`` (Spanish, shown to its creator)."""
    at = now or utcnow()
    with engine.begin() as conn:
        changed = conn.execute(
            update(T)
            .where(_held(job_id, owner))
            .values(
                state=JobState.failed.value,
                error=reason[:500],
                message=reason[:200],
                payload=None,
                lease_owner=None,
                lease_expires_at=None,
                finished_at=at,
                expires_at=result_expiry(at, retention_hours),
                version=T.c.version + 1,
            )
        )
    return changed.rowcount == 1


def expire_finished(engine: Engine, *, now: datetime | None = None) -> int:
    """Delete the files of finished jobs past ``expires_at`` (the job says ``expired``), and forget the expired
    jobs a week later; returns how many files were deleted."""
    at = now or utcnow()
    with engine.begin() as conn:
        expired = conn.execute(
            update(T)
            .where(T.c.state.in_([JobState.done.value, JobState.failed.value]), T.c.expires_at <= at)
            .values(state=JobState.expired.value, result=None, payload=None, version=T.c.version + 1)
        )
        conn.execute(delete(T).where(T.c.state == JobState.expired.value, T.c.expires_at <= at - FORGET_EXPIRED_AFTER))
    return int(expired.rowcount)


def queue_lengths(engine: Engine) -> dict[str, int]:
    """How many jobs wait and how many run now (the worker's queue-length metric)."""
    states = (JobState.queued.value, JobState.running.value)
    with engine.connect() as conn:
        rows = conn.execute(select(T.c.state, func.count()).where(T.c.state.in_(states)).group_by(T.c.state)).all()
    found = {str(state): int(count) for state, count in rows}
    return {state: found.get(state, 0) for state in states}
