"""Backup and restore (infra/ops): the round trip on SQLite and on PostgreSQL, every table compared row by row."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, Table, inspect, select

from cycles_service.db import MIGRATIONS_DIR as CYCLES_MIGRATIONS
from cycles_service.seed import seed_demo as seed_cycles
from mejora_common.db import make_engine, upgrade
from mejora_common.testing import DEMO_FILE, create_postgres_database, drop_postgres_database, postgres_admin_url
from observations_service.db import MIGRATIONS_DIR as OBSERVATIONS_MIGRATIONS
from observations_service.seed import seed_demo as seed_observations
from reports_service.db import MIGRATIONS_DIR as REPORTS_MIGRATIONS

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "infra" / "ops"))
from mejora_ops.archive import AGE_MAGIC
from mejora_ops.databases import OpsError
from mejora_ops.operations import backup, restore
from mejora_ops.settings import SERVICES, OpsSettings

MIGRATIONS = {"cycles": CYCLES_MIGRATIONS, "observations": OBSERVATIONS_MIGRATIONS, "reports": REPORTS_MIGRATIONS}
Databases = dict[str, str]


def _databases(engine: str, folder: Path, created: list[str]) -> Databases:
    if engine == "sqlite":
        folder.mkdir(mode=0o700)
        return {service: f"sqlite:///{folder / f'{service}.db'}" for service in SERVICES}
    admin = postgres_admin_url()
    assert admin is not None
    urls = {service: create_postgres_database(admin) for service in SERVICES}
    created.extend(urls.values())
    return urls


@pytest.fixture
def engines(database_url: str, tmp_path: Path) -> Iterator[tuple[Databases, Databases]]:
    """Three migrated and seeded databases, and three empty ones, on the engine of ``database_url``."""
    engine = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    created: list[str] = []
    try:
        source = _databases(engine, tmp_path / "source", created)
        target = _databases(engine, tmp_path / "target", created)
        for service, url in source.items():
            upgrade(MIGRATIONS[service], url)
        seed_cycles(source["cycles"], DEMO_FILE)
        seed_observations(source["observations"], DEMO_FILE)
        yield source, target
    finally:
        for url in created:
            drop_postgres_database(url)


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    identity = tmp_path / "backup-identity.txt"
    subprocess.run(["age-keygen", "-o", str(identity)], check=True, capture_output=True)
    public = subprocess.run(["age-keygen", "-y", str(identity)], check=True, capture_output=True, text=True)
    recipients = tmp_path / "backup-recipients.txt"
    recipients.write_text(public.stdout, encoding="utf-8")
    return recipients, identity


def settings(data_dir: Path, keys: tuple[Path, Path]) -> OpsSettings:
    return OpsSettings(data_dir=data_dir, backup_recipients=str(keys[0]), backup_identity=str(keys[1]))


def every_row(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            names = inspect(connection).get_table_names()
            tables = [Table(name, MetaData(), autoload_with=connection) for name in names]
            return {
                table.name: sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
                for table in tables
            }
    finally:
        engine.dispose()


@pytest.fixture(autouse=True)
def quick_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEJORA_MAINTENANCE_CHECK_SECONDS", "0")


def test_the_round_trip_restores_every_row_of_every_table(
    engines: tuple[Databases, Databases], keys: tuple[Path, Path], tmp_path: Path
) -> None:
    source, target = engines
    old_dir, new_dir = tmp_path / "old-data", tmp_path / "new-data"
    old_dir.mkdir()
    (old_dir / "jwt-secret").write_text("el-secreto-de-esta-instalacion", encoding="utf-8")
    archive = backup(settings(old_dir, keys), source)
    assert archive.parent == old_dir / "backups"
    assert archive.read_bytes().startswith(AGE_MAGIC), "the archive is encrypted"
    assert b"el-secreto-de-esta-instalacion" not in archive.read_bytes()
    assert archive.stat().st_mode & 0o077 == 0

    summary = restore(settings(new_dir, keys), target, archive)
    assert "Restaurado" in summary
    for service in SERVICES:
        before, after = every_row(source[service]), every_row(target[service])
        assert set(after) == set(before), service
        for table, rows in before.items():
            assert after[table] == rows, f"{service}.{table}"
    assert sum(len(rows) for rows in every_row(source["cycles"]).values()) > 100
    assert sum(len(rows) for rows in every_row(source["observations"]).values()) > 20
    assert (new_dir / "jwt-secret").read_text(encoding="utf-8") == "el-secreto-de-esta-instalacion"
    assert (new_dir / "jwt-secret").stat().st_mode & 0o077 == 0

    with pytest.raises(OpsError, match="no está vacía") as refused:
        restore(settings(tmp_path / "third-data", keys), target, archive)
    assert "No se restauró nada" in str(refused.value)
    assert not (tmp_path / "third-data").exists()


def test_an_archive_opens_only_with_its_identity_and_intact(
    engines: tuple[Databases, Databases], keys: tuple[Path, Path], tmp_path: Path
) -> None:
    source, target = engines
    data = tmp_path / "data"
    archive = backup(settings(data, keys), source, out=tmp_path / "respaldo.tar.age")
    other = tmp_path / "other-identity.txt"
    subprocess.run(["age-keygen", "-o", str(other)], check=True, capture_output=True)
    wrong = OpsSettings(data_dir=data, backup_identity=str(other))
    with pytest.raises(OpsError, match="descifrar"):
        restore(wrong, target, archive)
    broken = tmp_path / "roto.tar.age"
    content = bytearray(archive.read_bytes())
    content[-100] ^= 0xFF
    broken.write_bytes(bytes(content))
    with pytest.raises(OpsError):
        restore(settings(data, keys), target, broken)
    for url in target.values():
        assert every_row(url) == {}, "a refused restore writes nothing"


def test_backup_needs_the_recipients_and_restore_the_identity(
    engines: tuple[Databases, Databases], tmp_path: Path
) -> None:
    source, _ = engines
    with pytest.raises(OpsError, match="MEJORA_BACKUP_RECIPIENTS"):
        backup(OpsSettings(data_dir=tmp_path), source)
    with pytest.raises(OpsError, match="MEJORA_BACKUP_IDENTITY"):
        restore(OpsSettings(data_dir=tmp_path), source, tmp_path / "x.tar.age")
