"""Aims and driver diagrams: ``/networks/{id}/aims``, ``/aims/{id}``, ``/networks/{id}/driver-diagrams``,
``/driver-diagrams/{id}`` (+ ``/nodes``, ``/publish``, ``/diff``), ``/driver-diagram-nodes/{id}``.

Coordinators and facilitators edit; every member and sibling services read. The network's versions are
listed newest first; ``?status=published`` gives the latest published version first.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from mejora_common.auth import CurrentPrincipal
from mejora_common.pagination import Page, Pagination

from ..db import DbSession
from ..domain.access import Actor
from ..models import DriverDiagram
from ..schemas.planning import (
    AimCreate,
    AimRead,
    AimUpdate,
    DiagramCreate,
    DiagramDiffRead,
    DiagramRead,
    DiagramStatus,
    DiagramSummary,
    DiagramUpdate,
    NodeCreate,
    NodeRead,
    NodeUpdate,
)
from ..service import aims, planning
from ..service.access import actor_for
from ..service.networks import require_network
from .versions import IfMatch, guarded, set_etag, tagged

router = APIRouter(prefix="/api/v1", tags=["meta y diagrama conductor"])


@router.get("/networks/{network_id}/aims", response_model=Page[AimRead], summary="Metas de la red")
def list_aims(
    network_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, page: Pagination
) -> Page[AimRead]:
    actor_for(principal, network_id)
    require_network(session, network_id)
    items, total = aims.list_aims(session, network_id, page.limit, page.offset)
    return Page.of(items, total, page)


@router.post(
    "/networks/{network_id}/aims",
    response_model=AimRead,
    status_code=201,
    responses=tagged(201),
    summary="Definir una meta",
)
def create_aim(
    network_id: uuid.UUID, body: AimCreate, session: DbSession, principal: CurrentPrincipal, response: Response
) -> AimRead:
    actor = actor_for(principal, network_id)
    aim, created = aims.create_aim(session, actor, body)
    if not created:
        response.status_code = 200
    set_etag(response, aim.version)
    return aim


@router.patch("/aims/{aim_id}", response_model=AimRead, responses=guarded(), summary="Editar una meta (If-Match)")
def update_aim(
    aim_id: uuid.UUID,
    body: AimUpdate,
    *,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> AimRead:
    aim = aims.get_aim(session, aim_id)
    actor = actor_for(principal, aim.network_id, "La meta")
    updated = aims.update_aim(session, actor, aim, body, if_match)
    set_etag(response, updated.version)
    return updated


@router.get(
    "/networks/{network_id}/driver-diagrams",
    response_model=Page[DiagramSummary],
    summary="Versiones del diagrama conductor (la más reciente primero)",
)
def list_diagrams(
    network_id: uuid.UUID,
    session: DbSession,
    principal: CurrentPrincipal,
    page: Pagination,
    status: DiagramStatus | None = None,
) -> Page[DiagramSummary]:
    actor_for(principal, network_id)
    require_network(session, network_id)
    items, total = planning.list_diagrams(session, network_id, status, page.limit, page.offset)
    return Page.of(items, total, page)


@router.post(
    "/networks/{network_id}/driver-diagrams",
    response_model=DiagramRead,
    status_code=201,
    responses=tagged(201),
    summary="Nueva versión (vacía o copia de la última)",
)
def create_diagram(
    network_id: uuid.UUID, body: DiagramCreate, session: DbSession, principal: CurrentPrincipal, response: Response
) -> DiagramRead:
    actor = actor_for(principal, network_id)
    diagram, created = planning.create_diagram(session, actor, body)
    if not created:
        response.status_code = 200
    set_etag(response, diagram.revision)
    return planning.diagram_read(session, diagram)


def _diagram(session: DbSession, principal: CurrentPrincipal, diagram_id: uuid.UUID) -> tuple[DriverDiagram, Actor]:
    """The diagram version and the caller in its network (404 for both when not a member)."""
    diagram = planning.get_diagram(session, diagram_id)
    return diagram, actor_for(principal, diagram.network_id, "El diagrama conductor")


def _diagram_answer(session: DbSession, diagram: DriverDiagram, response: Response) -> DiagramRead:
    set_etag(response, diagram.revision)
    return planning.diagram_read(session, diagram)


@router.get(
    "/driver-diagrams/{diagram_id}",
    response_model=DiagramRead,
    responses=tagged(),
    summary="Una versión con su árbol completo",
)
def get_diagram(
    diagram_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, response: Response
) -> DiagramRead:
    diagram, _ = _diagram(session, principal, diagram_id)
    return _diagram_answer(session, diagram, response)


@router.patch(
    "/driver-diagrams/{diagram_id}",
    response_model=DiagramRead,
    responses=guarded(),
    summary="Renombrar un borrador (If-Match)",
)
def rename_diagram(
    diagram_id: uuid.UUID,
    body: DiagramUpdate,
    *,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> DiagramRead:
    diagram, actor = _diagram(session, principal, diagram_id)
    return _diagram_answer(session, planning.rename_diagram(session, actor, diagram, body.title, if_match), response)


@router.post(
    "/driver-diagrams/{diagram_id}/publish",
    response_model=DiagramRead,
    responses=guarded(),
    summary="Publicar (congela la versión; If-Match)",
)
def publish(
    diagram_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, response: Response, if_match: IfMatch = None
) -> DiagramRead:
    diagram, actor = _diagram(session, principal, diagram_id)
    return _diagram_answer(session, planning.publish(session, actor, diagram, if_match), response)


@router.get(
    "/driver-diagrams/{diagram_id}/diff", response_model=DiagramDiffRead, summary="Qué cambió respecto de otra versión"
)
def diff(diagram_id: uuid.UUID, against: uuid.UUID, session: DbSession, principal: CurrentPrincipal) -> DiagramDiffRead:
    diagram, _ = _diagram(session, principal, diagram_id)
    return planning.diff(session, diagram, against)


@router.post(
    "/driver-diagrams/{diagram_id}/nodes",
    response_model=NodeRead,
    status_code=201,
    responses=tagged(201),
    summary="Agregar un nodo al borrador",
)
def add_node(
    diagram_id: uuid.UUID, body: NodeCreate, session: DbSession, principal: CurrentPrincipal, response: Response
) -> NodeRead:
    diagram, actor = _diagram(session, principal, diagram_id)
    node, created = planning.add_node(session, actor, diagram, body)
    if not created:
        response.status_code = 200
    set_etag(response, node.version)
    return node


@router.patch(
    "/driver-diagram-nodes/{node_id}",
    response_model=NodeRead,
    responses=guarded(),
    summary="Editar o mover un nodo del borrador (If-Match)",
)
def update_node(
    node_id: uuid.UUID,
    body: NodeUpdate,
    *,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> NodeRead:
    node, diagram = planning.get_node(session, node_id)
    actor = actor_for(principal, diagram.network_id, "El diagrama conductor")
    updated = planning.update_node(session, actor, diagram, node, body, if_match=if_match)
    set_etag(response, updated.version)
    return updated


@router.delete(
    "/driver-diagram-nodes/{node_id}",
    status_code=204,
    responses=guarded(204),
    summary="Quitar un nodo del borrador (If-Match)",
)
def remove_node(
    node_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, if_match: IfMatch = None
) -> Response:
    node, diagram = planning.get_node(session, node_id)
    actor = actor_for(principal, diagram.network_id, "El diagrama conductor")
    planning.remove_node(session, actor, diagram, node, if_match)
    return Response(status_code=204)
