"""The answer of the long-format import."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field


class ImportRowError(BaseModel):
    row: int = Field(description="Fila del archivo (1 = primera fila de datos)")
    field: str
    message: str


class ImportResult(BaseModel):
    dry_run: bool
    rows: int
    observations: int = Field(description="Observaciones en el archivo")
    created: int
    unchanged: int = Field(description="Ya existían idénticas (reimportación)")
    observation_ids: list[uuid.UUID]
