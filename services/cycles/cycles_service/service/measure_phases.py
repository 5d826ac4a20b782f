"""Phases of a measure, each confirmed by a person, and the proposals people dismissed.

The reports service proposes a phase when the measure's rule set finds a sustained shift
(``GET /measures/{id}/phase-proposals``); it never creates one. A coordinator or facilitator confirms a proposal
(``POST /measures/{id}/phases``, with a reason: it becomes a phase) or dismisses it
(``POST /measures/{id}/phase-dismissals``, with a reason). Both are recorded with who and when. Start periods are
normalised like the points' periods, so a phase starts exactly at a point.
"""

from __future__ import annotations

import uuid

from sqlmodel import Session, col, select

from mejora_common.errors import conflict, id_unavailable, not_found
from mejora_common.pagination import paginate

from ..domain.access import Actor
from ..models import Measure, MeasurePhase, MeasurePhaseDismissal
from ..schemas.measures import PhaseCreate, PhaseDismissalCreate, PhaseDismissalRead, PhaseRead, PhaseUpdate
from .access import require
from .common import apply, require_version
from .measures import normalise_period

DECIDE = "Solo coordinación y facilitación confirman o descartan fases de una medida."


def phase_read(phase: MeasurePhase) -> PhaseRead:
    return PhaseRead.model_validate(phase, from_attributes=True)


def get_phase(session: Session, measure: Measure, phase_id: uuid.UUID) -> MeasurePhase:
    phase = session.get(MeasurePhase, phase_id)
    if phase is None or phase.measure_id != measure.id:
        raise not_found("La fase")
    return phase


def list_phases(session: Session, measure: Measure, limit: int, offset: int) -> tuple[list[PhaseRead], int]:
    query = select(MeasurePhase).where(MeasurePhase.measure_id == measure.id)
    rows, total = paginate(session, query, limit, offset, col(MeasurePhase.start_period), col(MeasurePhase.id))
    return [phase_read(p) for p in rows], total


def create_phase(session: Session, actor: Actor, measure: Measure, body: PhaseCreate) -> tuple[MeasurePhase, bool]:
    """Confirm a phase (409 ``phase_exists`` when one already starts at that period)."""
    require(actor, actor.edits_theory, DECIDE)
    if body.id is not None:
        existing = session.get(MeasurePhase, body.id)
        if existing is not None:
            if existing.measure_id != measure.id:
                raise id_unavailable()
            return existing, False
    start = normalise_period(measure.frequency, body.start_period)
    taken = session.exec(
        select(MeasurePhase.id).where(MeasurePhase.measure_id == measure.id, MeasurePhase.start_period == start)
    ).first()
    if taken is not None:
        raise conflict("phase_exists", "Ya hay una fase que empieza en ese período.")
    phase = MeasurePhase(
        measure_id=measure.id,
        start_period=start,
        reason=body.reason,
        baseline_points=body.baseline_points,
        proposed=body.proposed,
        confirmed_by_id=actor.person_id,
        confirmed_by_name=actor.name,
    )
    if body.id is not None:
        phase.id = body.id
    session.add(phase)
    session.commit()
    session.refresh(phase)
    return phase, True


def update_phase(
    session: Session, actor: Actor, phase: MeasurePhase, body: PhaseUpdate, if_match: str | None
) -> MeasurePhase:
    require(actor, actor.edits_theory, DECIDE)
    require_version(phase, if_match, "la fase")
    changes = body.model_dump(exclude_unset=True)
    if changes.get("reason") is None:
        changes.pop("reason", None)
    if apply(phase, changes):
        session.add(phase)
        session.commit()
        session.refresh(phase)
    return phase


def delete_phase(session: Session, actor: Actor, phase: MeasurePhase, if_match: str | None) -> None:
    require(actor, actor.edits_theory, DECIDE)
    require_version(phase, if_match, "la fase")
    session.delete(phase)
    session.commit()


def dismissal_read(row: MeasurePhaseDismissal) -> PhaseDismissalRead:
    return PhaseDismissalRead.model_validate(row, from_attributes=True)


def list_dismissals(
    session: Session, measure: Measure, limit: int, offset: int
) -> tuple[list[PhaseDismissalRead], int]:
    query = select(MeasurePhaseDismissal).where(MeasurePhaseDismissal.measure_id == measure.id)
    rows, total = paginate(
        session, query, limit, offset, col(MeasurePhaseDismissal.start_period), col(MeasurePhaseDismissal.id)
    )
    return [dismissal_read(r) for r in rows], total


def dismiss(
    session: Session, actor: Actor, measure: Measure, body: PhaseDismissalCreate
) -> tuple[PhaseDismissalRead, bool]:
    """Record that a proposed phase is not one, with the reason (the proposal is not made again)."""
    require(actor, actor.edits_theory, DECIDE)
    if body.id is not None:
        existing = session.get(MeasurePhaseDismissal, body.id)
        if existing is not None:
            if existing.measure_id != measure.id:
                raise id_unavailable()
            return dismissal_read(existing), False
    row = MeasurePhaseDismissal(
        measure_id=measure.id,
        start_period=normalise_period(measure.frequency, body.start_period),
        reason=body.reason,
        dismissed_by_id=actor.person_id,
        dismissed_by_name=actor.name,
    )
    if body.id is not None:
        row.id = body.id
    session.add(row)
    session.commit()
    session.refresh(row)
    return dismissal_read(row), True
