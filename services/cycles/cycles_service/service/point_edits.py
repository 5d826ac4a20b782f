"""Edit and delete one stored point (If-Match required), each written to the points' history."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from mejora_common.errors import ProblemError, not_found

from ..domain.access import Actor
from ..models import Measure, MeasurePoint
from ..schemas.measures import PointEdit, PointIn, PointRead
from .access import require
from .common import apply, require_version
from .measures import RECORD, check_point, point_read, school_ids
from .point_history import Values, record_change


def get_point(session: Session, measure: Measure, point_id: uuid.UUID) -> MeasurePoint:
    point = session.get(MeasurePoint, point_id)
    if point is None or point.measure_id != measure.id:
        raise not_found("El dato")
    return point


def edit_point(
    session: Session, actor: Actor, measure: Measure, point: MeasurePoint, body: PointEdit, *, if_match: str | None
) -> PointRead:
    """Change a stored point's value (If-Match required), checked like a new one; written to the history."""
    require(actor, actor.records_points_for(point.school_id), RECORD)
    require_version(point, if_match, "el dato")
    changes = body.model_dump(exclude_unset=True)
    merged = PointIn(
        period=point.period,
        value=changes.get("value", point.value if measure.value_type != "proportion" else None),
        numerator=changes.get("numerator", point.numerator),
        denominator=changes.get("denominator", point.denominator),
        school_id=point.school_id,
        note=changes.get("note") if changes.get("note") is not None else point.note,
    )
    errors, value = check_point(measure, merged, school_ids(session, measure.network_id), "")
    if errors or value is None:
        raise ProblemError(422, "validation_error", "El dato no es válido: revisa los campos marcados.", errors=errors)
    before: Values = (point.value, point.numerator, point.denominator)
    fields = {"value": value, "numerator": merged.numerator, "denominator": merged.denominator, "note": merged.note}
    if apply(point, fields):
        session.add(point)
        record_change(session, actor, point, "edited", before)
        session.commit()
        session.refresh(point)
    return point_read(point)


def delete_point(session: Session, actor: Actor, point: MeasurePoint, if_match: str | None) -> None:
    require(actor, actor.records_points_for(point.school_id), RECORD)
    require_version(point, if_match, "el dato")
    record_change(session, actor, point, "deleted", (point.value, point.numerator, point.denominator))
    session.delete(point)
    session.commit()
