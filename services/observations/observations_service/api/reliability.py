"""``/api/v1/reliability``: agreement between observers over double-coded observations."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from mejora_common.auth import CurrentPrincipal

from ..db import DbSession
from ..schemas import ReliabilityRead
from ..service import reliability

router = APIRouter(prefix="/api/v1/reliability", tags=["confiabilidad"])


@router.get(
    "",
    response_model=ReliabilityRead,
    summary="Confiabilidad entre observadores (doble codificación)",
    description=(
        "Sobre todos los pares de observaciones doblemente codificadas (ambas enviadas) de la red, por instrumento y "
        "dimensión: número de pares de puntajes, % de acuerdo exacto, % a un punto o menos, kappa de Cohen con "
        "ponderación cuadrática (Cohen 1968) e ICC(2,1) (Shrout y Fleiss 1979). Cada observador con menos de 80 % "
        "de acuerdo a un punto o menos queda marcado (`flagged`). Con `observer_id`, solo los pares en que participó. "
        "Porcentajes redondeados a 2 decimales, kappa e ICC a 3; `null` cuando no está definido. Lo ven coordinación "
        "y facilitación (toda la red) y cada acompañante (solo lo suyo)."
    ),
)
def get_reliability(
    network_id: uuid.UUID,
    session: DbSession,
    principal: CurrentPrincipal,
    observer_id: uuid.UUID | None = None,
) -> ReliabilityRead:
    return reliability.reliability(session, principal, network_id, observer_id)
