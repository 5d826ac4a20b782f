"""What reports reads from the cycles service (networks, schools, people, measures, events, aims, driver
diagrams, PHEA cycles), typed as the cycles service sends it (``services/cycles/openapi.json``).

Identifiers reports only passes on or compares (events, aims, diagrams, diagram nodes, cycles) are read as
strings; dates and times it shows as received are strings too (formatted by ``render.fmt``).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pydantic import Field

from mejora_common.service_client import ServiceClient

from ..cancellation import Cancellation
from .base import Call, Page, Read, get_every_page, get_one


class Network(Read):
    id: uuid.UUID
    name: str


class School(Read):
    id: uuid.UUID
    name: str
    rbd: int


class Person(Read):
    id: uuid.UUID
    name: str


class Measure(Read):
    id: uuid.UUID
    network_id: uuid.UUID
    name: str
    kind: str
    unit: str
    value_type: str
    direction: str
    frequency: str
    run_rules: str = "anhoj"


class MeasurePhase(Read):
    """A phase a person confirmed: from ``start_period`` on, the charts have a new centre line."""

    id: str
    start_period: date
    reason: str
    baseline_points: int | None
    proposed: bool
    confirmed_by_name: str
    confirmed_at: str


class PhaseDismissal(Read):
    """A proposed phase a person dismissed, with the reason."""

    start_period: date
    reason: str
    dismissed_by_name: str
    dismissed_at: str


class MeasurePoint(Read):
    period: date
    value: float
    numerator: float | None
    denominator: float | None
    school_id: uuid.UUID | None
    note: str


class Event(Read):
    id: str
    title: str
    starts_at: str


class Aim(Read):
    focus_domain: str | None
    created_at: str
    updated_at: str


class DiagramSummary(Read):
    id: str


class TreeNode(Read):
    """A node of a diagram's ``tree`` (the cycles service declares ``tree`` as a free-form object)."""

    id: str
    key: str
    kind: str
    text: str
    tags: list[str] = Field(default_factory=list)
    order: int = 0
    parent_ids: list[str] = Field(default_factory=list)
    children: list[TreeNode] = Field(default_factory=list)


class DiagramTree(Read):
    """``{"aim": node, "unlinked": [nodes]}`` (cycles_service.domain.driver_diagram.build_tree)."""

    aim: TreeNode | None = None
    unlinked: list[TreeNode] = Field(default_factory=list)


class ChangeIdea(Read):
    id: str
    key: str
    text: str
    tags: list[str]
    parent_ids: list[str]


class DiagramVersion(Read):
    id: str
    version: int
    status: str
    title: str
    tree: dict[str, Any]
    change_ideas: list[ChangeIdea]

    def nodes(self) -> DiagramTree:
        """The ``tree`` read as nodes (its shape is not in the producer's schema, so it is checked here)."""
        return DiagramTree.model_validate(self.tree)


class Question(Read):
    text: str
    prediction: str
    result: str


class CycleSummary(Read):
    id: str
    school_id: uuid.UUID | None
    change_idea_id: str | None
    previous_cycle_id: str | None
    owner_name: str
    title: str
    stage: str
    objective: str
    questions: list[Question]
    act_decision: str | None
    updated_at: str


class Cycle(CycleSummary):
    """A cycle's own answer: the summary plus what was done, learnt and decided."""

    do_carried_out_on: str | None
    study_learning: str
    act_next_steps: str
    created_at: str

    @classmethod
    def from_summary(cls, summary: CycleSummary) -> Cycle:
        """A cycle whose own answer is missing (deleted meanwhile): what its summary says, nothing more."""
        return cls(**summary.model_dump(), do_carried_out_on=None, study_learning="", act_next_steps="", created_at="")


NETWORK = Call("network", "/api/v1/networks/{network_id}", Network)
NETWORK_SCHOOLS = Call("schools", "/api/v1/networks/{network_id}/schools", Page[School])
SCHOOL = Call("school", "/api/v1/schools/{school_id}", School)
PERSON = Call("person", "/api/v1/people/{person_id}", Person)
MEASURE = Call("measure", "/api/v1/measures/{measure_id}", Measure)
MEASURE_POINTS = Call("measure_points", "/api/v1/measures/{measure_id}/points", Page[MeasurePoint])
MEASURE_PHASES = Call("measure_phases", "/api/v1/measures/{measure_id}/phases", Page[MeasurePhase])
PHASE_DISMISSALS = Call("phase_dismissals", "/api/v1/measures/{measure_id}/phase-dismissals", Page[PhaseDismissal])
EVENTS = Call("events", "/api/v1/networks/{network_id}/events", Page[Event])
AIMS = Call("aims", "/api/v1/networks/{network_id}/aims", Page[Aim])
DIAGRAMS = Call("driver_diagrams", "/api/v1/networks/{network_id}/driver-diagrams", Page[DiagramSummary])
DIAGRAM = Call("driver_diagrams", "/api/v1/driver-diagrams/{diagram_id}", DiagramVersion)
CYCLES = Call("cycles_of", "/api/v1/cycles", Page[CycleSummary])
CYCLE = Call("cycle", "/api/v1/cycles/{cycle_id}", Cycle)

#: Every cycles endpoint reports reads (checked against the producer by tests/test_client_contracts.py).
CALLS: list[Call[Any]] = [
    NETWORK,
    NETWORK_SCHOOLS,
    SCHOOL,
    PERSON,
    MEASURE,
    MEASURE_POINTS,
    MEASURE_PHASES,
    PHASE_DISMISSALS,
    EVENTS,
    AIMS,
    DIAGRAMS,
    DIAGRAM,
    CYCLES,
    CYCLE,
]


async def network(
    client: ServiceClient, network_id: uuid.UUID, token: str, cancel: Cancellation | None = None
) -> Network | None:
    return await get_one(client, NETWORK, token, cancel=cancel, network_id=network_id)


async def schools(
    client: ServiceClient, network_id: uuid.UUID, token: str, cancel: Cancellation | None = None
) -> list[School]:
    return await get_every_page(client, NETWORK_SCHOOLS, token, cancel=cancel, network_id=network_id) or []


async def school(
    client: ServiceClient, school_id: uuid.UUID, token: str, cancel: Cancellation | None = None
) -> School | None:
    return await get_one(client, SCHOOL, token, cancel=cancel, school_id=school_id)


async def person(
    client: ServiceClient, person_id: uuid.UUID, token: str, cancel: Cancellation | None = None
) -> Person | None:
    return await get_one(client, PERSON, token, cancel=cancel, person_id=person_id)


async def measure(
    client: ServiceClient, measure_id: uuid.UUID, token: str, cancel: Cancellation | None = None
) -> Measure | None:
    return await get_one(client, MEASURE, token, cancel=cancel, measure_id=measure_id)


async def measure_points(
    client: ServiceClient, measure_id: uuid.UUID, token: str, cancel: Cancellation | None = None
) -> list[MeasurePoint]:
    return await get_every_page(client, MEASURE_POINTS, token, cancel=cancel, measure_id=measure_id) or []


async def measure_phases(
    client: ServiceClient, measure_id: uuid.UUID, token: str, cancel: Cancellation | None = None
) -> list[MeasurePhase]:
    return await get_every_page(client, MEASURE_PHASES, token, cancel=cancel, measure_id=measure_id) or []


async def phase_dismissals(
    client: ServiceClient, measure_id: uuid.UUID, token: str, cancel: Cancellation | None = None
) -> list[PhaseDismissal]:
    return await get_every_page(client, PHASE_DISMISSALS, token, cancel=cancel, measure_id=measure_id) or []


async def events(
    client: ServiceClient,
    network_id: uuid.UUID,
    token: str,
    kind: str | None = None,
    cancel: Cancellation | None = None,
) -> list[Event]:
    params = {"kind": kind} if kind else None
    return await get_every_page(client, EVENTS, token, cancel=cancel, params=params, network_id=network_id) or []


async def aims(
    client: ServiceClient, network_id: uuid.UUID, token: str, cancel: Cancellation | None = None
) -> list[Aim]:
    return await get_every_page(client, AIMS, token, cancel=cancel, network_id=network_id) or []


async def driver_diagrams(
    client: ServiceClient, network_id: uuid.UUID, token: str, cancel: Cancellation | None = None
) -> list[DiagramVersion]:
    """Every version of the network's driver diagram, each with its tree (the list has summaries only)."""
    summaries = await get_every_page(client, DIAGRAMS, token, cancel=cancel, network_id=network_id) or []
    out: list[DiagramVersion] = []
    for summary in summaries:
        full = await get_one(client, DIAGRAM, token, cancel=cancel, diagram_id=summary.id)
        if full is not None:
            out.append(full)
    return out


async def cycles_of(
    client: ServiceClient, network_id: uuid.UUID, token: str, cancel: Cancellation | None = None
) -> list[CycleSummary]:
    return await get_every_page(client, CYCLES, token, cancel=cancel, params={"network_id": str(network_id)}) or []


async def cycle(client: ServiceClient, cycle_id: str, token: str, cancel: Cancellation | None = None) -> Cycle | None:
    return await get_one(client, CYCLE, token, cancel=cancel, cycle_id=cycle_id)
