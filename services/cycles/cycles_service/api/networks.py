"""``/api/v1/networks``: the caller's networks."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from mejora_common.auth import CurrentPrincipal, accepts_integrations
from mejora_common.pagination import Page, Pagination

from ..db import DbSession
from ..schemas import NetworkRead
from ..service import networks

router = APIRouter(prefix="/api/v1/networks", tags=["redes"])


@router.get("", response_model=Page[NetworkRead], summary="Las redes de quien consulta")
@accepts_integrations  # an integration client sees its own network (any scope)
def list_networks(session: DbSession, principal: CurrentPrincipal, page: Pagination) -> Page[NetworkRead]:
    items, total = networks.list_networks(session, principal, page.limit, page.offset)
    return Page.of(items, total, page)


@router.get("/{network_id}", response_model=NetworkRead, summary="Una red (solo sus miembros)")
@accepts_integrations  # its own network (any scope); the reports service reads the name with the caller's token
def get_network(network_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal) -> NetworkRead:
    return networks.get_network(session, principal, network_id)
