"""Calendar and barriers: ``/networks/{id}/events``, ``/events/{id}``, ``/networks/{id}/calendar``,
``/networks/{id}/barriers``, ``/barriers/{id}``. Rules: :mod:`cycles_service.domain.access`."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from mejora_common.auth import CurrentPrincipal
from mejora_common.pagination import Page, Pagination

from ..db import DbSession
from ..schemas.calendar import (
    BarrierCreate,
    BarrierLevel,
    BarrierRead,
    BarrierStatus,
    BarrierUpdate,
    EventCreate,
    EventKind,
    EventRead,
    EventUpdate,
    YearPlanRead,
)
from ..service import calendar
from ..service.access import actor_for
from ..service.networks import require_network
from .versions import IfMatch, guarded, set_etag, tagged

router = APIRouter(prefix="/api/v1", tags=["calendario y barreras"])

Year = Annotated[int, Query(ge=2000, le=2100)]


ALREADY_CREATED = "Ya existía: un reintento con el `id` elegido por el cliente"


@router.get("/networks/{network_id}/events", response_model=Page[EventRead], summary="Eventos de la red")
def list_events(
    network_id: uuid.UUID,
    session: DbSession,
    principal: CurrentPrincipal,
    page: Pagination,
    *,
    kind: EventKind | None = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    school_id: uuid.UUID | None = None,
) -> Page[EventRead]:
    actor_for(principal, network_id)
    require_network(session, network_id)
    items, total = calendar.list_events(
        session, network_id, kind=kind, year=year, school_id=school_id, limit=page.limit, offset=page.offset
    )
    return Page.of(items, total, page)


@router.post(
    "/networks/{network_id}/events",
    response_model=EventRead,
    status_code=201,
    responses={**tagged(201), 200: {**tagged()[200], "model": EventRead, "description": ALREADY_CREATED}},
    summary="Programar un evento",
)
def create_event(
    network_id: uuid.UUID, body: EventCreate, session: DbSession, principal: CurrentPrincipal, response: Response
) -> EventRead:
    actor = actor_for(principal, network_id)
    event, created = calendar.create_event(session, actor, body)
    if not created:
        response.status_code = 200
    set_etag(response, event.version)
    return event


@router.get("/events/{event_id}", response_model=EventRead, responses=tagged(), summary="Un evento")
def get_event(event_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, response: Response) -> EventRead:
    event = calendar.get_event(session, event_id)
    actor_for(principal, event.network_id, "El evento")
    set_etag(response, event.version)
    return calendar.event_read(event)


@router.patch(
    "/events/{event_id}",
    response_model=EventRead,
    responses=guarded(),
    summary="Editar un evento (agenda, asistencia, acuerdos; If-Match)",
)
def update_event(
    event_id: uuid.UUID,
    body: EventUpdate,
    *,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> EventRead:
    event = calendar.get_event(session, event_id)
    actor = actor_for(principal, event.network_id, "El evento")
    updated = calendar.update_event(session, actor, event, body, if_match)
    set_etag(response, updated.version)
    return updated


@router.get("/networks/{network_id}/calendar", response_model=YearPlanRead, summary="Plan del año: eventos por mes")
def year_plan(network_id: uuid.UUID, year: Year, session: DbSession, principal: CurrentPrincipal) -> YearPlanRead:
    actor_for(principal, network_id)
    require_network(session, network_id)
    return calendar.calendar(session, network_id, year)


@router.get("/networks/{network_id}/barriers", response_model=Page[BarrierRead], summary="Barreras de la red")
def list_barriers(
    network_id: uuid.UUID,
    session: DbSession,
    principal: CurrentPrincipal,
    page: Pagination,
    *,
    status: BarrierStatus | None = None,
    level: BarrierLevel | None = None,
    school_id: uuid.UUID | None = None,
    event_id: uuid.UUID | None = None,
) -> Page[BarrierRead]:
    actor = actor_for(principal, network_id)
    require_network(session, network_id)
    items, total = calendar.list_barriers(
        session,
        actor,
        status=status,
        level=level,
        school_id=school_id,
        event_id=event_id,
        limit=page.limit,
        offset=page.offset,
    )
    return Page.of(items, total, page)


@router.post(
    "/networks/{network_id}/barriers",
    response_model=BarrierRead,
    status_code=201,
    responses={**tagged(201), 200: {**tagged()[200], "model": BarrierRead, "description": ALREADY_CREATED}},
    summary="Registrar una barrera",
)
def create_barrier(
    network_id: uuid.UUID, body: BarrierCreate, session: DbSession, principal: CurrentPrincipal, response: Response
) -> BarrierRead:
    actor = actor_for(principal, network_id)
    barrier, created = calendar.create_barrier(session, actor, body)
    if not created:
        response.status_code = 200
    set_etag(response, barrier.version)
    return barrier


@router.get("/barriers/{barrier_id}", response_model=BarrierRead, responses=tagged(), summary="Una barrera")
def get_barrier(
    barrier_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, response: Response
) -> BarrierRead:
    barrier = calendar.find_barrier(session, barrier_id)
    actor = actor_for(principal, barrier.network_id, "La barrera")
    read = calendar.barrier_read(calendar.get_barrier(session, actor, barrier_id))
    set_etag(response, read.version)
    return read


@router.patch(
    "/barriers/{barrier_id}",
    response_model=BarrierRead,
    responses=guarded(),
    summary="Editar una barrera (estado, resolución; If-Match)",
)
def update_barrier(
    barrier_id: uuid.UUID,
    body: BarrierUpdate,
    *,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> BarrierRead:
    barrier = calendar.find_barrier(session, barrier_id)
    actor = actor_for(principal, barrier.network_id, "La barrera")
    updated = calendar.update_barrier(session, actor, calendar.get_barrier(session, actor, barrier_id), body, if_match)
    set_etag(response, updated.version)
    return updated
