"""Writing and reading the view log of teacher-level data; the rules are in :mod:`..domain.view_log`.

**Written in the reading request, before its answer leaves.** The read's use case adds the rows to its own
session and commits them (one multi-row INSERT of a few short rows, no read-modify-write, no lock held on the
observation tables), so an answer that showed a teacher's data is never sent without its log row: if the write
fails the read fails too (fail closed). A buffered or background write would be cheaper by a commit but would
lose rows in a crash and make the log lag the answers. On PostgreSQL concurrent inserts do not block each other;
on SQLite (the embedded default, write-ahead log) readers never wait for the insert and inserts queue on the
busy timeout for a few milliseconds each. docs/privacy.md, "The view log of teacher-level data".
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mejora_common.auth import Principal
from mejora_common.db import utcnow
from mejora_common.observability import current_request_id
from mejora_common.pagination import paginate

from ..domain.view_log import Entry, Shown, Viewer, entries, kind_of, retention_cutoff
from ..models import Observation, ViewLogEntry
from ..schemas.view_log import ViewLogEntryRead, ViewLogViewer

__all__ = ["LogFilters", "Shown", "purge", "read_entries", "record", "record_rows", "to_read", "viewer_of"]


def viewer_of(principal: Principal) -> Viewer:
    return Viewer(
        account_id=principal.account_id,
        name=principal.name,
        role=principal.role,
        client=principal.client,
        members={m.network_id: (m.person_id, m.role) for m in principal.memberships},
        aggregate=principal.computes_aggregates,
    )


def _jsonable(filters: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v if isinstance(v, bool | int | float) else str(v) for k, v in (filters or {}).items() if v is not None}


def record(
    session: Session, principal: Principal, kind: str, shown: Iterable[Shown], filters: dict[str, Any] | None = None
) -> None:
    """Log that ``principal`` was shown ``shown`` (see the module docstring: committed here, before the answer)."""
    kind = kind_of(kind, via=principal.via, purpose=principal.purpose)
    rows = [_row(entry, principal, kind, filters) for entry in entries(viewer_of(principal), shown)]
    if not rows:
        return
    session.add_all(rows)
    session.commit()


def record_rows(
    session: Session,
    principal: Principal,
    kind: str,
    rows: Sequence[Observation],
    filters: dict[str, Any] | None = None,
) -> None:
    """:func:`record` for observations (each shows its teacher's data)."""
    record(session, principal, kind, (Shown(r.network_id, r.teacher_id, r.id) for r in rows), filters)


def _row(entry: Entry, principal: Principal, kind: str, filters: dict[str, Any] | None) -> ViewLogEntry:
    return ViewLogEntry(
        viewed_at=utcnow(),
        network_id=entry.network_id,
        teacher_id=entry.teacher_id,
        viewer_account_id=principal.account_id,
        viewer_person_id=entry.viewer_person_id,
        viewer_name=principal.name[:200],
        viewer_role=entry.viewer_role,
        client=principal.client[:80],
        kind=kind,
        observation_ids=[str(i) for i in entry.observation_ids],
        filters=_jsonable(filters),
        request_id=current_request_id(),
    )


# --- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogFilters:
    teacher_ids: Sequence[uuid.UUID] | None = None
    network_id: uuid.UUID | None = None
    viewed_from: date | None = None
    viewed_to: date | None = None


def _conditions(filters: LogFilters) -> list[Any]:
    conditions: list[Any] = []
    if filters.teacher_ids is not None:
        conditions.append(col(ViewLogEntry.teacher_id).in_(list(filters.teacher_ids)))
    if filters.network_id is not None:
        conditions.append(ViewLogEntry.network_id == filters.network_id)
    if filters.viewed_from is not None:
        conditions.append(col(ViewLogEntry.viewed_at) >= _day_start(filters.viewed_from))
    if filters.viewed_to is not None:
        conditions.append(col(ViewLogEntry.viewed_at) < _day_start(filters.viewed_to + timedelta(days=1)))
    return conditions


def _day_start(day: date) -> datetime:
    """The first instant of ``day`` in UTC (the filters' dates are UTC days, as the timestamps)."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def read_entries(session: Session, filters: LogFilters, limit: int, offset: int) -> tuple[list[ViewLogEntryRead], int]:
    """One page of the log, newest first."""
    if filters.teacher_ids is not None and not filters.teacher_ids:
        return [], 0
    query = select(ViewLogEntry).where(*_conditions(filters))
    rows, total = paginate(session, query, limit, offset, col(ViewLogEntry.viewed_at).desc(), col(ViewLogEntry.id))
    return [to_read(r) for r in rows], total


def to_read(row: ViewLogEntry) -> ViewLogEntryRead:
    return ViewLogEntryRead(
        id=row.id,
        viewed_at=row.viewed_at,
        network_id=row.network_id,
        teacher_id=row.teacher_id,
        viewer=ViewLogViewer(
            account_id=row.viewer_account_id, person_id=row.viewer_person_id, name=row.viewer_name, role=row.viewer_role
        ),
        client=row.client,
        kind=row.kind,
        observation_ids=[uuid.UUID(i) for i in row.observation_ids],
        filters=dict(row.filters),
        request_id=row.request_id,
    )


# --- retention -------------------------------------------------------------------------------------


def purge(engine: Engine, retention_days: int, now: datetime | None = None) -> int:
    """Delete the entries older than the retention; the number deleted (0 when the retention keeps everything)."""
    cutoff = retention_cutoff(now or utcnow(), retention_days)
    if cutoff is None:
        return 0
    with Session(engine) as session:
        result = session.exec(delete(ViewLogEntry).where(col(ViewLogEntry.viewed_at) < cutoff))  # type: ignore[call-overload]
        session.commit()
        return int(result.rowcount or 0)
