"""Observations service database: its migrations and readiness (engine and sessions: ``mejora_common.db``)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from mejora_common.db import DbSession, get_session, make_engine, readiness

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

build_engine = make_engine


def check_ready(engine: Engine) -> tuple[bool, str]:
    return readiness(engine, MIGRATIONS_DIR)


__all__ = ["MIGRATIONS_DIR", "DbSession", "build_engine", "check_ready", "get_session"]
