"""Helpers shared by the service functions."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, SQLModel, select
from sqlmodel.sql.expression import SelectOfScalar

from mejora_common.db import utcnow
from mejora_common.errors import ProblemError

from ..models import Person, School

T = TypeVar("T", bound=SQLModel)


def paginate(session: Session, query: SelectOfScalar[T], limit: int, offset: int, *order: Any) -> tuple[list[T], int]:
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(*order).offset(offset).limit(limit)).all()
    return list(rows), total


def apply(row: SQLModel, changes: dict[str, Any]) -> bool:
    """Set ``changes`` on ``row``; ``True`` when something changed (and ``updated_at`` was touched)."""
    changed = False
    for name, value in changes.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if changed and hasattr(row, "updated_at"):
        row.updated_at = utcnow()  # type: ignore[attr-defined]
    return changed


def invalid(field: str, message: str, code: str = "validation_error") -> ProblemError:
    return ProblemError(422, code, message, errors=[{"field": field, "message": message}])


def school_in_network(session: Session, network_id: uuid.UUID, school_id: uuid.UUID | None, field: str) -> None:
    if school_id is None:
        return
    school = session.get(School, school_id)
    if school is None or school.network_id != network_id:
        raise invalid(field, "El establecimiento no existe en esta red.")


def person_in_network(
    session: Session, network_id: uuid.UUID, person_id: uuid.UUID | None, field: str
) -> Person | None:
    if person_id is None:
        return None
    person = session.get(Person, person_id)
    if person is None or person.network_id != network_id:
        raise invalid(field, "La persona no pertenece a esta red.")
    return person


def in_list(column: Any, values: list[Any]) -> ColumnElement[bool]:
    return column.in_(values)  # type: ignore[no-any-return]
