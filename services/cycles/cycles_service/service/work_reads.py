"""PHEA cycles as their readers see them: the answer shapes, the ETag, the visibility rules in SQL, lists, ramps."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from mejora_common import versioning
from mejora_common.auth import Principal
from mejora_common.errors import not_found
from mejora_common.pagination import paginate

from ..domain.access import ALL_SEEING, Actor
from ..domain.cycle_stages import STAGE_LABELS, can_advance, parse_stage
from ..models import Cycle, CycleTransition, Person
from ..schemas.work import CycleRead, CycleSummary, MissingField, Question, Ramp, Transition
from .access import actor_for

STAGE_FIELD_NAMES = (
    "objective",
    "questions",
    "plan_who",
    "plan_what",
    "plan_when",
    "plan_where",
    "plan_data_collection",
    "do_carried_out_on",
    "do_what_happened",
    "do_problems",
    "do_observations",
    "study_learning",
    "act_decision",
    "act_next_steps",
)


def etag(cycle: Cycle) -> str:
    return versioning.etag(cycle.revision)


def stage_fields(cycle: Cycle) -> dict[str, object]:
    return {name: getattr(cycle, name) for name in STAGE_FIELD_NAMES}


def _owner_names(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = session.exec(select(Person).where(col(Person.id).in_(list(ids)))).all()
    return {p.id: p.name for p in rows}


def next_cycle_id(session: Session, cycle: Cycle) -> uuid.UUID | None:
    follower = session.exec(
        select(Cycle.id).where(Cycle.previous_cycle_id == cycle.id).order_by(col(Cycle.created_at))
    ).first()
    return follower


def cycle_read(session: Session, cycle: Cycle) -> CycleRead:
    stage = parse_stage(cycle.stage)
    missing = [] if stage == "closed" else can_advance(stage, stage_fields(cycle))
    transitions = session.exec(
        select(CycleTransition).where(CycleTransition.cycle_id == cycle.id).order_by(col(CycleTransition.at))
    ).all()
    names = _owner_names(session, {cycle.owner_id})
    return CycleRead(
        **{name: getattr(cycle, name) for name in STAGE_FIELD_NAMES if name != "questions"},
        questions=[Question.model_validate(q) for q in cycle.questions],
        id=cycle.id,
        network_id=cycle.network_id,
        school_id=cycle.school_id,
        change_idea_id=cycle.change_idea_id,
        owner_id=cycle.owner_id,
        owner_name=names.get(cycle.owner_id, ""),
        previous_cycle_id=cycle.previous_cycle_id,
        next_cycle_id=next_cycle_id(session, cycle),
        title=cycle.title,
        stage=stage,
        stage_label=STAGE_LABELS[stage],
        missing=[MissingField(field=m.field, message=m.message) for m in missing],
        history=[
            Transition(
                kind=t.kind,  # type: ignore[arg-type]
                from_stage=parse_stage(t.from_stage),
                to_stage=parse_stage(t.to_stage),
                actor_id=t.actor_id,
                actor_name=t.actor_name,
                reason=t.reason,
                at=t.at,
            )
            for t in transitions
        ],
        revision=cycle.revision,
        created_at=cycle.created_at,
        updated_at=cycle.updated_at,
    )


def summaries(session: Session, cycles: list[Cycle]) -> list[CycleSummary]:
    names = _owner_names(session, {c.owner_id for c in cycles})
    return [
        CycleSummary(
            id=c.id,
            network_id=c.network_id,
            school_id=c.school_id,
            change_idea_id=c.change_idea_id,
            owner_id=c.owner_id,
            owner_name=names.get(c.owner_id, ""),
            previous_cycle_id=c.previous_cycle_id,
            title=c.title,
            stage=parse_stage(c.stage),
            act_decision=c.act_decision,  # type: ignore[arg-type]
            objective=c.objective,
            questions=[Question.model_validate(q) for q in c.questions],
            updated_at=c.updated_at,
        )
        for c in cycles
    ]


def visible_condition(actor: Actor) -> ColumnElement[bool] | None:
    """SQL form of :meth:`Actor.reads_cycle` (``None`` = everything in the network)."""
    if actor.role in ALL_SEEING:
        return None
    conditions: list[Any] = [col(Cycle.school_id).is_(None)]
    if actor.school_id is not None:
        conditions.append(Cycle.school_id == actor.school_id)
    if actor.person_id is not None:
        conditions.append(Cycle.owner_id == actor.person_id)
    return or_(*conditions)


def listing_actors(principal: Principal, network_id: uuid.UUID | None) -> list[Actor]:
    """Whose cycles a list shows: the caller in ``network_id``, else in each of their networks.

    A sibling service without ``network_id`` gets an empty list (it reads one network at a time).
    """
    if network_id is not None:
        return [actor_for(principal, network_id)]
    if principal.is_service:
        return []
    return [actor_for(principal, m.network_id) for m in principal.memberships]


def list_cycles(
    session: Session,
    actors: list[Actor],
    *,
    school_id: uuid.UUID | None,
    change_idea_id: uuid.UUID | None,
    stage: str | None,
    owner_id: uuid.UUID | None,
    previous_cycle_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> tuple[list[CycleSummary], int]:
    if not actors:
        return [], 0
    per_network: list[Any] = []
    for actor in actors:
        condition = visible_condition(actor)
        in_network = col(Cycle.network_id) == actor.network_id
        per_network.append(in_network if condition is None else and_(in_network, condition))
    query = select(Cycle).where(or_(*per_network))
    if school_id is not None:
        query = query.where(Cycle.school_id == school_id)
    if change_idea_id is not None:
        query = query.where(Cycle.change_idea_id == change_idea_id)
    if stage is not None:
        query = query.where(Cycle.stage == stage)
    if owner_id is not None:
        query = query.where(Cycle.owner_id == owner_id)
    if previous_cycle_id is not None:
        query = query.where(Cycle.previous_cycle_id == previous_cycle_id)
    rows, total = paginate(session, query, limit, offset, col(Cycle.updated_at).desc(), col(Cycle.id))
    return summaries(session, rows), total


def get_cycle(session: Session, cycle_id: uuid.UUID) -> Cycle:
    cycle = session.get(Cycle, cycle_id)
    if cycle is None:
        raise not_found("El ciclo")
    return cycle


def require_readable(actor: Actor, cycle: Cycle) -> None:
    if not actor.reads_cycle(cycle.school_id, cycle.owner_id):
        raise not_found("El ciclo")


def ramp(session: Session, actor: Actor, cycle: Cycle) -> Ramp:
    chain = [cycle]
    seen = {cycle.id}
    current = cycle
    while current.previous_cycle_id is not None and current.previous_cycle_id not in seen:
        previous = session.get(Cycle, current.previous_cycle_id)
        if previous is None:
            break
        chain.insert(0, previous)
        seen.add(previous.id)
        current = previous
    current = cycle
    while True:
        follower_id = next_cycle_id(session, current)
        if follower_id is None or follower_id in seen:
            break
        follower = session.get(Cycle, follower_id)
        if follower is None:
            break
        chain.append(follower)
        seen.add(follower.id)
        current = follower
    visible = [c for c in chain if actor.reads_cycle(c.school_id, c.owner_id)]
    return Ramp(change_idea_id=cycle.change_idea_id, items=summaries(session, visible))
