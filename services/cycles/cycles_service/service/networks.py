"""Networks as their members see them."""

from __future__ import annotations

import uuid

from sqlalchemy import func
from sqlmodel import Session, col, select

from mejora_common.auth import Principal
from mejora_common.errors import not_found
from mejora_common.pagination import paginate

from ..models import Network, Person, School
from ..schemas import NetworkRead


def require_network(session: Session, network_id: uuid.UUID) -> Network:
    """The network (404 when it does not exist; membership is checked by ``actor_for``)."""
    network = session.get(Network, network_id)
    if network is None:
        raise not_found("La red")
    return network


def _read(session: Session, network: Network, my_role: str) -> NetworkRead:
    schools = session.exec(select(func.count()).select_from(School).where(School.network_id == network.id)).one()
    people = session.exec(select(func.count()).select_from(Person).where(Person.network_id == network.id)).one()
    return NetworkRead(
        id=network.id,
        name=network.name,
        slep=network.slep,
        description=network.description,
        created_at=network.created_at,
        my_role=my_role,
        school_count=schools,
        people_count=people,
    )


def list_networks(session: Session, principal: Principal, limit: int, offset: int) -> tuple[list[NetworkRead], int]:
    roles = {m.network_id: m.role for m in principal.memberships}
    if not roles:
        return [], 0
    query = select(Network).where(col(Network.id).in_(list(roles)))
    networks, total = paginate(session, query, limit, offset, col(Network.name), col(Network.id))
    return [_read(session, n, roles[n.id]) for n in networks], total


def get_network(session: Session, principal: Principal, network_id: uuid.UUID) -> NetworkRead:
    # Sibling services (reports) read any network with a service token.
    role = principal.role if principal.is_service else principal.role_in(network_id)
    network = session.get(Network, network_id) if role else None
    if network is None or role is None:
        raise not_found("La red")
    return _read(session, network, role)
