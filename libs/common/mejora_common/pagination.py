"""One pagination shape for every list endpoint.

Offset pages (``limit``/``offset`` in, :class:`Page` out) for lists a person browses, and keyset
cursors (:func:`keyset_page`) for lists that can grow past 10,000 rows, where ``OFFSET`` would make
every later page slower than the one before.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import and_, func, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from mejora_common.errors import invalid

T = TypeVar("T")
R = TypeVar("R")

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000
"""Past this an offset page is refused (422): databases refuse offsets beyond 64 bits, and lists that long use
keyset cursors."""


class PageParams(BaseModel):
    limit: int = 50
    offset: int = 0


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Cantidad máxima de elementos")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Elementos a saltar")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


Pagination = Annotated[PageParams, Depends(page_params)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int

    @classmethod
    def of(cls, items: Sequence[Any], total: int, params: PageParams) -> Page[T]:
        """The page answered for ``params``; ``items`` are validated into the item schema."""
        return cls.model_validate(
            {"items": list(items), "total": total, "limit": params.limit, "offset": params.offset},
            from_attributes=True,
        )


def paginate(session: Session, query: SelectOfScalar[R], limit: int, offset: int, *order: Any) -> tuple[list[R], int]:
    """One offset page of ``query`` in ``order`` and the total row count."""
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(*order).offset(offset).limit(limit)).all()
    return list(rows), total


# --- keyset cursors ---------------------------------------------------------------------------


def encode_cursor(values: Sequence[Any]) -> str:
    """An opaque, URL-safe cursor holding the sort key of the last row of a page."""
    raw = json.dumps([str(v) if not isinstance(v, int | float | str | None) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, width: int) -> list[Any]:
    """The sort key inside ``cursor``; a 422 on ``cursor`` when it was not made by :func:`encode_cursor`."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid("cursor", "El cursor no es válido; pide la primera página de nuevo.") from None
    if not isinstance(values, list) or len(values) != width:
        raise invalid("cursor", "El cursor no es válido; pide la primera página de nuevo.")
    return values


Cursor = Annotated[
    str | None,
    Query(max_length=512, description="Cursor de `next_cursor`; vacío para la primera página (ver la descripción)"),
]
"""The optional ``cursor`` query parameter of a list that also offers keyset pages."""


def keyset_cursor(cursor: str, offset: int) -> str | None:
    """The cursor to read after (``None``: the first page); a cursor page has no offset."""
    if offset:
        raise invalid("offset", "`offset` no se combina con `cursor`: usa solo `cursor`.")
    return cursor or None


class CursorPage(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None
    """Pass as ``cursor`` to read the next page; ``null`` on the last page."""
    limit: int


def after_key(columns: Sequence[ColumnElement[Any]], values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after ``values`` in ascending ``columns`` order (row-value comparison, portable)."""
    clauses: list[ColumnElement[bool]] = []
    for i, column in enumerate(columns):
        equal_prefix = [columns[j] == values[j] for j in range(i)]
        clauses.append(and_(*equal_prefix, column > values[i]))
    return or_(*clauses)


def keyset_page(
    session: Session,
    query: SelectOfScalar[R],
    columns: Sequence[Any],
    cursor: str | None,
    limit: int,
    *,
    key: Any,
) -> tuple[list[R], str | None]:
    """One page of ``query`` ordered by ``columns`` (ascending, unique together) after ``cursor``.

    ``key(row)`` returns the row's values for ``columns``; its Python values must compare like the
    database's (UUIDs are passed back as strings, so columns should be ids, numbers, text or dates).
    """
    if cursor is not None:
        values = decode_cursor(cursor, len(columns))
        query = query.where(after_key(columns, [_typed(c, v) for c, v in zip(columns, values, strict=True)]))
    rows = list(session.exec(query.order_by(*columns).limit(limit + 1)).all())
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(key(rows[-1]))


def _typed(column: Any, value: Any) -> Any:
    """Turn a cursor value back into the column's Python type (UUIDs, dates travel as text)."""
    try:
        python_type = column.type.python_type
    except (AttributeError, NotImplementedError):
        return value
    if value is None or isinstance(value, python_type):
        return value
    try:
        if hasattr(python_type, "fromisoformat"):
            return python_type.fromisoformat(value)
        return python_type(value)
    except (TypeError, ValueError):
        raise invalid("cursor", "El cursor no es válido; pide la primera página de nuevo.") from None
