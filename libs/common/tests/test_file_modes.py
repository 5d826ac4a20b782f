"""The data directory, the SQLite files (with their -wal and -shm) and the signing secret are private to their owner."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from mejora_common.db import make_engine
from mejora_common.settings import CommonSettings


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """The laxest umask, so the modes come from the code and not from the environment's umask."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("permissive_umask")
def test_a_new_sqlite_database_and_its_side_files_are_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "var" / "data"
    database = data_dir / "cycles.db"
    engine = make_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE scores (teacher TEXT, score INTEGER)"))
            connection.execute(text("INSERT INTO scores VALUES ('Javiera', 3)"))
        with engine.connect() as connection:  # WAL mode: the log and its shared memory exist while connected
            assert connection.execute(text("SELECT count(*) FROM scores")).scalar() == 1
            assert (data_dir / "cycles.db-wal").exists() and (data_dir / "cycles.db-shm").exists()
            for name in ("cycles.db", "cycles.db-wal", "cycles.db-shm"):
                assert mode(data_dir / name) == 0o600, name
    finally:
        engine.dispose()
    assert mode(data_dir) == 0o700


@pytest.mark.usefixtures("permissive_umask")
def test_files_an_older_version_left_readable_are_tightened(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    database = shared / "observations.db"
    engine = make_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
    engine.dispose()
    for path in (database, shared / "observations.db-wal", shared / "observations.db-shm"):
        if not path.exists():
            path.touch()
        path.chmod(0o644)
    engine = make_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            for path in (database, shared / "observations.db-wal", shared / "observations.db-shm"):
                assert mode(path) == 0o600, path.name
    finally:
        engine.dispose()
    assert mode(shared) == 0o755  # a directory that already existed (say /srv) is not ours to change


@pytest.mark.usefixtures("permissive_umask")
def test_the_data_directory_and_the_generated_key_file(tmp_path: Path) -> None:
    settings = CommonSettings(data_dir=tmp_path / "var")
    key = settings.token_keys("cycles").signer
    assert mode(tmp_path / "var") == 0o700
    assert mode(tmp_path / "var" / "cycles-signing-key.pem") == 0o600
    assert settings.token_keys("cycles").signer.kid == key.kid  # read again, not made anew
    assert settings.token_keys("reports").signer.kid != key.kid  # each service its own key
    database = settings.sqlite_url("reports").removeprefix("sqlite:///")
    make_engine(settings.sqlite_url("reports")).dispose()
    assert mode(Path(database)) == 0o600
