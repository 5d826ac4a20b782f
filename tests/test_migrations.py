"""Every service's schema comes only from its Alembic history, on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, inspect

from mejora_common.db import current_revision, downgrade, head_revision, make_engine, upgrade

SERVICES = ["cycles", "observations", "reports"]


def service_parts(service: str) -> tuple[Path, MetaData]:
    db = importlib.import_module(f"{service}_service.db")
    models = importlib.import_module(f"{service}_service.models")
    return db.MIGRATIONS_DIR, models.metadata


@pytest.mark.parametrize("service", SERVICES)
def test_upgrade_from_empty_then_downgrade_to_base(service: str, database_url: str) -> None:
    migrations, metadata = service_parts(service)
    upgrade(migrations, database_url)
    engine = make_engine(database_url)
    try:
        assert current_revision(engine) == head_revision(migrations)
        tables = set(inspect(engine).get_table_names())
        assert set(metadata.tables) <= tables
        with engine.connect() as conn:
            # The models and the migrations describe the same schema.
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
        downgrade(migrations, database_url, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        assert current_revision(engine) is None
        upgrade(migrations, database_url)
        assert current_revision(engine) == head_revision(migrations)
    finally:
        engine.dispose()


def test_no_create_all_outside_tests() -> None:
    root = Path(__file__).resolve().parents[1]
    offenders = [
        str(path.relative_to(root))
        for folder in ("services", "libs", "infra")
        for path in (root / folder).rglob("*.py")
        if "create_all(" in path.read_text(encoding="utf-8")
        and "/tests/" not in str(path)
        and "node_modules" not in str(path)
    ]
    assert offenders == []
