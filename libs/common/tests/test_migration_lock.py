"""Two instances starting at once never run migrations concurrently (issue 13): mejora_common.migrations_env's lock.

Real processes (``python -m cycles_service migrate``, what an instance, a Kubernetes Job or an init container runs),
started together on an empty database: both succeed and the schema is at head once. On PostgreSQL the lock is also
seen working: while this test holds the advisory lock, a migration waits on it (``pg_locks``) and goes on once the
lock is released.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from mejora_common.db import head_revision, make_engine
from mejora_common.migrations_env import MIGRATION_LOCK_KEY
from mejora_common.testing import REPO_ROOT

CYCLES_MIGRATIONS = REPO_ROOT / "services" / "cycles" / "cycles_service" / "migrations"


def _migrate(url: str, data_dir: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "MEJORA_CYCLES_DATABASE_URL": url,
        "MEJORA_DATA_DIR": str(data_dir),
        "MEJORA_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "cycles_service", "migrate"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _versions(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]
    finally:
        engine.dispose()


def test_two_migrations_started_at_once_both_succeed_and_migrate_once(database_url: str, tmp_path: Path) -> None:
    first, second = _migrate(database_url, tmp_path), _migrate(database_url, tmp_path)
    outputs = [p.communicate(timeout=300)[0] for p in (first, second)]
    assert (first.returncode, second.returncode) == (0, 0), outputs
    assert _versions(database_url) == [head_revision(CYCLES_MIGRATIONS)]


def test_the_sqlite_lock_file_is_private(tmp_path: Path) -> None:
    from mejora_common.db import upgrade
    from mejora_common.migrations_env import sqlite_lock_path

    url = f"sqlite:///{tmp_path / 'cycles.db'}"
    lock = sqlite_lock_path(url)
    assert lock is not None
    lock.touch(mode=0o644)  # as an earlier version left it
    lock.chmod(0o644)
    upgrade(CYCLES_MIGRATIONS, url)
    assert stat.S_IMODE(lock.stat().st_mode) == 0o600


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def test_a_migration_waits_for_the_lock_another_instance_holds(database_url: str, tmp_path: Path) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the advisory lock is PostgreSQL's; SQLite's file lock is covered by the test above")
    with psycopg.connect(_libpq(database_url), autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_KEY,))
        migration = _migrate(database_url, tmp_path)
        try:
            waiting = False
            while not waiting and migration.poll() is None:  # until the migration asks for the lock we hold
                row = holder.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = "
                    "(SELECT oid FROM pg_database WHERE datname = current_database())"
                ).fetchone()
                waiting = bool(row and row[0])
                time.sleep(0.02)
            assert waiting and migration.poll() is None, "the migration did not wait for the lock"
            assert _versions_or_none(database_url) is None  # nothing migrated while the lock is held
        finally:
            holder.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_KEY,))
        output = migration.communicate(timeout=300)[0]
    assert migration.returncode == 0, output
    assert _versions(database_url) == [head_revision(CYCLES_MIGRATIONS)]


def _versions_or_none(url: str) -> list[str] | None:
    try:
        return _versions(url)
    except Exception:  # noqa: BLE001 - no alembic_version table yet
        return None
