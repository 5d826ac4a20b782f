"""The network's PHEA learning log — its memory of what was tried and learnt.

Read **with the caller's token**: the cycles service decides which cycles the caller may see
(a teacher her own, a leader her school's, coordination everything), and the log shows exactly
those. Cycles are grouped by primary and secondary driver and change idea of the current driver
diagram (a change idea of an older version is matched by its stable ``key``); within a change
idea, cycles are chained into ramps by ``previous_cycle_id``, in order.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Callable, Sequence

from mejora_common.errors import not_found

from ..cancellation import Cancellation, all_or_nothing
from ..clients import Siblings
from ..clients import cycles as cycles_client
from ..clients.cycles import Cycle, CycleSummary
from ..domain.diagram import Diagram, DiagramNode, current_diagram
from ..render.fmt import long_date
from ..schemas.cycles_log import CyclesLog, LogChangeIdea, LogCycle, LogDriver, LogQuestion, LogRamp
from .diagram import read_diagram
from .labels import DECISION_LABELS, DECISIONS, STAGE_LABELS

DETAIL_CONCURRENCY = 8
NO_IDEA = "Ciclos sin idea de cambio del diagrama"


def ramps(cycles: Sequence[Cycle]) -> list[list[Cycle]]:
    """Chains of cycles linked by ``previous_cycle_id``; a chain starts where the previous one is not here.

    Chains are ordered by their first cycle's creation, cycles within a chain from first to last.
    """
    by_id = {c.id: c for c in cycles}
    next_of: dict[str, list[Cycle]] = {}
    starts: list[Cycle] = []
    for cycle in cycles:
        previous = cycle.previous_cycle_id or ""
        if previous and previous in by_id:
            next_of.setdefault(previous, []).append(cycle)
        else:
            starts.append(cycle)

    def created(c: Cycle) -> tuple[str, str]:
        return (c.created_at or c.updated_at, c.id)

    out: list[list[Cycle]] = []
    seen: set[str] = set()
    queue = sorted(starts, key=created)
    position = 0
    while position < len(queue):
        start = queue[position]
        position += 1
        if start.id in seen:
            continue
        chain: list[Cycle] = []
        current: Cycle | None = start
        while current is not None and current.id not in seen:
            seen.add(current.id)
            chain.append(current)
            followers = sorted(next_of.get(current.id, []), key=created)
            current = followers[0] if followers else None
            # A branch (two cycles continuing the same one) starts a ramp of its own.
            queue.extend(followers[1:])
        out.append(chain)
    # Cycles left in a loop of previous ids (should not happen) still appear.
    rest = [c for c in cycles if c.id not in seen]
    if rest:
        out.append(sorted(rest, key=created))
    return out


def _entry(cycle: Cycle, school_names: dict[str, str]) -> LogCycle:
    decision = cycle.act_decision
    carried = cycle.do_carried_out_on
    return LogCycle(
        id=cycle.id,
        title=cycle.title,
        school=school_names.get(str(cycle.school_id), "Establecimiento") if cycle.school_id else "Toda la red",
        owner=cycle.owner_name,
        stage=cycle.stage,
        stage_label=STAGE_LABELS.get(cycle.stage, cycle.stage),
        objective=cycle.objective,
        questions=[LogQuestion(text=q.text, prediction=q.prediction, result=q.result) for q in cycle.questions],
        carried_out_on=long_date(carried) if carried else None,
        study_learning=cycle.study_learning,
        act_decision=decision or None,
        decision_label=DECISION_LABELS.get(decision) if decision else None,
        act_next_steps=cycle.act_next_steps,
        updated_label=long_date(cycle.updated_at),
    )


def _key_of(diagrams: Sequence[Diagram]) -> dict[str, str]:
    """The stable key of every change idea id of every version."""
    return {node.id: node.key for d in diagrams for node in d.nodes.values() if node.kind == "change_idea"}


def _latest_by_key(diagrams: Sequence[Diagram]) -> dict[str, DiagramNode]:
    """Each change idea key's node in the newest version that has it."""
    by_key: dict[str, DiagramNode] = {}
    for diagram in sorted(diagrams, key=lambda d: d.version):
        for node in diagram.of_kind("change_idea"):
            by_key[node.key] = node
    return by_key


def _current_drivers(
    current: Diagram, by_key: dict[str, list[Cycle]], idea_entry: Callable[[DiagramNode, list[Cycle]], LogChangeIdea]
) -> tuple[list[LogDriver], set[str]]:
    """The current diagram's primary → secondary drivers that have cycles, and the keys placed under them."""
    drivers: list[LogDriver] = []
    placed: set[str] = set()
    for primary in current.of_kind("primary"):
        for secondary in current.children(primary.id):
            if secondary.kind != "secondary":
                continue
            ideas = [
                idea_entry(n, by_key[n.key])
                for n in current.children(secondary.id)
                if n.kind == "change_idea" and n.key in by_key and n.key not in placed
            ]
            placed.update(i.key for i in ideas if i.key)
            if ideas:
                drivers.append(LogDriver(primary=primary.text, secondary=secondary.text, change_ideas=ideas))
    return drivers, placed


def group_cycles(
    cycles: Sequence[Cycle], diagrams: Sequence[Diagram], current: Diagram | None, school_names: dict[str, str]
) -> list[LogDriver]:
    """Drivers → change ideas → ramps, in the current diagram's order; unmatched cycles last."""
    key_of = _key_of(diagrams)
    current_by_key = {n.key: n for n in current.of_kind("change_idea")} if current is not None else {}
    older_by_key = _latest_by_key(diagrams)

    by_key: dict[str, list[Cycle]] = {}
    loose: list[Cycle] = []
    for cycle in cycles:
        key = key_of.get(cycle.change_idea_id or "")
        if key is None:
            loose.append(cycle)
        else:
            by_key.setdefault(key, []).append(cycle)

    def log_ramps(items: list[Cycle]) -> list[LogRamp]:
        return [LogRamp(cycles=[_entry(c, school_names) for c in chain]) for chain in ramps(items)]

    def idea_entry(node: DiagramNode, items: list[Cycle]) -> LogChangeIdea:
        return LogChangeIdea(key=node.key, text=node.text, tags=node.tags, ramps=log_ramps(items))

    drivers, placed = _current_drivers(current, by_key, idea_entry) if current is not None else ([], set())
    # Ideas no longer in the current version (or not linked to a driver): under their own heading.
    orphans = [
        idea_entry(current_by_key.get(key) or older_by_key[key], items)
        for key, items in by_key.items()
        if key not in placed
    ]
    if orphans:
        drivers.append(
            LogDriver(primary=None, secondary="Ideas de cambio fuera del diagrama vigente", change_ideas=orphans)
        )
    if loose:
        idea = LogChangeIdea(key=None, text=NO_IDEA, tags=[], ramps=log_ramps(loose))
        drivers.append(LogDriver(primary=None, secondary=None, change_ideas=[idea]))
    return drivers


async def build_cycles_log(
    siblings: Siblings, network_id: uuid.UUID, token: str, cancel: Cancellation | None = None
) -> CyclesLog:
    """The log; each sibling read (each page, each cycle's detail) checks ``cancel`` first."""
    network = await cycles_client.network(siblings.cycles, network_id, token, cancel)
    if network is None:
        raise not_found("La red")
    async with all_or_nothing() as group:
        summaries_read = group.create_task(cycles_client.cycles_of(siblings.cycles, network_id, token, cancel))
        versions_read = group.create_task(cycles_client.driver_diagrams(siblings.cycles, network_id, token, cancel))
        schools_read = group.create_task(cycles_client.schools(siblings.cycles, network_id, token, cancel))
    summaries, versions, schools = summaries_read.result(), versions_read.result(), schools_read.result()
    gate = asyncio.Semaphore(DETAIL_CONCURRENCY)

    async def detailed(summary: CycleSummary) -> Cycle:
        # The list has summaries only: what was learnt and decided is in each cycle's own answer.
        async with gate:
            full = await cycles_client.cycle(siblings.cycles, summary.id, token, cancel)
        return full or Cycle.from_summary(summary)

    async with all_or_nothing() as group:
        reads = [group.create_task(detailed(c)) for c in summaries]
    cycles = [read.result() for read in reads]
    diagrams = [read_diagram(v) for v in versions]
    current = current_diagram(diagrams)
    school_names = {str(s.id): s.name or "Establecimiento" for s in schools}
    decisions = Counter(c.act_decision for c in cycles if c.act_decision)
    return CyclesLog(
        network_id=network_id,
        network_name=network.name,
        diagram_title=current.title if current else None,
        total_cycles=len(cycles),
        by_decision={d: decisions.get(d, 0) for d in DECISIONS},
        drivers=group_cycles(cycles, diagrams, current, school_names),
    )
