"""Observations: idempotent draft PUT, reads and lists under the privacy rules, submit, amendments, scores."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mejora_common.auth import Principal
from mejora_common.db import utcnow
from mejora_common.errors import ProblemError, not_found

from ..access import can_read, can_write, forbidden, member, require_recorder
from ..domain.instrument import InstrumentSpec
from ..domain.scoring import CycleScores, Gap, ObservationScore, check_completeness, score_observation
from ..models import Instrument, Observation, ObservationAmendment
from ..schemas import (
    AmendmentCreate,
    AmendmentRead,
    CycleIn,
    CycleRead,
    ObservationRead,
    ObservationWrite,
)
from .directory import References
from .instruments import spec_of

#: Gaps a draft may have (it is being filled in); every other gap is refused even in a draft.
DRAFT_TOLERATED = frozenset({"missing_score", "too_few_cycles"})
CONTENT_FIELDS = (
    "instrument_id",
    "network_id",
    "school_id",
    "teacher_id",
    "observer_id",
    "level",
    "observed_on",
    "wave",
    "mode",
    "cycles",
    "evidence",
    "double_codes_id",
)
AMENDABLE_FIELDS = ("level", "observed_on", "mode", "cycles", "evidence")
MAX_WRITE_ATTEMPTS = 6


# --- normalisation ---------------------------------------------------------------------------------


def iso_utc(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def cycles_json(cycles: Sequence[CycleIn]) -> list[dict[str, Any]]:
    """Cycles as stored: sorted by number, timestamps in UTC ISO 8601, scores as sent."""
    return [
        {
            "number": c.number,
            "started_at": iso_utc(c.started_at),
            "duration_minutes": c.duration_minutes,
            "scores": dict(sorted(c.scores.items())),
            "notes": c.notes,
        }
        for c in sorted(cycles, key=lambda c: c.number)
    ]


def cycle_scores(cycles: Sequence[Mapping[str, Any]]) -> list[CycleScores]:
    return [CycleScores(number=int(c["number"]), scores=dict(c.get("scores") or {})) for c in cycles]


def content_of(row: Observation) -> dict[str, Any]:
    return {name: getattr(row, name) for name in CONTENT_FIELDS}


def gap_errors(gaps: Sequence[Gap]) -> list[dict[str, str]]:
    return [{"field": g.path, "message": g.message, "code": g.code} for g in gaps]


def check_scores(spec: InstrumentSpec, cycles: Sequence[CycleIn], *, draft: bool, prefix: str = "") -> None:
    """Refuse what is never acceptable (bad score, unknown dimension, repeated cycle); a draft may be partial."""
    gaps = check_completeness(spec, [CycleScores(number=c.number, scores=c.scores) for c in cycles])
    blocking = [g for g in gaps if not (draft and g.code in DRAFT_TOLERATED)]
    if blocking:
        errors = gap_errors(blocking)
        for error in errors:
            error["field"] = prefix + error["field"]
        raise ProblemError(422, "invalid_scores", "Hay puntajes que no son válidos para el instrumento.", errors=errors)


def check_evidence(spec: InstrumentSpec, evidence: Mapping[str, str], prefix: str = "") -> None:
    known = {d.code for d in spec.dimensions}
    unknown = sorted(set(evidence) - known)
    if unknown:
        raise ProblemError(
            422,
            "invalid_evidence",
            "La evidencia nombra dimensiones que el instrumento no tiene.",
            errors=[
                {"field": f"{prefix}evidence.{code}", "message": f"{code} no es una dimensión de {spec.code}."}
                for code in unknown
            ],
        )


# --- reads -----------------------------------------------------------------------------------------


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
        revision=row.revision,
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
    return read_many(session, [get_row(session, principal, observation_id)])[0]


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
    total = session.exec(select(func.count()).select_from(Observation).where(*conditions)).one()
    rows = session.exec(
        select(Observation)
        .where(*conditions)
        .order_by(col(Observation.observed_on).desc(), col(Observation.created_at).desc(), col(Observation.id))
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), total


def list_observations(
    session: Session, principal: Principal, filters: ObservationFilters, limit: int, offset: int
) -> tuple[list[ObservationRead], int]:
    rows, total = list_rows(session, principal, filters, limit, offset)
    return read_many(session, rows), total


# --- PUT (create or replace a draft) ---------------------------------------------------------------


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
        raise ProblemError(
            422,
            "unknown_instrument",
            "El instrumento no existe en esta red.",
            errors=[{"field": "instrument_id", "message": "El instrumento no existe en esta red."}],
        )
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
        raise ProblemError(
            422,
            "invalid_double_coding",
            message,
            errors=[{"field": "double_codes_id", "message": message}],
        )


def plan_put(session: Session, principal: Principal, observation_id: uuid.UUID, body: ObservationWrite) -> PutPlan:
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
        raise not_found("La observación")
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
        if existing.status == "submitted" and content_of(existing) != content:
            raise _submitted_conflict()
        stored = (existing.school_id, existing.teacher_id, existing.observer_id)
        if stored == (body.school_id, body.teacher_id, observer_id):
            references = None  # already checked when they were stored
    _check_double_coding(session, observation_id, content)
    session.rollback()  # end the read transaction before the remote checks
    return PutPlan(
        content=content, references=references, created_by=principal.account_id, person_id=membership.person_id
    )


def _submitted_conflict() -> ProblemError:
    return ProblemError(
        409,
        "observation_submitted",
        "La observación ya fue enviada y no se modifica. Registra una corrección (enmienda) con su motivo.",
    )


def save_draft(session: Session, observation_id: uuid.UUID, plan: PutPlan) -> tuple[Observation, bool]:
    """Insert or replace the draft; returns (row, created).

    Concurrent PUTs of one id race on the primary key: every writer that finds no
    row tries to insert, the database lets exactly one succeed, and the others get
    an integrity error, roll back and retry as an update (``UPDATE … WHERE
    status = 'draft'``, so a draft submitted meanwhile is never overwritten).
    """
    for _ in range(MAX_WRITE_ATTEMPTS):
        existing = session.get(Observation, observation_id, populate_existing=True)
        if existing is None:
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
        if existing.status == "submitted":
            raise _submitted_conflict()
        result = session.execute(
            update(Observation)
            .where(col(Observation.id) == observation_id, col(Observation.status) == "draft")
            .values(**plan.content, revision=Observation.revision + 1, updated_at=utcnow())
        )
        session.commit()
        if getattr(result, "rowcount", 0) == 1:
            updated = session.get(Observation, observation_id, populate_existing=True)
            assert updated is not None
            return updated, False
    raise ProblemError(409, "conflict", "La observación cambió mientras se guardaba. Intenta nuevamente.")


# --- submit ----------------------------------------------------------------------------------------


def _writable(session: Session, principal: Principal, observation_id: uuid.UUID) -> Observation:
    row = get_row(session, principal, observation_id)
    if not can_write(principal, row):
        raise forbidden("Solo quien observó o la coordinación puede modificar esta observación.")
    return row


def submit(session: Session, principal: Principal, observation_id: uuid.UUID) -> Observation:
    """Submit a complete draft (422 listing every gap). Submitting again is a no-op."""
    for _ in range(MAX_WRITE_ATTEMPTS):
        row = _writable(session, principal, observation_id)
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
        result = session.execute(
            update(Observation)
            .where(
                col(Observation.id) == observation_id,
                col(Observation.status) == "draft",
                col(Observation.revision) == row.revision,
            )
            .values(status="submitted", submitted_at=now, updated_at=now, revision=Observation.revision + 1)
        )
        session.commit()
        if getattr(result, "rowcount", 0) == 1:
            return get_row(session, principal, observation_id)
    raise ProblemError(409, "conflict", "La observación cambió mientras se enviaba. Intenta nuevamente.")


# --- amendments ------------------------------------------------------------------------------------


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
    get_row(session, principal, observation_id)
    rows = session.exec(
        select(ObservationAmendment)
        .where(ObservationAmendment.observation_id == observation_id)
        .order_by(col(ObservationAmendment.number))
    ).all()
    return [amendment_read(a) for a in rows]


def amend(
    session: Session, principal: Principal, observation_id: uuid.UUID, body: AmendmentCreate
) -> tuple[AmendmentRead, bool]:
    """Correct a submitted observation, keeping the values before in the amendment (audit trail).

    Returns (amendment, created). A retry with the same client-chosen ``id`` returns
    the amendment already recorded.
    """
    for _ in range(MAX_WRITE_ATTEMPTS):
        row = _writable(session, principal, observation_id)
        if body.id is not None:
            done = session.get(ObservationAmendment, body.id)
            if done is not None:
                if done.observation_id != observation_id:
                    raise ProblemError(409, "conflict", "Ese id de enmienda ya se usó en otra observación.")
                return amendment_read(done), False
        if row.status != "submitted":
            raise ProblemError(
                409,
                "observation_not_submitted",
                "La observación es un borrador: se modifica directamente (PUT), sin enmienda.",
            )
        instrument = session.get(Instrument, row.instrument_id)
        assert instrument is not None
        spec = spec_of(instrument)
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
        changed = [name for name in AMENDABLE_FIELDS if name in new and new[name] != getattr(row, name)]
        if not changed:
            raise ProblemError(422, "no_changes", "La enmienda no cambia nada de la observación.")
        membership = principal.membership(row.network_id)
        number = (
            session.exec(
                select(func.max(ObservationAmendment.number)).where(
                    ObservationAmendment.observation_id == observation_id
                )
            ).one()
            or 0
        ) + 1
        amendment = ObservationAmendment(
            id=body.id or uuid.uuid4(),
            observation_id=observation_id,
            number=number,
            reason=body.reason.strip(),
            changed_fields=changed,
            before={name: _json_value(getattr(row, name)) for name in changed},
            after={name: _json_value(new[name]) for name in changed},
            amended_by=membership.person_id if membership else None,
        )
        revision = row.revision
        try:
            session.add(amendment)
            session.flush()
            result = session.execute(
                update(Observation)
                .where(col(Observation.id) == observation_id, col(Observation.revision) == revision)
                .values(**{name: new[name] for name in changed}, revision=revision + 1, updated_at=utcnow())
            )
            if getattr(result, "rowcount", 0) != 1:
                session.rollback()
                continue
            session.commit()
        except IntegrityError:
            session.rollback()
            continue
        session.refresh(amendment)
        return amendment_read(amendment), True
    raise ProblemError(409, "conflict", "La observación cambió mientras se corregía. Intenta nuevamente.")


# --- scores ----------------------------------------------------------------------------------------


def score_row(
    session: Session, row: Observation, *, check_complete: bool = True
) -> tuple[Instrument, ObservationScore, bool]:
    """(instrument, scores, complete). A draft is scored over the cycles that scored each dimension.

    With ``check_complete=False`` (a submitted observation, complete by construction) the
    completeness check is skipped and ``complete`` is reported as ``True``.
    """
    instrument = session.get(Instrument, row.instrument_id)
    assert instrument is not None
    spec = spec_of(instrument)
    cycles = cycle_scores(row.cycles)
    complete = not check_completeness(spec, cycles) if check_complete else True
    return instrument, score_observation(spec, cycles), complete


def require_member(principal: Principal, network_id: uuid.UUID) -> None:
    if not principal.is_service:
        member(principal, network_id)
