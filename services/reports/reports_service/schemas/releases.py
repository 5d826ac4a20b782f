"""Releases of a wave's network results (``/api/v1/reports/networks/{id}/waves/{wave}/releases``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class HeldCellOut(BaseModel):
    """A cell the disclosure check did not let change, and what the release shows instead."""

    cell: str = Field(description="network, level:<nivel>, school:<id> o compare:<ola>:<parte>")
    label: str
    status: Literal["kept", "suppressed"]
    from_release: int | None = Field(description="Con «kept»: la publicación cuyo valor se sigue mostrando")
    changed_classrooms: int = Field(description="Aulas (observaciones) que cambiaron desde el último valor mostrado")
    findings: list[Literal["small_group", "small_difference"]]
    reason: str


class ReleaseOut(BaseModel):
    id: uuid.UUID
    network_id: uuid.UUID
    wave: str
    number: int
    k: int
    instrument_code: str | None
    published_at: datetime
    published_by: str = Field(description="Nombre de quien publicó")
    published_by_account_id: uuid.UUID | None = Field(description="Solo para coordinación")
    observations: int | None = Field(description="Observaciones incluidas (solo para coordinación)")
    held: list[HeldCellOut] | None = Field(
        description="Celdas que no pudieron actualizarse y por qué (solo para coordinación)"
    )
