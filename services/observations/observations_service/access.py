"""Who may see and do what with observations (docs/architecture.md, "Users and roles").

* Individual observations and scores are formative and private. They are read by
  the **observed teacher** (once submitted: a draft is the observer's working
  copy), the **observer** (whoever recorded it: a coach, or a facilitator or
  coordinator who observed) and the network's **coordinators**. Everyone else in
  the network — school leaders, other teachers, facilitators who did not observe,
  other coaches — gets 404, as does anyone outside the network.
* Facilitators see aggregates only (reliability tables, network results in the
  reports service), never another observer's individual observation.
* Observations are recorded by coaches, facilitators ("may observe") and
  coordinators; a draft is replaced, submitted or amended by its observer or a
  coordinator.
* Sibling services (``principal.is_service``, e.g. reports computing aggregates
  and feedback) read every observation of any network; they apply the user's
  rules to what they show.
* Instruments: the shipped ones are read by everyone; a network's own
  instruments by its members; coordinators create and edit them.
* Reliability: coordinators and facilitators see every observer of their network;
  a coach sees the pairs they took part in.
"""

from __future__ import annotations

import uuid

from mejora_common.auth import Membership, Principal
from mejora_common.errors import ProblemError, not_found

from .models import Observation

RECORDING_ROLES = frozenset({"coach", "facilitator", "coordinator"})
RELIABILITY_ROLES = frozenset({"coach", "facilitator", "coordinator"})


def member(principal: Principal, network_id: uuid.UUID, what: str = "La red") -> Membership:
    """The caller's membership in the network, or 404 naming ``what``."""
    membership = principal.membership(network_id)
    if membership is None:
        raise not_found(what)
    return membership


def forbidden(detail: str) -> ProblemError:
    return ProblemError(403, "forbidden", detail)


def can_read(principal: Principal, observation: Observation) -> bool:
    if principal.is_service:
        return True
    membership = principal.membership(observation.network_id)
    if membership is None:
        return False
    if membership.role == "coordinator" or observation.observer_id == membership.person_id:
        return True
    return observation.teacher_id == membership.person_id and observation.status == "submitted"


def can_write(principal: Principal, observation: Observation) -> bool:
    membership = principal.membership(observation.network_id)
    if membership is None:
        return False
    return membership.role == "coordinator" or (
        membership.role in RECORDING_ROLES and observation.observer_id == membership.person_id
    )


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
