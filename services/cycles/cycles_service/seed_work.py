"""The demo network's improvement work, read from ``improvement_work.json`` beside the demo directory.

The data file holds the content (aim, two driver diagram versions, PHEA cycles in every stage, three
measures, the 2024 calendar, barriers); this module only turns it into rows. Two things are computed
here from parameters in the file: the measures' monthly series (a deterministic wiggle, one series with a
visible shift) and the coaching visits' schedule. Ids are uuid5 of fixed names, so seeding twice inserts
nothing new and other services can refer to the same records.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, SQLModel

from .domain.cycle_stages import STAGES
from .models import (
    NETWORK_SCOPE,
    Aim,
    Barrier,
    Cycle,
    CycleTransition,
    DiagramLink,
    DiagramNode,
    DriverDiagram,
    Event,
    Measure,
    MeasurePoint,
)

SANTIAGO = ZoneInfo("America/Santiago")
Data = Mapping[str, Any]


@dataclass(frozen=True)
class DemoRefs:
    """Resolves the data file's names: people by key (email), schools by key (RBD), ids by uuid5 name."""

    namespace: uuid.UUID
    network_id: uuid.UUID
    schools: Mapping[str, uuid.UUID]
    people: Mapping[str, uuid.UUID]
    teachers: Sequence[str]
    """Teacher ids in directory order."""

    @classmethod
    def of(cls, network_id: uuid.UUID, directory: Data, work: Data) -> DemoRefs:
        school_by_rbd = {school["rbd"]: uuid.UUID(school["id"]) for school in directory["schools"]}
        person_by_email = {p["email"]: uuid.UUID(p["id"]) for p in directory["people"] if p.get("email")}
        return cls(
            namespace=uuid.UUID(work["namespace"]),
            network_id=network_id,
            schools={key: school_by_rbd[rbd] for key, rbd in work["schools"].items()},
            people={key: person_by_email[email] for key, email in work["people"].items()},
            teachers=[p["id"] for p in directory["people"] if p["role"] == "teacher"],
        )

    def id(self, name: str) -> uuid.UUID:
        return uuid.uuid5(self.namespace, name)

    def node_id(self, version: int, name: str) -> uuid.UUID:
        return self.id(f"diagram-{version}:{name}")

    def optional_school(self, key: str | None) -> uuid.UUID | None:
        return self.schools[key] if key else None

    def optional_person(self, key: str | None) -> uuid.UUID | None:
        return self.people[key] if key else None


def _at(day: date, clock: str = "09:00") -> datetime:
    """A local (Santiago) day and ``HH:MM`` as an aware UTC datetime."""
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=SANTIAGO).astimezone(UTC)


def _local(text: str) -> datetime:
    """``"2024-07-26T12:00"`` (Santiago) as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=SANTIAGO).astimezone(UTC)


# --------------------------------------------------------------------------------------------- diagrams
def _version_nodes(diagram: Data, by_version: Mapping[int, Sequence[Data]]) -> list[Data]:
    """A version's nodes: its own list, or its base's with texts changed, nodes removed and nodes added."""
    if "nodes" in diagram:
        return list(diagram["nodes"])
    changed: Mapping[str, str] = diagram["changed"]
    kept = [
        {**node, "text": changed.get(node["name"], node["text"])}
        for node in by_version[diagram["based_on"]]
        if node["name"] not in diagram["removed"]
    ]
    return kept + list(diagram["added"])


def _diagram_rows(refs: DemoRefs, diagrams: Sequence[Data]) -> list[SQLModel]:
    rows: list[SQLModel] = []
    by_version: dict[int, list[Data]] = {}
    for diagram in diagrams:
        version: int = diagram["version"]
        nodes = by_version[version] = _version_nodes(diagram, by_version)
        diagram_id = refs.id(f"diagram-{version}")
        published = date.fromisoformat(diagram["published_on"])
        based_on = diagram.get("based_on")
        rows.append(
            DriverDiagram(
                id=diagram_id,
                network_id=refs.network_id,
                version=version,
                title=diagram["title"],
                status="published",
                based_on_id=refs.id(f"diagram-{based_on}") if based_on else None,
                published_at=_at(published, "12:00"),
                created_at=_at(published.replace(day=1)),
                updated_at=_at(published, "12:00"),
            )
        )
        rows.extend(
            DiagramNode(
                id=refs.node_id(version, node["name"]),
                diagram_id=diagram_id,
                key=str(refs.id(f"node-key:{node['name']}")),
                kind=node["kind"],
                text=node["text"],
                tags=node["tags"],
                order=order,
            )
            for order, node in enumerate(nodes)
        )
        rows.extend(
            DiagramLink(
                diagram_id=diagram_id,
                parent_id=refs.node_id(version, parent),
                child_id=refs.node_id(version, node["name"]),
            )
            for node in nodes
            for parent in node["parents"]
        )
    return rows


# --------------------------------------------------------------------------------------------- measures
def _months(first: date, count: int) -> list[date]:
    return [date(first.year + (first.month - 1 + m) // 12, (first.month - 1 + m) % 12 + 1, 1) for m in range(count)]


def _wiggle(index: int, seed: int) -> float:
    """Deterministic noise in [-1, 1]."""
    return math.sin(index * 2.3 + seed * 1.7) * 0.6 + math.sin(index * 0.9 + seed) * 0.4


def _series(spec: Data, months: Sequence[date]) -> Iterator[tuple[date, float, float | None, float | None]]:
    """(period, value, numerator, denominator) per month, by the generator the data file names."""
    for index, period in enumerate(months):
        noise = spec["noise"] * _wiggle(index, spec["seed"])
        if spec["generator"] == "proportion_shift":
            # A shift: from `shift_from` (e.g. after a learning session) the level rises.
            size = spec["denominator"]
            denominator = float(size["base"]) + (index % size["every"]) * size["step"]
            shifted = period >= date.fromisoformat(spec["shift_from"])
            rate = (spec["rate_after"] if shifted else spec["rate_before"]) + noise
            numerator = float(round(denominator * rate))
            yield period, numerator / denominator, numerator, denominator
        else:  # "trend": a straight line with noise
            yield period, round(spec["start"] + index * spec["slope"] + noise, spec["digits"]), None, None


def _measure_rows(refs: DemoRefs, measures: Sequence[Data], months: Sequence[date]) -> list[SQLModel]:
    rows: list[SQLModel] = []
    for index, measure in enumerate(measures):
        measure_id = refs.id(f"measure-{index}")
        definition = {key: value for key, value in measure.items() if key != "series"}
        rows.append(Measure(id=measure_id, network_id=refs.network_id, **definition))
        notes: Mapping[str, str] = measure["series"].get("notes", {})
        rows.extend(
            MeasurePoint(
                id=refs.id(f"measure-{index}:{period.isoformat()}"),
                measure_id=measure_id,
                period=period,
                school_id=None,
                scope=NETWORK_SCOPE,
                value=value,
                numerator=numerator,
                denominator=denominator,
                note=notes.get(period.isoformat(), ""),
            )
            for period, value, numerator, denominator in _series(measure["series"], months)
        )
    return rows


def _aim_row(refs: DemoRefs, aim: Data) -> SQLModel:
    return Aim(
        id=refs.id("aim"),
        network_id=refs.network_id,
        statement=aim["statement"],
        measure_id=refs.id(f"measure-{aim['measure']}"),
        measure_description=aim["measure_description"],
        baseline=aim["baseline"],
        target_value=aim["target_value"],
        target_date=date.fromisoformat(aim["target_date"]),
        focus_domain=aim["focus_domain"],
    )


# ----------------------------------------------------------------------------------------------- cycles
def _cycle_rows(refs: DemoRefs, cycle: Data) -> list[SQLModel]:
    """A cycle in its stage, with one weekly 'advance' transition per stage it went through."""
    name = cycle["name"]
    cycle_id = refs.id(f"cycle:{name}")
    owner_id = refs.people[cycle["owner"]]
    started = date.fromisoformat(cycle["started_on"])
    stage_index = STAGES.index(cycle["stage"])
    fields = dict(cycle["fields"])
    if "do_carried_out_on" in fields:
        fields["do_carried_out_on"] = date.fromisoformat(fields["do_carried_out_on"])
    previous = cycle.get("previous")
    rows: list[SQLModel] = [
        Cycle(
            id=cycle_id,
            network_id=refs.network_id,
            school_id=refs.optional_school(cycle["school"]),
            change_idea_id=refs.node_id(2, cycle["idea"]),
            owner_id=owner_id,
            previous_cycle_id=refs.id(f"cycle:{previous}") if previous else None,
            title=cycle["title"],
            stage=cycle["stage"],
            revision=1 + stage_index,
            created_at=_at(started),
            updated_at=_at(started),
            **fields,
        )
    ]
    rows.extend(
        CycleTransition(
            id=refs.id(f"cycle:{name}:t{step}"),
            cycle_id=cycle_id,
            kind="advance",
            from_stage=STAGES[step],
            to_stage=STAGES[step + 1],
            actor_id=owner_id,
            actor_name="",
            at=_at(started + timedelta(days=7 * (step + 1)), "16:00"),
        )
        for step in range(stage_index)
    )
    return rows


# ------------------------------------------------------------------------------------------- calendar
def _learning_sessions(refs: DemoRefs, spec: Data) -> Iterator[Event]:
    for session in spec["sessions"]:
        day = date.fromisoformat(session["on"])
        yield Event(
            id=refs.id(f"event:{session['key']}"),
            network_id=refs.network_id,
            kind="learning_session",
            title=session["title"],
            starts_at=_at(day, spec["starts"]),
            ends_at=_at(day, spec["ends"]),
            place=spec["place"],
            school_ids=[str(school_id) for school_id in refs.schools.values()],
            agenda=session["agenda"],
            attendance=list(refs.teachers[: session["attending_teachers"]]),
            notes=session["notes"],
            agreements=session["agreements"],
        )


def _other_events(refs: DemoRefs, events: Sequence[Data]) -> Iterator[Event]:
    for event in events:
        yield Event(
            id=refs.id(f"event:{event['key']}"),
            network_id=refs.network_id,
            kind=event["kind"],
            title=event["title"],
            starts_at=_local(event["starts_at"]),
            ends_at=_local(event["ends_at"]),
            place=event["place"],
            agenda=event["agenda"],
            attendance=[str(refs.people[key]) for key in event["attendance"]],
            agreements=event["agreements"],
        )


def _coaching_visits(refs: DemoRefs, spec: Data) -> Iterator[Event]:
    """Rounds of visits to every school; schools alternate coaches and start times and are spread over days."""
    for school_index, (name, school_id) in enumerate(refs.schools.items()):
        coach = refs.people[spec["coaches"][school_index % len(spec["coaches"])]]
        starts = spec["starts"][school_index % len(spec["starts"])]
        for round_index, visit_round in enumerate(spec["rounds"]):
            day = date(spec["year"], visit_round["month"], visit_round["day"] + school_index % spec["spread_days"])
            yield Event(
                id=refs.id(f"event:visita:{name}:{round_index}"),
                network_id=refs.network_id,
                kind="coaching_visit",
                title=spec["title"].format(round=round_index + 1),
                starts_at=_at(day, starts),
                ends_at=_at(day, spec["ends"]),
                school_ids=[str(school_id)],
                agenda=spec["agenda"],
                attendance=[str(coach)],
            )


def _school_visits(refs: DemoRefs, spec: Data) -> Iterator[Event]:
    for visit in spec["visits"]:
        day = date.fromisoformat(visit["on"])
        yield Event(
            id=refs.id(f"event:entre-escuelas:{visit['host']}"),
            network_id=refs.network_id,
            kind="school_visit",
            title=spec["title"],
            starts_at=_at(day, spec["starts"]),
            ends_at=_at(day, spec["ends"]),
            school_ids=[str(refs.schools[visit["host"]]), str(refs.schools[visit["guest"]])],
            agenda=spec["agenda"],
        )


def _event_rows(refs: DemoRefs, work: Data) -> list[SQLModel]:
    return [
        *_learning_sessions(refs, work["learning_sessions"]),
        *_other_events(refs, work["other_events"]),
        *_coaching_visits(refs, work["coaching_visits"]),
        *_school_visits(refs, work["school_visits"]),
    ]


def _barrier_row(refs: DemoRefs, barrier: Data) -> SQLModel:
    event = barrier.get("event")
    return Barrier(
        id=refs.id(f"barrier:{barrier['key']}"),
        network_id=refs.network_id,
        description=barrier["description"],
        level=barrier["level"],
        status=barrier["status"],
        school_id=refs.optional_school(barrier.get("school")),
        event_id=refs.id(f"event:{event}") if event else None,
        owner_id=refs.optional_person(barrier.get("owner")),
        raised_by_id=refs.people[barrier["raised_by"]],
        resolution=barrier.get("resolution", ""),
        created_at=_local(barrier["created_at"]),
        updated_at=_local(barrier["updated_at"]),
    )


# ---------------------------------------------------------------------------------------------- insert
def seed_work(session: Session, network_id: uuid.UUID, directory: Data, work: Data) -> dict[str, int]:
    """Inserts what is missing (by primary key); returns counts of inserted rows by table."""
    refs = DemoRefs.of(network_id, directory, work)
    months = _months(date.fromisoformat(work["measure_months"]["first"]), work["measure_months"]["count"])
    groups: list[list[SQLModel]] = [
        _diagram_rows(refs, work["diagrams"]),
        _measure_rows(refs, work["measures"], months),
        [_aim_row(refs, work["aim"])],
        [row for cycle in work["cycles"] for row in _cycle_rows(refs, cycle)],
        _event_rows(refs, work),
        [_barrier_row(refs, barrier) for barrier in work["barriers"]],
    ]
    created: dict[str, int] = {}
    for rows in groups:
        for row in rows:
            model = type(row)
            key: Any = (row.parent_id, row.child_id) if isinstance(row, DiagramLink) else getattr(row, "id")  # noqa: B009
            if session.get(model, key) is None:
                session.add(row)
                created[model.__name__] = created.get(model.__name__, 0) + 1
        session.flush()
    return created
