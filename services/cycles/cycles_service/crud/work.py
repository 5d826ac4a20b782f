"""PHEA cycles: create, read (per the access rules), edit with optimistic concurrency, advance, reopen, ramps."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from mejora_common.db import utcnow
from mejora_common.errors import ProblemError, not_found

from ..access import ALL_SEEING, Actor
from ..domain.cycle_stages import (
    STAGE_LABELS,
    can_advance,
    next_stage,
    parse_stage,
    reopen_error,
)
from ..models import Cycle, CycleTransition, DiagramNode, DriverDiagram, Person
from ..schemas.work import (
    CycleCreate,
    CycleRead,
    CycleSummary,
    CycleUpdate,
    MissingField,
    NextCycleRequest,
    Question,
    Ramp,
    ReopenRequest,
    Transition,
)
from .common import apply, invalid, paginate, person_in_network, school_in_network

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
    return f'"{cycle.revision}"'


def check_if_match(cycle: Cycle, if_match: str | None, *, required: bool) -> None:
    """``If-Match`` must name the current revision: 428 when absent (and required), 412 when stale."""
    if if_match is None or not if_match.strip():
        if required:
            raise ProblemError(
                428,
                "precondition_required",
                "Falta el encabezado If-Match con el ETag del ciclo: vuelve a cargarlo antes de guardar.",
                headers={"ETag": etag(cycle)},
            )
        return
    tags = [t.strip().removeprefix("W/") for t in if_match.split(",")]
    if "*" in tags or etag(cycle) in tags:
        return
    raise ProblemError(
        412,
        "precondition_failed",
        "Otra persona modificó este ciclo mientras lo editabas. Vuelve a cargarlo para ver sus cambios; "
        "no se guardó nada.",
        headers={"ETag": etag(cycle)},
        extra={"current_revision": cycle.revision},
    )


def _fields(cycle: Cycle) -> dict[str, object]:
    return {name: getattr(cycle, name) for name in STAGE_FIELD_NAMES}


def _owner_names(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = session.exec(select(Person).where(col(Person.id).in_(list(ids)))).all()
    return {p.id: p.name for p in rows}


def _next_id(session: Session, cycle: Cycle) -> uuid.UUID | None:
    follower = session.exec(
        select(Cycle.id).where(Cycle.previous_cycle_id == cycle.id).order_by(col(Cycle.created_at))
    ).first()
    return follower


def cycle_read(session: Session, cycle: Cycle) -> CycleRead:
    stage = parse_stage(cycle.stage)
    missing = [] if stage == "closed" else can_advance(stage, _fields(cycle))
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
        next_cycle_id=_next_id(session, cycle),
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


def _check_change_idea(session: Session, network_id: uuid.UUID, node_id: uuid.UUID | None) -> None:
    if node_id is None:
        return
    node = session.get(DiagramNode, node_id)
    diagram = session.get(DriverDiagram, node.diagram_id) if node else None
    if node is None or diagram is None or diagram.network_id != network_id or node.kind != "change_idea":
        raise invalid("change_idea_id", "La idea de cambio no existe en el diagrama conductor de esta red.")


def create_cycle(session: Session, actor: Actor, body: CycleCreate) -> tuple[Cycle, bool]:
    if body.id is not None:
        existing = session.get(Cycle, body.id)
        if existing is not None:
            if existing.network_id != body.network_id:
                raise ProblemError(409, "id_taken", "Ese identificador ya está en uso.")
            return existing, False
    school_id = body.school_id if "school_id" in body.model_fields_set else actor.school_id
    owner_id = body.owner_id or actor.person_id
    if owner_id is None:
        raise invalid("owner_id", "Indica quién es responsable del ciclo.")
    actor.require(
        actor.creates_cycle(school_id, owner_id),
        "Solo puedes crear ciclos de tu equipo (tu establecimiento o la red) y a tu nombre.",
    )
    school_in_network(session, body.network_id, school_id, "school_id")
    person_in_network(session, body.network_id, owner_id, "owner_id")
    _check_change_idea(session, body.network_id, body.change_idea_id)
    cycle = Cycle(
        network_id=body.network_id,
        title=body.title,
        change_idea_id=body.change_idea_id,
        school_id=school_id,
        owner_id=owner_id,
        objective=body.objective,
    )
    if body.id is not None:
        cycle.id = body.id
    session.add(cycle)
    session.commit()
    session.refresh(cycle)
    return cycle, True


def _bump(cycle: Cycle) -> None:
    cycle.revision += 1
    cycle.updated_at = utcnow()


def update_cycle(session: Session, actor: Actor, cycle: Cycle, body: CycleUpdate, if_match: str | None) -> Cycle:
    actor.require(actor.edits_cycle(cycle.school_id, cycle.owner_id), "No puedes editar este ciclo.")
    check_if_match(cycle, if_match, required=True)
    if cycle.stage == "closed":
        raise ProblemError(409, "cycle_closed", "El ciclo está cerrado; reábrelo para editarlo.")
    changes = body.model_dump(exclude_unset=True)
    for name in ("title", "owner_id"):
        if name in changes and changes[name] is None:
            del changes[name]
    for name in STAGE_FIELD_NAMES:
        if name in changes and changes[name] is None and name not in ("do_carried_out_on", "act_decision"):
            changes[name] = [] if name == "questions" else ""
    if "school_id" in changes:
        new_school = changes["school_id"]
        actor.require(
            actor.creates_cycle(new_school, changes.get("owner_id", cycle.owner_id)),
            "No puedes asignar el ciclo a ese equipo.",
        )
        school_in_network(session, cycle.network_id, new_school, "school_id")
    if "owner_id" in changes:
        actor.require(
            actor.creates_cycle(changes.get("school_id", cycle.school_id), changes["owner_id"]),
            "No puedes asignar el ciclo a esa persona.",
        )
        person_in_network(session, cycle.network_id, changes["owner_id"], "owner_id")
    if "change_idea_id" in changes:
        _check_change_idea(session, cycle.network_id, changes["change_idea_id"])
    if apply(cycle, changes):
        _bump(cycle)
        session.add(cycle)
        session.commit()
        session.refresh(cycle)
    return cycle


def _transition(session: Session, actor: Actor, cycle: Cycle, kind: str, *, to_stage: str, reason: str = "") -> None:
    session.add(
        CycleTransition(
            cycle_id=cycle.id,
            kind=kind,
            from_stage=cycle.stage,
            to_stage=to_stage,
            actor_id=actor.person_id,
            actor_name=actor.name,
            reason=reason,
        )
    )
    cycle.stage = to_stage
    _bump(cycle)
    session.add(cycle)
    session.commit()
    session.refresh(cycle)


def advance(session: Session, actor: Actor, cycle: Cycle, if_match: str | None) -> Cycle:
    actor.require(actor.edits_cycle(cycle.school_id, cycle.owner_id), "No puedes avanzar este ciclo.")
    check_if_match(cycle, if_match, required=False)
    stage = parse_stage(cycle.stage)
    target = next_stage(stage)
    missing = can_advance(stage, _fields(cycle))
    if target is None or missing:
        label = STAGE_LABELS[stage]
        raise ProblemError(
            422,
            "stage_incomplete",
            f"No se puede avanzar desde «{label}»: falta completar {len(missing)} dato(s)."
            if target is not None
            else "El ciclo está cerrado; no hay una etapa siguiente.",
            errors=[{"field": m.field, "message": m.message} for m in missing],
            extra={"stage": stage},
        )
    _transition(session, actor, cycle, "advance", to_stage=target)
    return cycle


def reopen(session: Session, actor: Actor, cycle: Cycle, body: ReopenRequest, if_match: str | None) -> Cycle:
    require_readable(actor, cycle)
    actor.require(
        actor.reopens_cycle(cycle.owner_id), "Solo quien es responsable del ciclo o la coordinación puede reabrirlo."
    )
    check_if_match(cycle, if_match, required=False)
    error = reopen_error(parse_stage(cycle.stage), body.to_stage)
    if error:
        raise invalid("to_stage", error, code="invalid_reopen")
    _transition(session, actor, cycle, "reopen", to_stage=body.to_stage, reason=body.reason)
    return cycle


def start_next(session: Session, actor: Actor, cycle: Cycle, body: NextCycleRequest) -> tuple[Cycle, bool]:
    if body.id is not None:
        existing = session.get(Cycle, body.id)
        if existing is not None and existing.previous_cycle_id == cycle.id:
            return existing, False
    actor.require(actor.edits_cycle(cycle.school_id, cycle.owner_id), "No puedes continuar este ciclo.")
    if cycle.stage not in ("act", "closed"):
        raise ProblemError(
            409,
            "cycle_not_finished",
            "El ciclo siguiente se inicia cuando este llega a «Actuar» (con su decisión) o está cerrado.",
        )
    follower = _next_id(session, cycle)
    if follower is not None:
        raise ProblemError(
            409, "next_exists", "Este ciclo ya tiene un ciclo siguiente.", extra={"next_cycle_id": str(follower)}
        )
    owner_id = actor.person_id or cycle.owner_id
    if not actor.creates_cycle(cycle.school_id, owner_id):
        owner_id = cycle.owner_id
    questions = [{"text": q.get("text", ""), "prediction": "", "result": ""} for q in cycle.questions]
    new = Cycle(
        network_id=cycle.network_id,
        school_id=cycle.school_id,
        change_idea_id=cycle.change_idea_id,
        owner_id=owner_id,
        previous_cycle_id=cycle.id,
        title=body.title or _next_title(cycle.title),
        objective=cycle.act_next_steps or cycle.objective,
        questions=questions,
        plan_who=cycle.plan_who,
        plan_where=cycle.plan_where,
        plan_data_collection=cycle.plan_data_collection,
    )
    if body.id is not None:
        new.id = body.id
    session.add(new)
    session.commit()
    session.refresh(new)
    return new, True


def _next_title(title: str) -> str:
    """``"Rutina de saludo"`` → ``"Rutina de saludo (ciclo 2)"``; ``"… (ciclo 2)"`` → ``"… (ciclo 3)"``."""
    base, sep, rest = title.rpartition(" (ciclo ")
    if sep and rest.endswith(")") and rest[:-1].isdigit():
        return f"{base} (ciclo {int(rest[:-1]) + 1})"[:200]
    return f"{title} (ciclo 2)"[:200]


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
        follower_id = _next_id(session, current)
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
