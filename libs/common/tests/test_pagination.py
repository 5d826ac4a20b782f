import datetime as dt
import uuid

import pytest
from sqlalchemy.orm import registry
from sqlmodel import Field, Session, SQLModel, create_engine, select

from mejora_common.errors import ProblemError
from mejora_common.pagination import Page, PageParams, decode_cursor, encode_cursor, keyset_page, paginate


class _Base(SQLModel, registry=registry()):
    pass


class Row(_Base, table=True):
    id: uuid.UUID = Field(primary_key=True)
    day: dt.date
    name: str


@pytest.fixture
def session() -> Session:
    engine = create_engine("sqlite://")
    _Base.metadata.create_all(engine)
    with Session(engine) as session:
        start = dt.date(2024, 3, 1)
        for i in range(25):
            session.add(Row(id=uuid.UUID(int=i + 1), day=start + dt.timedelta(days=i // 3), name=f"r{i:02d}"))
        session.commit()
        return session


def test_paginate_counts_all_and_returns_the_window(session: Session) -> None:
    rows, total = paginate(session, select(Row), 10, 20, Row.name)
    assert total == 25
    assert [r.name for r in rows] == ["r20", "r21", "r22", "r23", "r24"]


def test_page_of_fills_limit_and_offset() -> None:
    page = Page[int].of([1, 2], 7, PageParams(limit=2, offset=4))
    assert page.model_dump() == {"items": [1, 2], "total": 7, "limit": 2, "offset": 4}


def test_keyset_pages_visit_every_row_once_in_order(session: Session) -> None:
    columns = [Row.day, Row.id]
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        rows, cursor = keyset_page(session, select(Row), columns, cursor, 7, key=lambda r: [r.day, r.id])
        seen += [r.name for r in rows]
        pages += 1
        if cursor is None:
            break
    assert pages == 4
    assert seen == [f"r{i:02d}" for i in range(25)]


def test_keyset_last_full_page_has_no_next_cursor(session: Session) -> None:
    rows, cursor = keyset_page(session, select(Row), [Row.name], None, 25, key=lambda r: [r.name])
    assert len(rows) == 25
    assert cursor is None


@pytest.mark.parametrize("bad", ["%%%", encode_cursor([1, 2, 3]), "bm90IGpzb24"])
def test_a_foreign_cursor_is_a_422_on_the_cursor_field(bad: str) -> None:
    with pytest.raises(ProblemError) as caught:
        decode_cursor(bad, 2)
    assert caught.value.status == 422
    assert caught.value.errors == [{"field": "cursor", "message": caught.value.detail}]


def test_a_cursor_with_a_bad_date_is_a_422(session: Session) -> None:
    with pytest.raises(ProblemError):
        keyset_page(session, select(Row), [Row.day, Row.id], encode_cursor(["mañana", "x"]), 5, key=lambda r: [])


def test_offsets_past_the_bound_are_a_422_not_a_database_error() -> None:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from mejora_common.errors import install_problem_handlers
    from mejora_common.pagination import MAX_OFFSET, Pagination

    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/items")
    def items(page: Pagination) -> dict[str, int]:
        return {"offset": page.offset}

    client = TestClient(app)
    assert client.get(f"/items?offset={MAX_OFFSET}").json() == {"offset": MAX_OFFSET}
    huge = client.get("/items?offset=9223372036854775808")
    assert huge.status_code == 422
    assert huge.json()["errors"][0]["field"] == "offset"
