"""Response of ``GET /api/v1/measures/{id}/phase-proposals``."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field


class ProposalContext(BaseModel):
    """What happened just before the shift: a learning session, a PHEA cycle's Do, a note on the point."""

    kind: Literal["learning_session", "cycle", "note"]
    id: str | None
    title: str
    date_label: str


class PhaseProposal(BaseModel):
    start_period: date = Field(description="Primer período de la fase propuesta (el primer punto del desplazamiento)")
    label: str
    rule: Literal["long_run", "shift"] = Field(
        description="long_run: corrida más larga que round(log2(n_útiles)) + 3 (Anhøj); shift: 6 o más seguidos (IHI)"
    )
    length: int = Field(description="Puntos seguidos del mismo lado de la mediana")
    limit: int = Field(description="Lo que pide la regla (Anhøj: más que el límite; IHI: al menos 6)")
    side: Literal["above", "below"]
    favourable: bool = Field(description="El nuevo nivel va en la dirección de mejora de la medida")
    current_median: float = Field(description="Mediana de la fase actual")
    proposed_median: float = Field(description="Mediana de los puntos desde el inicio propuesto")
    description: str
    context: list[ProposalContext] = Field(description="Lo que ocurrió justo antes o durante ese período")


class DismissalInfo(BaseModel):
    start_period: date
    reason: str
    dismissed_by_name: str
    dismissed_at: str


class PhaseProposals(BaseModel):
    measure_id: uuid.UUID
    rule_set: Literal["anhoj", "ihi"]
    current_phase_start: date | None = Field(description="Inicio de la fase actual (null: desde el primer punto)")
    proposals: list[PhaseProposal] = Field(description="A lo más una: el desplazamiento sostenido más reciente")
    dismissed: list[DismissalInfo] = Field(description="Propuestas descartadas antes, con su razón")
    note: str = Field(description="Por qué el sistema propone y una persona decide")
