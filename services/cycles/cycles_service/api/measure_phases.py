"""Phases of a measure: ``/measures/{id}/phases`` and ``/measures/{id}/phase-dismissals``.

The proposals themselves (``/measures/{id}/phase-proposals``) are computed by the reports service, which has the
run-chart rules; the gateway routes that path there.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from mejora_common.auth import CurrentPrincipal
from mejora_common.pagination import Page, Pagination

from ..db import DbSession
from ..schemas.measures import PhaseCreate, PhaseDismissalCreate, PhaseDismissalRead, PhaseRead, PhaseUpdate
from ..service import measure_phases, measures
from ..service.access import actor_for
from .versions import IfMatch, guarded, set_etag, tagged

router = APIRouter(prefix="/api/v1/measures", tags=["medidas"])

WHY_A_PERSON = (
    "El sistema **nunca cambia de fase por sí solo**: propone (`GET /measures/{id}/phase-proposals`, en reportes) y "
    "una persona de coordinación o facilitación confirma con una razón. Recalcular la línea central cada vez que "
    "aparece una señal borra la evidencia de la mejora y puede ocultar un deterioro; una fase nueva debe "
    "corresponder a un cambio conocido del proceso (NHS England, *Making Data Count*: «recalculate only when "
    "there has been a sustained, explained change»; los mantenedores de NHSRplotthedots rechazaron el "
    "recálculo automático por la misma razón)."
)


@router.get(
    "/{measure_id}/phases",
    response_model=Page[PhaseRead],
    summary="Fases de una medida",
    description="Cada fase tiene su propia línea central en los gráficos de corrida y de control. " + WHY_A_PERSON,
)
def list_phases(
    measure_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, page: Pagination
) -> Page[PhaseRead]:
    measure = measures.get_measure(session, measure_id)
    actor_for(principal, measure.network_id, "La medida")
    items, total = measure_phases.list_phases(session, measure, page.limit, page.offset)
    return Page.of(items, total, page)


@router.post(
    "/{measure_id}/phases",
    response_model=PhaseRead,
    status_code=201,
    responses={**tagged(201), 409: {"description": "Ya hay una fase que empieza en ese período"}},
    summary="Confirmar una fase (con una razón)",
    description=WHY_A_PERSON,
)
def create_phase(
    measure_id: uuid.UUID, body: PhaseCreate, session: DbSession, principal: CurrentPrincipal, response: Response
) -> PhaseRead:
    measure = measures.get_measure(session, measure_id)
    actor = actor_for(principal, measure.network_id, "La medida")
    phase, created = measure_phases.create_phase(session, actor, measure, body)
    if not created:
        response.status_code = 200
    set_etag(response, phase.version)
    return measure_phases.phase_read(phase)


@router.get("/{measure_id}/phases/{phase_id}", response_model=PhaseRead, responses=tagged(), summary="Una fase")
def get_phase(
    measure_id: uuid.UUID, phase_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, response: Response
) -> PhaseRead:
    measure = measures.get_measure(session, measure_id)
    actor_for(principal, measure.network_id, "La medida")
    phase = measure_phases.get_phase(session, measure, phase_id)
    set_etag(response, phase.version)
    return measure_phases.phase_read(phase)


@router.patch(
    "/{measure_id}/phases/{phase_id}",
    response_model=PhaseRead,
    responses=guarded(),
    summary="Editar la razón o la línea base de una fase (If-Match)",
)
def update_phase(
    measure_id: uuid.UUID,
    phase_id: uuid.UUID,
    body: PhaseUpdate,
    *,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> PhaseRead:
    measure = measures.get_measure(session, measure_id)
    actor = actor_for(principal, measure.network_id, "La medida")
    phase = measure_phases.get_phase(session, measure, phase_id)
    updated = measure_phases.update_phase(session, actor, phase, body, if_match)
    set_etag(response, updated.version)
    return measure_phases.phase_read(updated)


@router.delete(
    "/{measure_id}/phases/{phase_id}",
    status_code=204,
    responses=guarded(204),
    summary="Quitar una fase (If-Match)",
)
def delete_phase(
    measure_id: uuid.UUID,
    phase_id: uuid.UUID,
    session: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch = None,
) -> Response:
    measure = measures.get_measure(session, measure_id)
    actor = actor_for(principal, measure.network_id, "La medida")
    phase = measure_phases.get_phase(session, measure, phase_id)
    measure_phases.delete_phase(session, actor, phase, if_match)
    return Response(status_code=204)


@router.get(
    "/{measure_id}/phase-dismissals",
    response_model=Page[PhaseDismissalRead],
    summary="Propuestas de fase descartadas (con su razón)",
)
def list_dismissals(
    measure_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, page: Pagination
) -> Page[PhaseDismissalRead]:
    measure = measures.get_measure(session, measure_id)
    actor_for(principal, measure.network_id, "La medida")
    items, total = measure_phases.list_dismissals(session, measure, page.limit, page.offset)
    return Page.of(items, total, page)


@router.post(
    "/{measure_id}/phase-dismissals",
    response_model=PhaseDismissalRead,
    status_code=201,
    summary="Descartar una propuesta de fase (con una razón)",
    description=WHY_A_PERSON,
)
def dismiss_proposal(
    measure_id: uuid.UUID,
    body: PhaseDismissalCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
) -> PhaseDismissalRead:
    measure = measures.get_measure(session, measure_id)
    actor = actor_for(principal, measure.network_id, "La medida")
    row, created = measure_phases.dismiss(session, actor, measure, body)
    if not created:
        response.status_code = 200
    return row
