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

This module only decides, on plain values (pure, no I/O); :mod:`observations_service.service.access`
finds the caller's membership and turns a refusal into the 404 or 403 above.
"""

from __future__ import annotations

import uuid

RECORDING_ROLES = frozenset({"coach", "facilitator", "coordinator"})
RELIABILITY_ROLES = frozenset({"coach", "facilitator", "coordinator"})


def may_read_observation(
    role: str, person_id: uuid.UUID, *, observer_id: uuid.UUID, teacher_id: uuid.UUID, status: str
) -> bool:
    """A member of the observation's network with ``role`` and ``person_id`` may read it."""
    if role == "coordinator" or observer_id == person_id:
        return True
    return teacher_id == person_id and status == "submitted"


def may_write_observation(role: str, person_id: uuid.UUID, *, observer_id: uuid.UUID) -> bool:
    """A member of the observation's network with ``role`` and ``person_id`` may change it."""
    return role == "coordinator" or (role in RECORDING_ROLES and observer_id == person_id)
