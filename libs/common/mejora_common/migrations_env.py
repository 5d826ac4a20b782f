"""The body of every service's Alembic ``env.py``: one implementation, three callers.

Migrations hold a lock while they run, so two instances starting at once (two replicas, a Kubernetes Job racing an
init container, ``make run`` beside a manual ``migrate``) never run them concurrently: the second waits, then finds
the database at head and does nothing. PostgreSQL: a session-level advisory lock (``pg_advisory_lock``, scoped to
the service's database); SQLite: an exclusive ``flock`` on a file beside the database (``<database>.migrate.lock``).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import context
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection, make_url

from .db import PRIVATE_FILE, make_engine, normalize_url

MIGRATION_LOCK_KEY = int.from_bytes(hashlib.sha256(b"mejora-en-red:migrations").digest()[:8], "big", signed=True)
"""The advisory lock's key: the same in every service (each has its own database, where the lock lives)."""


def sqlite_lock_path(url: str) -> Path | None:
    """The lock file beside a SQLite database file; ``None`` for other engines and in-memory databases."""
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database + ".migrate.lock")


@contextmanager
def migration_lock(connection: Connection, url: str) -> Iterator[None]:
    """Hold the service's migration lock (waits for another instance's migrations to end)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        connection.commit()  # a session-level lock outlives the transaction; Alembic starts its own
        try:
            yield
        finally:
            if connection.in_transaction():
                connection.rollback()
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
            connection.commit()
        return
    path = sqlite_lock_path(url)
    if path is None:
        yield
        return
    # 0600 like the database beside it (issue 11: no local user reads the data directory's files).
    with os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE), "a") as lock_file:
        os.chmod(path, PRIVATE_FILE)  # a lock file left by an earlier version may be 0644
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def run_migrations(target_metadata: MetaData, default_url: str) -> None:
    config = context.config
    url = config.get_main_option("sqlalchemy.url") or default_url
    render_as_batch = url.startswith("sqlite")  # SQLite needs batch mode to alter tables
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=render_as_batch)
        with context.begin_transaction():
            context.run_migrations()
        return
    connectable = make_engine(url)
    with connectable.connect() as connection, migration_lock(connection, url):
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=render_as_batch,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    connectable.dispose()
