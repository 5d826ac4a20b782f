"""Helpers shared by the service modules: partial updates and "does it belong to this network?" checks."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import inspect
from sqlmodel import Session, SQLModel

from mejora_common.db import utcnow
from mejora_common.errors import invalid
from mejora_common.versioning import check_if_match

from ..models import Person, School


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


def version_of(row: SQLModel) -> int:
    """The row's change counter: its mapper's ``version_id_col`` (``revision`` for cycles and diagrams)."""
    mapper = inspect(type(row))
    assert mapper.version_id_col is not None, f"{type(row).__name__} has no version"
    return int(getattr(row, mapper.get_property_by_column(mapper.version_id_col).key))


def require_version(row: SQLModel, if_match: str | None, what: str) -> None:
    """428 without ``If-Match``, 412 when it names another version than the one read.

    The check alone would be a race; the write is atomic because the row's UPDATE/DELETE carries
    ``WHERE version = <the one read>`` (SQLAlchemy's version counter), so a concurrent writer that passed the same
    check matches no row and gets 412 too (``StaleDataError``, answered by ``mejora_common.errors``).
    """
    check_if_match(version_of(row), if_match, what=what)


def school_in_network(session: Session, network_id: uuid.UUID, school_id: uuid.UUID | None, field: str) -> None:
    """422 on ``field`` unless the school is one of the network's (``None`` passes)."""
    if school_id is None:
        return
    school = session.get(School, school_id)
    if school is None or school.network_id != network_id:
        raise invalid(field, "El establecimiento no existe en esta red.")


def person_in_network(
    session: Session, network_id: uuid.UUID, person_id: uuid.UUID | None, field: str
) -> Person | None:
    """The person when they belong to the network (``None`` passes); 422 on ``field`` otherwise."""
    if person_id is None:
        return None
    person = session.get(Person, person_id)
    if person is None or person.network_id != network_id:
        raise invalid(field, "La persona no pertenece a esta red.")
    return person
