"""Background report jobs (``/api/v1/reports/networks/{id}/results/jobs``, ``/api/v1/reports/jobs/{id}``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

WAVE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$"

JobFormat = Literal["pdf", "xlsx", "csv"]


class ResultsJobIn(BaseModel):
    """The same choices as ``GET …/results`` (without ``json`` and ``html``, which answer at once)."""

    model_config = ConfigDict(extra="forbid")

    wave: str = Field(pattern=WAVE_PATTERN, description="Medición, p. ej. 2024-2", examples=["2024-2"])
    compare: str | None = Field(default=None, pattern=WAVE_PATTERN, description="Medición anterior con que comparar")
    instrument: str | None = Field(default=None, max_length=60, description="Código del instrumento")
    release: int | None = Field(
        default=None,
        ge=1,
        le=1_000_000,
        description="Número de la publicación (por omisión, la última; coordinación: en vivo)",
    )
    format: JobFormat = Field(default="pdf", description="Formato del documento")


class JobOut(BaseModel):
    id: uuid.UUID
    kind: Literal["results"]
    format: JobFormat
    network_id: uuid.UUID
    state: Literal["queued", "running", "done", "failed", "expired"]
    progress: int = Field(ge=0, le=100, description="Porcentaje avanzado (0 a 100)")
    message: str = Field(description="Qué está haciendo el trabajo, para mostrar junto a la barra de progreso")
    error: str | None = Field(description="Con `failed`: por qué no se generó el documento")
    filename: str
    size: int | None = Field(description="Con `done`: tamaño del archivo en bytes")
    file_url: str | None = Field(description="Con `done`: dónde descargar el archivo")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    expires_at: datetime | None = Field(description="Hasta cuándo se conserva el archivo")
    version: int
