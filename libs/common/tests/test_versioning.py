"""ETag/If-Match: one rule, enforced atomically by the version counter (both databases)."""

import threading
import uuid
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import registry
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Field, Session, SQLModel

from mejora_common.db import make_engine
from mejora_common.errors import ProblemError, install_problem_handlers
from mejora_common.versioning import Versioned, check_if_match, check_if_none_match_for_create, etag


class _Base(SQLModel, registry=registry()):
    pass


class Note(Versioned, _Base, table=True):
    id: uuid.UUID = Field(primary_key=True)
    text: str


def test_if_match_missing_is_428_and_stale_is_412() -> None:
    with pytest.raises(ProblemError) as missing:
        check_if_match(3, None, what="la meta")
    assert (missing.value.status, missing.value.headers["ETag"]) == (428, '"3"')
    assert "la meta" in missing.value.detail
    with pytest.raises(ProblemError) as stale:
        check_if_match(3, '"2"')
    assert (stale.value.status, stale.value.extra["current_version"]) == (412, 3)
    check_if_match(3, 'W/"3"')
    check_if_match(3, '"1", "3"')
    check_if_match(3, "*")
    check_if_match(3, None, required=False)
    assert etag(7) == '"7"'


def test_if_none_match_star_refuses_an_existing_resource() -> None:
    check_if_none_match_for_create("*", exists=False)
    check_if_none_match_for_create(None, exists=True)
    with pytest.raises(ProblemError) as exists:
        check_if_none_match_for_create("*", exists=True)
    assert exists.value.status == 412


def test_concurrent_writers_with_the_same_version_give_exactly_one_success(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(database_url)
    _Base.metadata.create_all(engine)
    note_id = uuid.uuid4()
    with Session(engine) as session:
        session.add(Note(id=note_id, text="v1"))
        session.commit()
    writers = 8
    loaded = threading.Barrier(writers)
    outcomes: list[str] = []

    def write(n: int) -> None:
        with Session(engine) as session:
            note = session.get(Note, note_id)
            assert note is not None and note.version == 1
            loaded.wait()  # every writer read version 1 before anyone writes
            note.text = f"writer {n}"
            try:
                session.commit()
                outcomes.append("ok")
            except StaleDataError:
                outcomes.append("stale")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok"] + ["stale"] * (writers - 1)
    with Session(engine) as session:
        note = session.get(Note, note_id)
        assert note is not None and note.version == 2
    engine.dispose()


def test_a_lost_race_is_answered_412() -> None:
    app = FastAPI()
    install_problem_handlers(app)

    @app.patch("/notes")
    def patch() -> None:
        raise StaleDataError("UPDATE statement on table 'note' expected to update 1 row(s); 0 were matched.")

    response = TestClient(app).patch("/notes")
    assert response.status_code == 412
    assert response.json()["code"] == "precondition_failed"
