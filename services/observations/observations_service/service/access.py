"""The caller's membership in a network, and refusals as problems.

The rules themselves (who may see and do what) are in :mod:`observations_service.domain.access`.
"""

from __future__ import annotations

import uuid

from mejora_common.auth import Membership, Principal
from mejora_common.errors import forbidden, not_found

from ..domain.access import RECORDING_ROLES, RELIABILITY_ROLES, may_read_observation, may_write_observation
from ..models import Observation

__all__ = [
    "RECORDING_ROLES",
    "RELIABILITY_ROLES",
    "can_read",
    "can_write",
    "member",
    "require_coordinator",
    "require_member",
    "require_recorder",
]


def member(principal: Principal, network_id: uuid.UUID, what: str = "La red") -> Membership:
    """The caller's membership in the network, or 404 naming ``what``."""
    membership = principal.membership(network_id)
    if membership is None:
        raise not_found(what)
    return membership


def require_member(principal: Principal, network_id: uuid.UUID) -> None:
    """404 unless the caller is a member of the network (sibling services read every network)."""
    if not principal.is_service:
        member(principal, network_id)


def can_read(principal: Principal, observation: Observation) -> bool:
    if principal.is_service:
        return True
    membership = principal.membership(observation.network_id)
    if membership is None:
        return False
    return may_read_observation(
        membership.role,
        membership.person_id,
        observer_id=observation.observer_id,
        teacher_id=observation.teacher_id,
        status=observation.status,
    )


def can_write(principal: Principal, observation: Observation) -> bool:
    membership = principal.membership(observation.network_id)
    if membership is None:
        return False
    return may_write_observation(membership.role, membership.person_id, observer_id=observation.observer_id)


def require_recorder(principal: Principal, network_id: uuid.UUID) -> Membership:
    membership = member(principal, network_id)
    if membership.role not in RECORDING_ROLES:
        raise forbidden("Solo acompañantes, facilitación o coordinación registran observaciones de aula.")
    return membership


def require_coordinator(principal: Principal, network_id: uuid.UUID, action: str) -> Membership | None:
    """A coordinator of the network (or a sibling service when ``action`` is a read)."""
    if principal.is_service and action == "read":
        return None
    membership = member(principal, network_id)
    if membership.role != "coordinator":
        raise forbidden("Solo la coordinación de la red puede hacer esto.")
    return membership
