"""Measures and their points: create, edit, upsert one point, import many (all or nothing).

Periods are normalised by the measure's frequency so a repeated period replaces instead of duplicating:
``weekly`` → the Monday of that week, ``monthly`` → the 1st of the month, ``yearly`` → 1 January;
``term`` keeps the date given (terms have no fixed calendar).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from mejora_common.errors import ProblemError, id_unavailable, invalid, not_found
from mejora_common.pagination import keyset_page, paginate

from ..domain.access import Actor
from ..models import NETWORK_SCOPE, Measure, MeasurePoint, School
from ..schemas.measures import MeasureCreate, MeasureRead, MeasureUpdate, PointIn, PointRead
from .access import require
from .common import apply, require_version
from .point_history import point_exists, record_change

EDIT = "Solo coordinación y facilitación definen las medidas de la red."
RECORD = "Solo coordinación y facilitación (o la dirección, para su establecimiento) registran datos."


def measure_read(session: Session, measure: Measure) -> MeasureRead:
    count = session.exec(
        select(func.count()).select_from(MeasurePoint).where(MeasurePoint.measure_id == measure.id)
    ).one()
    rules = [r for r in measure.control_rules.split(",") if r]
    return MeasureRead.model_validate({**measure.model_dump(), "control_rules": rules, "point_count": count})


def _rules_text(rules: Sequence[str]) -> str:
    """``control_rules`` as stored: the chosen rules, comma-separated, each once, in a fixed order."""
    return ",".join(sorted(set(rules)))


def point_read(point: MeasurePoint) -> PointRead:
    return PointRead.model_validate(point, from_attributes=True)


def get_measure(session: Session, measure_id: uuid.UUID) -> Measure:
    measure = session.get(Measure, measure_id)
    if measure is None:
        raise not_found("La medida")
    return measure


def list_measures(
    session: Session, network_id: uuid.UUID, kind: str | None, limit: int, offset: int
) -> tuple[list[MeasureRead], int]:
    query = select(Measure).where(Measure.network_id == network_id)
    if kind:
        query = query.where(Measure.kind == kind)
    rows, total = paginate(session, query, limit, offset, col(Measure.name), col(Measure.id))
    return [measure_read(session, m) for m in rows], total


def create_measure(session: Session, actor: Actor, body: MeasureCreate) -> tuple[Measure, bool]:
    require(actor, actor.edits_theory, EDIT)
    network_id = actor.network_id
    if body.id is not None:
        existing = session.get(Measure, body.id)
        if existing is not None:
            if existing.network_id != network_id:
                raise id_unavailable()
            return existing, False
    fields = body.model_dump(exclude={"id"})
    fields["control_rules"] = _rules_text(body.control_rules)
    measure = Measure(network_id=network_id, **fields)
    if body.id is not None:
        measure.id = body.id
    session.add(measure)
    session.commit()
    session.refresh(measure)
    return measure, True


def update_measure(
    session: Session, actor: Actor, measure: Measure, body: MeasureUpdate, if_match: str | None
) -> Measure:
    require(actor, actor.edits_theory, EDIT)
    require_version(measure, if_match, "la medida")
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    if "control_rules" in changes:
        changes["control_rules"] = _rules_text(changes["control_rules"])
    if "value_type" in changes and changes["value_type"] != measure.value_type:
        has_points = session.exec(select(MeasurePoint.id).where(MeasurePoint.measure_id == measure.id)).first()
        if has_points is not None:
            raise invalid(
                "value_type",
                "No se puede cambiar el tipo de valor de una medida que ya tiene datos.",
                "measure_has_points",
            )
    if apply(measure, changes):
        session.add(measure)
        session.commit()
        session.refresh(measure)
    return measure


def normalise_period(frequency: str, day: date) -> date:
    if frequency == "weekly":
        return day - timedelta(days=day.weekday())
    if frequency == "monthly":
        return day.replace(day=1)
    if frequency == "yearly":
        return day.replace(month=1, day=1)
    return day


def check_point(
    measure: Measure, point: PointIn, schools: set[uuid.UUID], prefix: str
) -> tuple[list[dict[str, str]], float | None]:
    """Errors of one point (field names prefixed) and its value."""
    errors: list[dict[str, str]] = []

    def fail(field: str, message: str) -> None:
        errors.append({"field": f"{prefix}{field}", "message": message})

    for name in ("value", "numerator", "denominator"):
        number = getattr(point, name)
        if number is not None and not math.isfinite(number):
            fail(name, "Debe ser un número finito.")
    if errors:
        return errors, None
    if measure.value_type == "proportion":
        value = _check_proportion(point, fail)
    else:
        value = _check_plain_value(measure.value_type, point, fail)
    if point.school_id is not None and point.school_id not in schools:
        fail("school_id", "El establecimiento no existe en esta red.")
    return errors, value


def _check_proportion(point: PointIn, fail: Callable[[str, str], None]) -> float | None:
    """A proportion's value is numerator / denominator (``None`` when either is wrong)."""
    numerator, denominator = point.numerator, point.denominator
    valid = True

    def refuse(field: str, message: str) -> None:
        nonlocal valid
        valid = False
        fail(field, message)

    if numerator is None:
        refuse("numerator", "Falta el numerador (la medida es una proporción).")
    if denominator is None:
        refuse("denominator", "Falta el denominador (la medida es una proporción).")
    elif denominator <= 0:
        refuse("denominator", "El denominador debe ser mayor que cero.")
    if numerator is not None and numerator < 0:
        refuse("numerator", "El numerador no puede ser negativo.")
    for field, count in (("numerator", numerator), ("denominator", denominator)):
        if count is not None and count != int(count):
            refuse(field, "Numerador y denominador cuentan casos: deben ser números enteros.")
    if numerator is not None and denominator is not None and 0 < denominator < numerator:
        refuse("numerator", "El numerador no puede ser mayor que el denominador.")
    if valid and numerator is not None and denominator is not None:
        return numerator / denominator
    return point.value


def _check_plain_value(value_type: str, point: PointIn, fail: Callable[[str, str], None]) -> float | None:
    """A count's or a plain number's value (numerator and denominator are for proportions only)."""
    value = point.value
    if point.numerator is not None or point.denominator is not None:
        fail("numerator", "Numerador y denominador solo se usan en medidas de proporción.")
    if value is None:
        fail("value", "Falta el valor.")
    elif value_type == "count" and (value < 0 or value != int(value)):
        fail("value", "Un conteo debe ser un número entero mayor o igual a cero.")
    return value


def schools_of(session: Session, network_id: uuid.UUID) -> dict[uuid.UUID, int]:
    return {s.id: s.rbd for s in session.exec(select(School).where(School.network_id == network_id)).all()}


def school_ids(session: Session, network_id: uuid.UUID) -> set[uuid.UUID]:
    return set(schools_of(session, network_id))


def upsert(
    session: Session,
    actor: Actor,
    measure: Measure,
    point: PointIn,
    value: float,
    *,
    if_match: str | None = None,
    replace_silently: bool = False,
) -> tuple[MeasurePoint, bool]:
    """Create the point, or replace the one of its period and school.

    One point at a time (``replace_silently=False``), replacing needs ``If-Match`` with the stored point's ETag:
    without it the answer is 409 ``point_exists`` showing the current value, so nobody overwrites a value without
    seeing it. An import replaces (its answer counts what it replaced). Both write the points' history.
    """
    period = normalise_period(measure.frequency, point.period)
    scope = str(point.school_id) if point.school_id else NETWORK_SCOPE
    existing = session.exec(
        select(MeasurePoint).where(
            MeasurePoint.measure_id == measure.id, MeasurePoint.period == period, MeasurePoint.scope == scope
        )
    ).first()
    values: dict[str, Any] = {
        "value": value,
        "numerator": point.numerator,
        "denominator": point.denominator,
        "note": point.note,
    }
    if existing is not None:
        if not replace_silently:
            if if_match is None or not if_match.strip():
                raise point_exists(existing)
            require_version(existing, if_match, "el dato")
        before = (existing.value, existing.numerator, existing.denominator)
        apply(existing, values)
        session.add(existing)
        record_change(session, actor, existing, "replaced", before)
        return existing, False
    row = MeasurePoint(measure_id=measure.id, period=period, school_id=point.school_id, scope=scope, **values)
    session.add(row)
    record_change(session, actor, row, "created", None)
    return row, True


def record_point(
    session: Session, actor: Actor, measure: Measure, point: PointIn, if_match: str | None = None
) -> tuple[PointRead, bool]:
    require(actor, actor.records_points_for(point.school_id), RECORD)
    errors, value = check_point(measure, point, set(schools_of(session, measure.network_id)), "")
    if errors or value is None:
        raise ProblemError(422, "validation_error", "El dato no es válido: revisa los campos marcados.", errors=errors)
    row, created = upsert(session, actor, measure, point, value, if_match=if_match)
    session.commit()
    session.refresh(row)
    return point_read(row), created


def _points_query(
    measure: Measure, school_id: uuid.UUID | None, network_only: bool, since: date | None, until: date | None
) -> SelectOfScalar[MeasurePoint]:
    query = select(MeasurePoint).where(MeasurePoint.measure_id == measure.id)
    if school_id is not None:
        query = query.where(MeasurePoint.school_id == school_id)
    if network_only:
        query = query.where(MeasurePoint.scope == NETWORK_SCOPE)
    if since is not None:
        query = query.where(MeasurePoint.period >= since)
    if until is not None:
        query = query.where(MeasurePoint.period <= until)
    return query


POINT_ORDER = (col(MeasurePoint.period), col(MeasurePoint.scope))
"""Ascending and unique within a measure (the table's unique key), for offset pages and keyset cursors alike."""


def list_points(
    session: Session,
    measure: Measure,
    *,
    school_id: uuid.UUID | None,
    network_only: bool,
    since: date | None,
    until: date | None,
    limit: int,
    offset: int,
) -> tuple[list[PointRead], int]:
    query = _points_query(measure, school_id, network_only, since, until)
    rows, total = paginate(session, query, limit, offset, *POINT_ORDER)
    return [point_read(p) for p in rows], total


def list_points_after(
    session: Session,
    measure: Measure,
    *,
    school_id: uuid.UUID | None,
    network_only: bool,
    since: date | None,
    until: date | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[PointRead], str | None]:
    """One keyset page of the measure's points after ``cursor`` (``None``: the first page) and the next cursor."""
    query = _points_query(measure, school_id, network_only, since, until)
    rows, next_cursor = keyset_page(session, query, POINT_ORDER, cursor, limit, key=lambda p: [p.period, p.scope])
    return [point_read(p) for p in rows], next_cursor
