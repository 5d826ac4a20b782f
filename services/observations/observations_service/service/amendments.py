"""Amendments: corrections of a submitted observation, keeping the values before (audit trail)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from mejora_common.auth import Principal
from mejora_common.db import utcnow
from mejora_common.errors import ProblemError, conflict, id_unavailable
from mejora_common.versioning import check_if_match, stale

from ..domain.instrument import InstrumentSpec
from ..models import Instrument, ObservationAmendment
from ..schemas import AmendmentCreate, AmendmentRead
from . import view_log
from .content import AMENDABLE_FIELDS, check_evidence, check_scores, cycles_json
from .drafts import MAX_WRITE_ATTEMPTS, writable
from .instruments import spec_of
from .observations import get_row


def _json_value(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def amendment_read(a: ObservationAmendment) -> AmendmentRead:
    return AmendmentRead(
        id=a.id,
        observation_id=a.observation_id,
        number=a.number,
        reason=a.reason,
        changed_fields=list(a.changed_fields),
        before=dict(a.before),
        after=dict(a.after),
        amended_by=a.amended_by,
        created_at=a.created_at,
    )


def list_amendments(session: Session, principal: Principal, observation_id: uuid.UUID) -> list[AmendmentRead]:
    observation = get_row(session, principal, observation_id)
    rows = session.exec(
        select(ObservationAmendment)
        .where(ObservationAmendment.observation_id == observation_id)
        .order_by(col(ObservationAmendment.number))
    ).all()
    result = [amendment_read(a) for a in rows]
    view_log.record_rows(session, principal, "amendments", [observation])
    return result


def _new_values(spec: InstrumentSpec, body: AmendmentCreate) -> dict[str, Any]:
    """The fields the amendment sends, normalised as stored (cycles must be complete)."""
    new: dict[str, Any] = {}
    if body.level is not None:
        new["level"] = body.level
    if body.observed_on is not None:
        new["observed_on"] = body.observed_on
    if body.mode is not None:
        new["mode"] = body.mode
    if body.cycles is not None:
        check_scores(spec, body.cycles, draft=False, prefix="")
        new["cycles"] = cycles_json(body.cycles)
    if body.evidence is not None:
        check_evidence(spec, body.evidence)
        new["evidence"] = dict(sorted(body.evidence.items()))
    return new


def _replayed(session: Session, observation_id: uuid.UUID, amendment_id: uuid.UUID | None) -> AmendmentRead | None:
    """The amendment already recorded with this client-chosen id (a retry), if any."""
    if amendment_id is None:
        return None
    done = session.get(ObservationAmendment, amendment_id)
    if done is None:
        return None
    if done.observation_id != observation_id:
        raise id_unavailable()  # used on another observation, in this network or another
    return amendment_read(done)


def _next_number(session: Session, observation_id: uuid.UUID) -> int:
    query = select(func.max(ObservationAmendment.number)).where(ObservationAmendment.observation_id == observation_id)
    return (session.exec(query).one() or 0) + 1


def amend(
    session: Session, principal: Principal, observation_id: uuid.UUID, body: AmendmentCreate, if_match: str | None
) -> tuple[AmendmentRead, bool]:
    """Correct a submitted observation, keeping the values before in the amendment (audit trail).

    Returns (amendment, created). An amendment changes the observation, so it needs the observation's ETag in
    ``If-Match`` (428/412); the change is conditional on that version, so of N concurrent amendments holding one
    ETag exactly one is recorded. A retry with the same client-chosen ``id`` returns the amendment already
    recorded (200) whatever its ``If-Match`` (the observation's version moved on because of it).
    """
    for _ in range(MAX_WRITE_ATTEMPTS):
        row = writable(session, principal, observation_id)
        replay = _replayed(session, observation_id, body.id)
        if replay is not None:
            return replay, False
        if row.status != "submitted":
            raise conflict(
                "observation_not_submitted",
                "La observación es un borrador: se modifica directamente (PUT), sin enmienda.",
            )
        check_if_match(row.version, if_match, what="la observación")
        instrument = session.get(Instrument, row.instrument_id)
        assert instrument is not None
        new = _new_values(spec_of(instrument), body)
        changed = [name for name in AMENDABLE_FIELDS if name in new and new[name] != getattr(row, name)]
        if not changed:
            raise ProblemError(422, "no_changes", "La enmienda no cambia nada de la observación.")
        membership = principal.membership(row.network_id)
        amendment = ObservationAmendment(
            id=body.id or uuid.uuid4(),
            observation_id=observation_id,
            number=_next_number(session, observation_id),
            reason=body.reason.strip(),
            changed_fields=changed,
            before={name: _json_value(getattr(row, name)) for name in changed},
            after={name: _json_value(new[name]) for name in changed},
            amended_by=membership.person_id if membership else None,
        )
        for name in changed:
            setattr(row, name, new[name])
        row.updated_at = utcnow()
        session.add(amendment)
        try:
            session.commit()  # the observation's UPDATE is conditional on the version read
        except (StaleDataError, IntegrityError):
            session.rollback()
            continue  # read again: a retry of the same amendment is 200, another change 412
        session.refresh(amendment)
        return amendment_read(amendment), True
    raise stale()
