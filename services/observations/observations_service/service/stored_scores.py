"""Stored scores kept in step with the observations they come from.

Every flush that inserts a submitted observation, or changes the cycles, status or instrument of one (a submit, an
amendment, an import, the demo seed), replaces its ``observation_score`` rows in the same transaction; a draft has
none. Registered once, as a listener on every SQLAlchemy session (``after_flush``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, event, insert, inspect
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction
from sqlmodel import col

from ..domain.scoring import ScoringError
from ..domain.stored_scores import rows_from_cycles
from ..models import Instrument, Observation, ObservationScore
from .instruments import spec_of

_WATCHED = ("cycles", "status", "instrument_id")


def _changed(row: Observation) -> bool:
    state = inspect(row)
    return any(state.attrs[name].history.has_changes() for name in _WATCHED)


def _stale(session: OrmSession) -> list[Observation]:
    fresh = [o for o in session.new if isinstance(o, Observation)]
    dirty = [o for o in session.dirty if isinstance(o, Observation) and _changed(o)]
    return [*fresh, *dirty]


def refresh_scores(session: OrmSession, rows: list[Observation]) -> None:
    """Replace the stored scores of ``rows`` (none for a draft, or for cycles that cannot be scored)."""
    connection = session.connection()
    connection.execute(delete(ObservationScore).where(col(ObservationScore.observation_id).in_([r.id for r in rows])))
    values: list[dict[str, Any]] = []
    with session.no_autoflush:
        for row in rows:
            instrument = session.get(Instrument, row.instrument_id) if row.status == "submitted" else None
            if instrument is None:
                continue
            try:
                values.extend(rows_from_cycles(row.id, spec_of(instrument), row.cycles))
            except ScoringError:
                continue  # not scorable: never the case for a submitted observation, which is complete
    if values:
        connection.execute(insert(ObservationScore), values)


def _after_flush(session: OrmSession, _context: UOWTransaction) -> None:
    """Still sees the flush's new and dirty objects and their attribute history (SQLAlchemy's ``after_flush``)."""
    rows = _stale(session)
    if rows:
        refresh_scores(session, rows)


def install() -> None:
    """Listen on every session (idempotent)."""
    if not event.contains(OrmSession, "after_flush", _after_flush):
        event.listen(OrmSession, "after_flush", _after_flush)


install()
