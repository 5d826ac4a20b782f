"""Reports service database: engine, sessions and readiness."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mejora_common.db import make_engine, readiness

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def build_engine(url: str) -> Engine:
    return make_engine(url)


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


def check_ready(engine: Engine) -> tuple[bool, str]:
    return readiness(engine, MIGRATIONS_DIR)


DbSession = Annotated[Session, Depends(get_session)]
