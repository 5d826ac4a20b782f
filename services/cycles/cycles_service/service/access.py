"""The caller's :class:`~cycles_service.domain.access.Actor` in a network, and refusals as problems.

The rules themselves (who may read and change what) are in :mod:`cycles_service.domain.access`.
"""

from __future__ import annotations

import uuid

from mejora_common.auth import Principal, missing_scope
from mejora_common.errors import forbidden, not_found

from ..domain.access import SERVICE, Actor


def require(actor: Actor, allowed: bool, detail: str) -> None:
    """403 with ``detail`` unless ``allowed`` (a service, which only reads, is told so instead)."""
    if not allowed:
        if actor.is_service:
            raise forbidden("Un servicio solo puede leer datos de la red.")
        raise forbidden(detail)


def actor_for(principal: Principal, network_id: uuid.UUID, what: str = "La red", *, scope: str | None = None) -> Actor:
    """The caller in ``network_id``; 404 naming ``what`` when not a member (services read every network).

    An integration client of the network also needs ``scope`` (403 naming it otherwise); ``scope=None``
    refuses integration clients altogether.
    """
    if principal.is_service:
        return Actor(network_id, SERVICE, None, None, principal.name)
    membership = principal.membership(network_id)
    if membership is None:
        raise not_found(what)
    if principal.is_integration:
        if scope is None:
            raise forbidden("Este recurso no está disponible para integraciones (clientes de API).")
        if not principal.has_scope(scope):
            raise missing_scope(scope)
    return Actor(
        network_id,
        membership.role,
        membership.person_id,
        membership.school_id,
        principal.name,
        frozenset(principal.scopes),
    )
