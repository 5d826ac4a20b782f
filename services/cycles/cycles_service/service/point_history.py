"""Safe data entry on a measure's points: the 409 that shows the current value, edits, deletions and their history.

Issue 15, point 7: registering a point for a period that already has one must not replace it silently; every
change (created, replaced, edited, deleted) is written to ``measure_point_change`` with who made it.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from mejora_common.errors import ProblemError
from mejora_common.pagination import paginate
from mejora_common.versioning import etag

from ..domain.access import Actor
from ..models import Measure, MeasurePoint, MeasurePointChange
from ..schemas.measures import PointChangeRead, PointRead

Values = tuple[float | None, float | None, float | None]


def point_exists(existing: MeasurePoint) -> ProblemError:
    """409 ``point_exists``: the period already has a value; the problem shows it and its ETag."""
    current = PointRead.model_validate(existing, from_attributes=True).model_dump(mode="json")
    return ProblemError(
        409,
        "point_exists",
        f"Ya hay un dato para ese período (valor {existing.value:g}). Para reemplazarlo, confirma enviando "
        "If-Match con su ETag.",
        headers={"ETag": etag(existing.version)},
        extra={"current": current},
    )


def record_change(session: Session, actor: Actor, point: MeasurePoint, action: str, before: Values | None) -> None:
    """Write one history entry; ``before`` is the (value, numerator, denominator) replaced, if any."""
    old = before or (None, None, None)
    deleted = action == "deleted"
    session.add(
        MeasurePointChange(
            measure_id=point.measure_id,
            point_id=point.id,
            period=point.period,
            school_id=point.school_id,
            action=action,
            old_value=old[0],
            old_numerator=old[1],
            old_denominator=old[2],
            new_value=None if deleted else point.value,
            new_numerator=None if deleted else point.numerator,
            new_denominator=None if deleted else point.denominator,
            actor_id=actor.person_id,
            actor_name=actor.name,
        )
    )


def list_history(session: Session, measure: Measure, limit: int, offset: int) -> tuple[list[PointChangeRead], int]:
    """The measure's point changes, newest first."""
    query = select(MeasurePointChange).where(MeasurePointChange.measure_id == measure.id)
    rows, total = paginate(
        session, query, limit, offset, col(MeasurePointChange.changed_at).desc(), col(MeasurePointChange.id)
    )
    return [PointChangeRead.model_validate(r, from_attributes=True) for r in rows], total
