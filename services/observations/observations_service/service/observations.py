"""Observations: reads and lists under the privacy rules (``domain/access.py``)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from mejora_common.auth import Principal
from mejora_common.errors import not_found
from mejora_common.pagination import keyset_page, paginate

from ..models import Instrument, Observation, ObservationAmendment
from ..schemas import CycleRead, ObservationRead
from . import view_log
from .access import can_read


def _amendment_counts(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not ids:
        return {}
    rows = session.exec(
        select(ObservationAmendment.observation_id, func.count())
        .where(col(ObservationAmendment.observation_id).in_(ids))
        .group_by(col(ObservationAmendment.observation_id))
    ).all()
    return {oid: int(n) for oid, n in rows}


def to_read(row: Observation, instrument: Instrument, amendment_count: int) -> ObservationRead:
    return ObservationRead(
        id=row.id,
        instrument_id=row.instrument_id,
        instrument_code=instrument.code,
        instrument_version=instrument.version,
        network_id=row.network_id,
        school_id=row.school_id,
        teacher_id=row.teacher_id,
        observer_id=row.observer_id,
        level=row.level,
        observed_on=row.observed_on,
        wave=row.wave,
        mode=row.mode,
        cycles=[CycleRead.model_validate(c) for c in row.cycles],
        evidence=dict(row.evidence),
        status="submitted" if row.status == "submitted" else "draft",
        double_codes_id=row.double_codes_id,
        revision=row.version,
        amendment_count=amendment_count,
        created_at=row.created_at,
        updated_at=row.updated_at,
        submitted_at=row.submitted_at,
    )


def read_many(session: Session, rows: Sequence[Observation]) -> list[ObservationRead]:
    instrument_ids = {r.instrument_id for r in rows}
    instruments = {
        i.id: i for i in session.exec(select(Instrument).where(col(Instrument.id).in_(instrument_ids))).all()
    }
    counts = _amendment_counts(session, [r.id for r in rows])
    return [to_read(r, instruments[r.instrument_id], counts.get(r.id, 0)) for r in rows]


def get_row(session: Session, principal: Principal, observation_id: uuid.UUID) -> Observation:
    row = session.get(Observation, observation_id, populate_existing=True)
    if row is None or not can_read(principal, row):
        raise not_found("La observación")
    return row


def get_observation(session: Session, principal: Principal, observation_id: uuid.UUID) -> ObservationRead:
    row = get_row(session, principal, observation_id)
    result = read_many(session, [row])[0]
    view_log.record_rows(session, principal, "observation", [row])
    return result


@dataclass
class ObservationFilters:
    network_id: uuid.UUID | None = None
    school_id: uuid.UUID | None = None
    teacher_id: uuid.UUID | None = None
    observer_id: uuid.UUID | None = None
    instrument_id: uuid.UUID | None = None
    wave: str | None = None
    status: str | None = None
    observed_from: date | None = None
    observed_to: date | None = None
    double_coding: bool | None = None


def visibility_conditions(principal: Principal, network_id: uuid.UUID | None) -> list[Any] | None:
    """SQL conditions restricting to what the caller may read; ``None`` when they may read nothing."""
    if principal.is_service:
        return [Observation.network_id == network_id] if network_id else []
    memberships = [m for m in principal.memberships if network_id is None or m.network_id == network_id]
    if network_id is not None and not memberships:
        raise not_found("La red")
    clauses: list[Any] = []
    for m in memberships:
        if m.role == "coordinator":
            clauses.append(Observation.network_id == m.network_id)
        else:
            clauses.append((Observation.network_id == m.network_id) & (Observation.observer_id == m.person_id))
            clauses.append(
                (Observation.network_id == m.network_id)
                & (Observation.teacher_id == m.person_id)
                & (Observation.status == "submitted")
            )
    if not clauses:
        return None
    condition = clauses[0]
    for clause in clauses[1:]:
        condition = condition | clause
    return [condition]


def filter_conditions(filters: ObservationFilters) -> list[Any]:
    conditions: list[Any] = []
    for name in ("school_id", "teacher_id", "observer_id", "instrument_id", "wave", "status"):
        value = getattr(filters, name)
        if value is not None:
            conditions.append(getattr(Observation, name) == value)
    if filters.observed_from is not None:
        conditions.append(col(Observation.observed_on) >= filters.observed_from)
    if filters.observed_to is not None:
        conditions.append(col(Observation.observed_on) <= filters.observed_to)
    if filters.double_coding is True:
        conditions.append(col(Observation.double_codes_id).is_not(None))
    elif filters.double_coding is False:
        conditions.append(col(Observation.double_codes_id).is_(None))
    return conditions


def list_rows(
    session: Session, principal: Principal, filters: ObservationFilters, limit: int, offset: int
) -> tuple[list[Observation], int]:
    visible = visibility_conditions(principal, filters.network_id)
    if visible is None:
        return [], 0
    conditions = visible + filter_conditions(filters)
    order = (col(Observation.observed_on).desc(), col(Observation.created_at).desc(), col(Observation.id))
    return paginate(session, select(Observation).where(*conditions), limit, offset, *order)


def list_observations(
    session: Session, principal: Principal, filters: ObservationFilters, limit: int, offset: int
) -> tuple[list[ObservationRead], int]:
    rows, total = list_rows(session, principal, filters, limit, offset)
    result = read_many(session, rows)
    view_log.record_rows(session, principal, "observations", rows, asdict(filters))
    return result, total


KEYSET_ORDER = (col(Observation.observed_on), col(Observation.id))
"""The keyset order: ascending and unique, so a row inserted after the cursor's key is read later, never twice."""


def rows_after(
    session: Session, principal: Principal, filters: ObservationFilters, cursor: str | None, limit: int
) -> tuple[list[Observation], str | None]:
    """One keyset page of the visible rows after ``cursor`` (``None``: the first page) and the next cursor."""
    visible = visibility_conditions(principal, filters.network_id)
    if visible is None:
        return [], None
    query = select(Observation).where(*visible, *filter_conditions(filters))
    return keyset_page(session, query, KEYSET_ORDER, cursor, limit, key=lambda row: [row.observed_on, row.id])


def list_observations_after(
    session: Session, principal: Principal, filters: ObservationFilters, cursor: str | None, limit: int
) -> tuple[list[ObservationRead], str | None]:
    rows, next_cursor = rows_after(session, principal, filters, cursor, limit)
    result = read_many(session, rows)
    view_log.record_rows(session, principal, "observations", rows, asdict(filters))
    return result, next_cursor
