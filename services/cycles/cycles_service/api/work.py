"""PHEA cycles: ``/cycles``, ``/cycles/{id}``, ``advance``, ``reopen``, ``next``, ``ramp``.

``GET`` answers an ``ETag`` (the cycle's ``revision``); ``PATCH``, ``advance``, ``reopen`` and ``next`` require
``If-Match`` (428 without it, 412 when someone else saved meanwhile). Rules: :mod:`cycles_service.domain.access`.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from mejora_common.auth import CurrentPrincipal
from mejora_common.pagination import Page, Pagination

from ..db import DbSession
from ..domain.access import Actor
from ..models import Cycle
from ..schemas.work import (
    CycleCreate,
    CycleRead,
    CycleSummary,
    CycleUpdate,
    NextCycleRequest,
    Ramp,
    ReopenRequest,
    StageCode,
)
from ..service import work, work_reads
from ..service.access import actor_for
from .versions import IfMatch, guarded, tagged

router = APIRouter(prefix="/api/v1/cycles", tags=["ciclos PHEA"])


def _answer(session: DbSession, cycle: Cycle, response: Response) -> CycleRead:
    response.headers["ETag"] = work_reads.etag(cycle)
    return work_reads.cycle_read(session, cycle)


def _actor(principal: CurrentPrincipal, cycle: Cycle) -> Actor:
    actor = actor_for(principal, cycle.network_id, "El ciclo")
    work_reads.require_readable(actor, cycle)
    return actor


@router.get("", response_model=Page[CycleSummary], summary="Ciclos PHEA visibles para quien consulta")
def list_cycles(
    session: DbSession,
    principal: CurrentPrincipal,
    page: Pagination,
    *,
    network_id: uuid.UUID | None = None,
    school_id: uuid.UUID | None = None,
    change_idea_id: uuid.UUID | None = None,
    stage: StageCode | None = None,
    owner_id: uuid.UUID | None = None,
    previous_cycle_id: Annotated[uuid.UUID | None, Query(description="Ciclos que continúan a este")] = None,
) -> Page[CycleSummary]:
    items, total = work_reads.list_cycles(
        session,
        work_reads.listing_actors(principal, network_id),
        school_id=school_id,
        change_idea_id=change_idea_id,
        stage=stage,
        owner_id=owner_id,
        previous_cycle_id=previous_cycle_id,
        limit=page.limit,
        offset=page.offset,
    )
    return Page.of(items, total, page)


@router.post(
    "",
    response_model=CycleRead,
    status_code=201,
    responses=tagged(201),
    summary="Crear un ciclo (empieza en Planificar)",
)
def create_cycle(body: CycleCreate, session: DbSession, principal: CurrentPrincipal, response: Response) -> CycleRead:
    actor = actor_for(principal, body.network_id)
    cycle, created = work.create_cycle(session, actor, body)
    if not created:
        response.status_code = 200
    response.headers["Location"] = f"/api/v1/cycles/{cycle.id}"
    return _answer(session, cycle, response)


@router.get("/{cycle_id}", response_model=CycleRead, responses=tagged(), summary="Un ciclo, con ETag")
def get_cycle(cycle_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, response: Response) -> CycleRead:
    cycle = work_reads.get_cycle(session, cycle_id)
    _actor(principal, cycle)
    return _answer(session, cycle, response)


@router.patch(
    "/{cycle_id}",
    response_model=CycleRead,
    summary="Editar un ciclo (requiere If-Match)",
    responses=guarded(),
)
def update_cycle(
    cycle_id: uuid.UUID,
    body: CycleUpdate,
    *,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> CycleRead:
    cycle = work_reads.get_cycle(session, cycle_id)
    actor = _actor(principal, cycle)
    return _answer(session, work.update_cycle(session, actor, cycle, body, if_match), response)


@router.post(
    "/{cycle_id}/advance",
    response_model=CycleRead,
    responses=guarded(),
    summary="Pasar a la etapa siguiente (422 con lo que falta; requiere If-Match)",
)
def advance(
    cycle_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, response: Response, if_match: IfMatch = None
) -> CycleRead:
    cycle = work_reads.get_cycle(session, cycle_id)
    actor = _actor(principal, cycle)
    return _answer(session, work.advance(session, actor, cycle, if_match), response)


@router.post(
    "/{cycle_id}/reopen",
    response_model=CycleRead,
    responses=guarded(),
    summary="Reabrir en una etapa anterior (queda en el historial; requiere If-Match)",
)
def reopen(
    cycle_id: uuid.UUID,
    body: ReopenRequest,
    *,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> CycleRead:
    cycle = work_reads.get_cycle(session, cycle_id)
    actor = _actor(principal, cycle)
    return _answer(session, work.reopen(session, actor, cycle, body, if_match), response)


@router.post(
    "/{cycle_id}/next",
    response_model=CycleRead,
    status_code=201,
    responses=guarded(201),
    summary="Iniciar el ciclo siguiente (misma idea; If-Match del ciclo que continúa)",
)
def start_next(
    cycle_id: uuid.UUID,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
    body: NextCycleRequest | None = None,
    *,
    if_match: IfMatch = None,
) -> CycleRead:
    cycle = work_reads.get_cycle(session, cycle_id)
    actor = _actor(principal, cycle)
    new, created = work.start_next(session, actor, cycle, body or NextCycleRequest(), if_match)
    if not created:
        response.status_code = 200
    return _answer(session, new, response)


@router.get("/{cycle_id}/ramp", response_model=Ramp, summary="La rampa: la cadena de ciclos de esta idea de cambio")
def ramp(cycle_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal) -> Ramp:
    cycle = work_reads.get_cycle(session, cycle_id)
    actor = _actor(principal, cycle)
    return work_reads.ramp(session, actor, cycle)
