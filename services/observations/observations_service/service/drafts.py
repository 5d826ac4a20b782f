"""Observation drafts: the idempotent PUT (create or replace) and submit."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi.concurrency import run_in_threadpool
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from mejora_common.auth import Principal
from mejora_common.db import utcnow
from mejora_common.errors import ProblemError, conflict, forbidden, id_unavailable, invalid
from mejora_common.service_client import ServiceClient
from mejora_common.versioning import check_if_match, check_if_none_match_for_create, stale

from ..domain.completeness import check_completeness
from ..models import Instrument, Observation
from ..schemas import ObservationRead, ObservationWrite
from .access import can_read, can_write, require_recorder
from .content import check_evidence, check_scores, content_of, cycle_scores, cycles_json, gap_errors
from .instruments import spec_of
from .observations import get_row, read_many
from .references import References, check_references

MAX_WRITE_ATTEMPTS = 6
WHAT = "la observación"


@dataclass(frozen=True)
class Preconditions:
    """The conditional headers of a write: ``If-Match`` (the ETag read) and ``If-None-Match`` (``*``: create only)."""

    if_match: str | None = None
    if_none_match: str | None = None

    @property
    def names_a_version(self) -> bool:
        return self.if_match is not None and bool(self.if_match.strip())


@dataclass
class PutPlan:
    """What a PUT will store, decided before the remote checks (which need no database)."""

    content: dict[str, Any]
    references: References | None  # None: the references are those already stored and checked
    created_by: uuid.UUID
    person_id: uuid.UUID
    extra: dict[str, Any] = field(default_factory=dict)


def _instrument_for(session: Session, instrument_id: uuid.UUID, network_id: uuid.UUID) -> Instrument:
    instrument = session.get(Instrument, instrument_id)
    if instrument is None or (instrument.network_id is not None and instrument.network_id != network_id):
        raise invalid("instrument_id", "El instrumento no existe en esta red.", "unknown_instrument")
    return instrument


def _check_double_coding(session: Session, observation_id: uuid.UUID, content: Mapping[str, Any]) -> None:
    target_id = content["double_codes_id"]
    if target_id is None:
        return
    message = ""
    target = session.get(Observation, target_id)
    if target_id == observation_id:
        message = "Una observación no puede codificarse a sí misma."
    elif target is None or target.network_id != content["network_id"]:
        message = "La observación que se codifica por segunda vez no existe en esta red."
    elif target.double_codes_id is not None:
        message = "Esa observación ya es una segunda codificación; se codifica la original."
    elif (target.teacher_id, target.instrument_id) != (content["teacher_id"], content["instrument_id"]):
        message = "La segunda codificación debe ser de la misma docente y con el mismo instrumento."
    elif target.observer_id == content["observer_id"]:
        message = "La segunda codificación debe hacerla otra persona observadora."
    if message:
        raise invalid("double_codes_id", message, "invalid_double_coding")


def plan_put(
    session: Session,
    principal: Principal,
    observation_id: uuid.UUID,
    body: ObservationWrite,
    conditions: Preconditions,
) -> PutPlan:
    """Validate a PUT against the database (authorisation, instrument, scores, double coding)."""
    if body.id is not None and body.id != observation_id:
        raise ProblemError(
            422,
            "id_mismatch",
            "El id del cuerpo no coincide con el de la ruta.",
            errors=[{"field": "id", "message": "Debe ser igual al id de la ruta."}],
        )
    existing = session.get(Observation, observation_id, populate_existing=True)
    if existing is not None and not can_write(principal, existing):
        if can_read(principal, existing):
            raise forbidden("Solo quien observó o la coordinación puede modificar esta observación.")
        raise id_unavailable()  # the same whichever network holds it: never confirms where it exists
    membership = require_recorder(principal, body.network_id)
    instrument = _instrument_for(session, body.instrument_id, body.network_id)
    spec = spec_of(instrument)
    observer_id = body.observer_id or (existing.observer_id if existing else membership.person_id)
    if observer_id != membership.person_id and membership.role != "coordinator":
        raise ProblemError(
            422,
            "observer_not_allowed",
            "Solo la coordinación registra observaciones a nombre de otra persona.",
            errors=[{"field": "observer_id", "message": "Debe ser tu propia persona en la red."}],
        )
    check_scores(spec, body.cycles, draft=True)
    check_evidence(spec, body.evidence)
    content: dict[str, Any] = {
        "instrument_id": body.instrument_id,
        "network_id": body.network_id,
        "school_id": body.school_id,
        "teacher_id": body.teacher_id,
        "observer_id": observer_id,
        "level": body.level,
        "observed_on": body.observed_on,
        "wave": body.wave,
        "mode": body.mode,
        "cycles": cycles_json(body.cycles),
        "evidence": dict(sorted(body.evidence.items())),
        "double_codes_id": body.double_codes_id,
    }
    references: References | None = References(
        network_id=body.network_id,
        school_id=body.school_id,
        teacher_id=body.teacher_id,
        observer_id=observer_id if observer_id != membership.person_id else None,
    )
    if existing is not None:
        if existing.network_id != body.network_id:
            raise ProblemError(
                422,
                "network_change",
                "Una observación no cambia de red.",
                errors=[{"field": "network_id", "message": "Debe ser la red con que se creó la observación."}],
            )
        if content_of(existing) != content:
            check_change(existing, conditions)  # early, before the remote checks; checked again when saving
        stored = (existing.school_id, existing.teacher_id, existing.observer_id)
        if stored == (body.school_id, body.teacher_id, observer_id):
            references = None  # already checked when they were stored
    _check_double_coding(session, observation_id, content)
    session.rollback()  # end the read transaction before the remote checks
    return PutPlan(
        content=content, references=references, created_by=principal.account_id, person_id=membership.person_id
    )


def check_change(existing: Observation, conditions: Preconditions) -> None:
    """A change of a stored observation (not a replay): 409 once submitted, else the preconditions (428/412)."""
    if existing.status == "submitted":
        raise _submitted_conflict()
    check_if_none_match_for_create(conditions.if_none_match, exists=True)
    check_if_match(existing.version, conditions.if_match, what=WHAT)


def _submitted_conflict() -> ProblemError:
    return conflict(
        "observation_submitted",
        "La observación ya fue enviada y no se modifica. Registra una corrección (enmienda) con su motivo.",
    )


def save_draft(
    session: Session, observation_id: uuid.UUID, plan: PutPlan, conditions: Preconditions
) -> tuple[Observation, bool]:
    """Insert or replace the draft; returns (row, created).

    Concurrent PUTs of one id race on the primary key: every writer that finds no row tries to insert, the
    database lets exactly one succeed, and the others roll back and read the row again. A PUT of exactly the
    stored content is a replay (an offline tablet that lost the answer): 200 whatever its ``If-Match``. Any other
    change of an existing draft needs ``If-Match`` with its current ETag (428 without, 412 stale); the UPDATE is
    conditional on that version (the version counter), so of N writers holding one ETag exactly one saves and the
    others read the row again: a replay of the winner's content is 200, anything else 412.
    """
    for _ in range(MAX_WRITE_ATTEMPTS):
        existing = session.get(Observation, observation_id, populate_existing=True)
        if existing is None:
            if conditions.names_a_version:
                raise stale()  # If-Match names a version of an observation that does not exist
            row = Observation(id=observation_id, status="draft", created_by=plan.created_by, **plan.content)
            session.add(row)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                continue
            session.refresh(row)
            return row, True
        if content_of(existing) == plan.content:
            return existing, False  # a retry of what is stored: nothing changes
        check_change(existing, conditions)
        for name, value in plan.content.items():
            setattr(existing, name, value)
        existing.updated_at = utcnow()
        try:
            session.commit()
        except StaleDataError:
            session.rollback()
            continue  # another writer saved first: read again (a replay of its content is still 200)
        session.refresh(existing)
        return existing, False
    raise stale()


# --- submit ----------------------------------------------------------------------------------------


def writable(session: Session, principal: Principal, observation_id: uuid.UUID) -> Observation:
    row = get_row(session, principal, observation_id)
    if not can_write(principal, row):
        raise forbidden("Solo quien observó o la coordinación puede modificar esta observación.")
    return row


def _check_submit_version(row: Observation, if_match: str | None) -> None:
    """428/412 against the row's version; a 412 also says the status, so a client whose submit answer was lost
    sees that its observation is already submitted."""
    try:
        check_if_match(row.version, if_match, what=WHAT)
    except ProblemError as exc:
        exc.extra["status"] = row.status
        if row.status == "submitted" and exc.status == 412:
            exc.detail = "La observación ya fue enviada; vuelve a cargarla para ver su estado actual."
        raise


def submit(session: Session, principal: Principal, observation_id: uuid.UUID, if_match: str | None) -> Observation:
    """Submit a complete draft (422 listing every gap); ``If-Match`` is required (428/412).

    Submitting again with the current ETag of a submitted observation is a no-op (200). The change is conditional
    on the version read: of N concurrent submits holding one ETag exactly one succeeds, the others get 412.
    """
    row = writable(session, principal, observation_id)
    _check_submit_version(row, if_match)
    if row.status == "submitted":
        return row
    instrument = session.get(Instrument, row.instrument_id)
    assert instrument is not None
    gaps = check_completeness(spec_of(instrument), cycle_scores(row.cycles))
    if gaps:
        raise ProblemError(
            422,
            "observation_incomplete",
            f"La observación no está completa: {len(gaps)} pendiente(s).",
            errors=gap_errors(gaps),
        )
    now = utcnow()
    row.status, row.submitted_at, row.updated_at = "submitted", now, now
    try:
        session.commit()
    except StaleDataError:
        session.rollback()
        current = get_row(session, principal, observation_id)
        raise stale(current.version) from None
    return get_row(session, principal, observation_id)


async def put_observation(
    session: Session,
    principal: Principal,
    observation_id: uuid.UUID,
    body: ObservationWrite,
    *,
    conditions: Preconditions,
    cycles_client: ServiceClient,
    token: str | None,
) -> tuple[ObservationRead, bool]:
    """Create or replace a draft (returns it and whether it was created); references checked in cycles."""
    plan = await run_in_threadpool(plan_put, session, principal, observation_id, body, conditions)
    if plan.references is not None:
        await check_references(cycles_client, token, plan.references)
    row, created = await run_in_threadpool(save_draft, session, observation_id, plan, conditions)
    result = await run_in_threadpool(read_many, session, [row])
    return result[0], created


def submit_observation(
    session: Session, principal: Principal, observation_id: uuid.UUID, if_match: str | None
) -> ObservationRead:
    return read_many(session, [submit(session, principal, observation_id, if_match)])[0]
