"""Integration clients of a network: ``/networks/{id}/integrations`` and ``/integrations/{id}``.

Only the network's coordinators manage them (docs/architecture.md, "Users and roles":
"integration — a SLEP system (API key)").
The secret is shown once, in the answer to the create; a revoked client's secret stops working at once.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from mejora_common.auth import CurrentPrincipal
from mejora_common.pagination import Page, Pagination

from ..db import DbSession
from ..schemas.integrations import IntegrationCreate, IntegrationCreated, IntegrationRead
from ..service import integrations
from ..service.access import actor_for
from .versions import IfMatch, guarded, set_etag, tagged

router = APIRouter(prefix="/api/v1", tags=["integraciones"])


@router.get(
    "/networks/{network_id}/integrations",
    response_model=Page[IntegrationRead],
    summary="Integraciones (clientes de API) de la red",
)
def list_integrations(
    network_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, page: Pagination
) -> Page[IntegrationRead]:
    actor = actor_for(principal, network_id)
    items, total = integrations.list_clients(session, actor, page.limit, page.offset)
    return Page.of(items, total, page)


@router.post(
    "/networks/{network_id}/integrations",
    response_model=IntegrationCreated,
    status_code=201,
    responses=tagged(201),
    summary="Crear una integración (el secreto se muestra solo en esta respuesta)",
)
def create_integration(
    network_id: uuid.UUID, body: IntegrationCreate, session: DbSession, principal: CurrentPrincipal, response: Response
) -> IntegrationCreated:
    actor = actor_for(principal, network_id)
    created, new = integrations.create_client(session, actor, body, principal.account_id)
    if not new:
        response.status_code = 200
    set_etag(response, created.version)
    return created


@router.delete(
    "/integrations/{integration_id}",
    status_code=204,
    responses=guarded(204),
    summary="Revocar una integración (su secreto deja de servir de inmediato; If-Match)",
)
def revoke_integration(
    integration_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, if_match: IfMatch = None
) -> Response:
    client = integrations.get_client(session, integration_id)
    actor = actor_for(principal, client.network_id, "La integración")
    integrations.revoke_client(session, actor, client, if_match)
    return Response(status_code=204)
