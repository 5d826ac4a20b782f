"""Engines, sessions and Alembic helpers shared by every service.

SQLite is the embedded default (one file per service); any SQLAlchemy URL
works, PostgreSQL through psycopg 3 (``postgresql+psycopg://``).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi import Depends, Request
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Dialect, Engine, make_url
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, create_engine

from .deadlines import install_statement_deadlines
from .disconnect import install_statement_cancellation
from .overload import total_concurrency


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def normalize_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and use psycopg 3 for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


#: SQLite's side files beside a database (write-ahead log, its shared memory, the rollback journal).
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def _tighten(path: Path, mode: int) -> None:
    """``path`` (if it exists and is ours) readable by its owner only: a file left by an older version."""
    try:
        if path.stat().st_mode & 0o777 & ~mode:
            path.chmod(mode)
    except OSError:  # gone meanwhile, or not ours to change: leave it
        return


def prepare_sqlite_file(database: str) -> None:
    """The database file and its directory private to the service's user (0600 in a 0700 directory).

    SQLite would create the file 0644 (every local user could read password hashes and scores). Created here
    first, empty (an empty file is a new database), it is 0600 whatever the umask, and SQLite gives the
    -wal, -shm and -journal files the database file's own mode.
    """
    path = Path(database)
    if not path.parent.exists():
        path.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE))
    _tighten(path, PRIVATE_FILE)


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    in_memory = not parsed.database or parsed.database == ":memory:"
    if not (parsed.get_backend_name() == "sqlite" and in_memory):
        # One connection per request the load-shedding gates let through (mejora_common.overload), so an admitted
        # request never waits for a connection; a little overflow for work outside requests (start-up, seeds).
        kwargs.update(pool_size=total_concurrency(), max_overflow=4, pool_timeout=10)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and not in_memory:
            prepare_sqlite_file(parsed.database)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    engine = create_engine(url, **kwargs)
    install_statement_deadlines(engine)
    install_statement_cancellation(engine)
    if parsed.get_backend_name() == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()
            if parsed.database and not in_memory:
                # Side files an older version left 0644 (new ones already take the database's 0600).
                for suffix in SQLITE_SIDE_FILES:
                    _tighten(Path(parsed.database + suffix), PRIVATE_FILE)

    return engine


def session_scope(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's session on the engine the service put in ``app.state.engine`` at start.

    An async generator on purpose: its clean-up (giving the connection back) runs on the event loop. A sync
    generator's clean-up needs a free worker thread, and under a burst every thread may be waiting for a
    connection that only such a clean-up would give back: the service would hang.
    """
    with Session(request.app.state.engine) as session:
        yield session


DbSession = Annotated[Session, Depends(get_session)]


def alembic_config(migrations_dir: Path, url: str) -> Config:
    """An Alembic config built in code, so no alembic.ini path games are needed."""
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return cfg


def upgrade(migrations_dir: Path, url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(migrations_dir, url), revision)


def downgrade(migrations_dir: Path, url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(migrations_dir, url), revision)


def head_revision(migrations_dir: Path) -> str | None:
    script = ScriptDirectory.from_config(alembic_config(migrations_dir, "sqlite://"))
    return script.get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def readiness(engine: Engine, migrations_dir: Path) -> tuple[bool, str]:
    """Is the database reachable and migrated to head? Returns (ready, Spanish reason)."""
    try:
        current = current_revision(engine)
    except Exception as exc:  # noqa: BLE001 - any driver error means "not reachable"
        return False, f"Base de datos inalcanzable: {type(exc).__name__}"
    head = head_revision(migrations_dir)
    if current != head:
        return False, f"Migraciones pendientes (actual {current or 'ninguna'}, esperada {head})."
    return True, "ok"
