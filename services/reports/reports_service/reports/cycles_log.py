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
from collections.abc import Sequence

from ..render.fmt import long_date
from ..schemas.cycles_log import CyclesLog, LogChangeIdea, LogCycle, LogDriver, LogQuestion, LogRamp
from ..sources import JSON, Sources
from .diagram import Diagram, DiagramNode, current_diagram, parse_diagram
from .labels import DECISION_LABELS, DECISIONS, STAGE_LABELS

DETAIL_CONCURRENCY = 8
DETAIL_FIELDS = ("study_learning", "act_next_steps", "do_carried_out_on")
NO_IDEA = "Ciclos sin idea de cambio del diagrama"


def ramps(cycles: Sequence[JSON]) -> list[list[JSON]]:
    """Chains of cycles linked by ``previous_cycle_id``; a chain starts where the previous one is not here.

    Chains are ordered by their first cycle's creation, cycles within a chain from first to last.
    """
    by_id = {str(c["id"]): c for c in cycles}
    next_of: dict[str, list[JSON]] = {}
    starts: list[JSON] = []
    for cycle in cycles:
        previous = str(cycle.get("previous_cycle_id") or "")
        if previous and previous in by_id:
            next_of.setdefault(previous, []).append(cycle)
        else:
            starts.append(cycle)

    def created(c: JSON) -> tuple[str, str]:
        return (str(c.get("created_at") or c.get("updated_at") or ""), str(c["id"]))

    out: list[list[JSON]] = []
    seen: set[str] = set()
    queue = sorted(starts, key=created)
    position = 0
    while position < len(queue):
        start = queue[position]
        position += 1
        if str(start["id"]) in seen:
            continue
        chain: list[JSON] = []
        current: JSON | None = start
        while current is not None and str(current["id"]) not in seen:
            seen.add(str(current["id"]))
            chain.append(current)
            followers = sorted(next_of.get(str(current["id"]), []), key=created)
            current = followers[0] if followers else None
            # A branch (two cycles continuing the same one) starts a ramp of its own.
            queue.extend(followers[1:])
        out.append(chain)
    # Cycles left in a loop of previous ids (should not happen) still appear.
    rest = [c for c in cycles if str(c["id"]) not in seen]
    if rest:
        out.append(sorted(rest, key=created))
    return out


def _entry(cycle: JSON, school_names: dict[str, str]) -> LogCycle:
    decision = cycle.get("act_decision")
    carried = cycle.get("do_carried_out_on")
    return LogCycle(
        id=str(cycle["id"]),
        title=str(cycle.get("title", "")),
        school=school_names.get(str(cycle.get("school_id")), "Establecimiento")
        if cycle.get("school_id")
        else "Toda la red",
        owner=str(cycle.get("owner_name") or ""),
        stage=str(cycle.get("stage", "")),
        stage_label=STAGE_LABELS.get(str(cycle.get("stage")), str(cycle.get("stage", ""))),
        objective=str(cycle.get("objective") or ""),
        questions=[
            LogQuestion(
                text=str(q.get("text") or ""),
                prediction=str(q.get("prediction") or ""),
                result=str(q.get("result") or ""),
            )
            for q in cycle.get("questions") or []
        ],
        carried_out_on=long_date(carried) if carried else None,
        study_learning=str(cycle.get("study_learning") or ""),
        act_decision=str(decision) if decision else None,
        decision_label=DECISION_LABELS.get(str(decision)) if decision else None,
        act_next_steps=str(cycle.get("act_next_steps") or ""),
        updated_label=long_date(cycle.get("updated_at")),
    )


def group_cycles(
    cycles: Sequence[JSON], diagrams: Sequence[Diagram], current: Diagram | None, school_names: dict[str, str]
) -> list[LogDriver]:
    """Drivers → change ideas → ramps, in the current diagram's order; unmatched cycles last."""
    key_of: dict[str, str] = {}
    for diagram in diagrams:
        for node in diagram.nodes.values():
            if node.kind == "change_idea":
                key_of[node.id] = node.key
    current_by_key: dict[str, DiagramNode] = {}
    if current is not None:
        current_by_key = {n.key: n for n in current.of_kind("change_idea")}
    older_by_key: dict[str, DiagramNode] = {}
    for diagram in sorted(diagrams, key=lambda d: d.version):
        for node in diagram.of_kind("change_idea"):
            older_by_key[node.key] = node

    by_key: dict[str, list[JSON]] = {}
    loose: list[JSON] = []
    for cycle in cycles:
        idea = str(cycle.get("change_idea_id") or "")
        key = key_of.get(idea)
        if key is None:
            loose.append(cycle)
        else:
            by_key.setdefault(key, []).append(cycle)

    def idea_entry(node: DiagramNode, items: list[JSON]) -> LogChangeIdea:
        return LogChangeIdea(
            key=node.key,
            text=node.text,
            tags=node.tags,
            ramps=[LogRamp(cycles=[_entry(c, school_names) for c in chain]) for chain in ramps(items)],
        )

    drivers: list[LogDriver] = []
    placed: set[str] = set()
    if current is not None:
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
        drivers.append(
            LogDriver(
                primary=None,
                secondary=None,
                change_ideas=[
                    LogChangeIdea(
                        key=None,
                        text=NO_IDEA,
                        tags=[],
                        ramps=[LogRamp(cycles=[_entry(c, school_names) for c in chain]) for chain in ramps(loose)],
                    )
                ],
            )
        )
    return drivers


async def build_cycles_log(sources: Sources, network_id: uuid.UUID, token: str) -> CyclesLog:
    network = await sources.network(network_id, token)
    cycles, raw_diagrams, schools = await asyncio.gather(
        sources.cycles_of(network_id, token),
        sources.driver_diagrams(network_id, token),
        sources.schools(network_id, token),
    )
    gate = asyncio.Semaphore(DETAIL_CONCURRENCY)

    async def detailed(cycle: JSON) -> JSON:
        if all(f in cycle for f in DETAIL_FIELDS):
            return cycle
        async with gate:
            full = await sources.get(sources.cycles, f"/api/v1/cycles/{cycle['id']}", token)
        return {**cycle, **(full or {})}

    cycles = list(await asyncio.gather(*(detailed(c) for c in cycles)))
    diagrams = [parse_diagram(d) for d in raw_diagrams]
    current = current_diagram(raw_diagrams)
    school_names = {str(s["id"]): str(s.get("name") or "Establecimiento") for s in schools}
    decisions = Counter(str(c.get("act_decision")) for c in cycles if c.get("act_decision"))
    return CyclesLog(
        network_id=network_id,
        network_name=str(network.get("name", "")),
        diagram_title=current.title if current else None,
        total_cycles=len(cycles),
        by_decision={d: decisions.get(d, 0) for d in DECISIONS},
        drivers=group_cycles(cycles, diagrams, current, school_names),
    )
