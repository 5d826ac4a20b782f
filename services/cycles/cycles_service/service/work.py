"""PHEA cycles: create, edit with optimistic concurrency, advance, reopen, start the next one.

Reading, lists and ramps: :mod:`.work_reads`.
"""

from __future__ import annotations

import uuid

from sqlmodel import Session

from mejora_common.db import utcnow
from mejora_common.errors import ProblemError, conflict, id_unavailable, invalid

from ..domain.access import Actor
from ..domain.cycle_stages import STAGE_LABELS, can_advance, decision_error, next_stage, parse_stage, reopen_error
from ..models import Cycle, CycleTransition, DiagramNode, DriverDiagram
from ..schemas.work import CycleCreate, CycleUpdate, NextCycleRequest, ReopenRequest
from .access import require
from .common import apply, person_in_network, require_version, school_in_network
from .work_reads import STAGE_FIELD_NAMES, next_cycle_id, require_readable, stage_fields

WHAT = "el ciclo"


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
                raise id_unavailable()
            return existing, False
    school_id = body.school_id if "school_id" in body.model_fields_set else actor.school_id
    owner_id = body.owner_id or actor.person_id
    if owner_id is None:
        raise invalid("owner_id", "Indica quién es responsable del ciclo.")
    require(
        actor,
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
    # ``revision`` is the version counter: SQLAlchemy raises it (conditionally) in the UPDATE itself.
    cycle.updated_at = utcnow()


def update_cycle(session: Session, actor: Actor, cycle: Cycle, body: CycleUpdate, if_match: str | None) -> Cycle:
    require(actor, actor.edits_cycle(cycle.school_id, cycle.owner_id), "No puedes editar este ciclo.")
    require_version(cycle, if_match, WHAT)
    if cycle.stage == "closed":
        raise conflict("cycle_closed", "El ciclo está cerrado; reábrelo para editarlo.")
    changes = body.model_dump(exclude_unset=True)
    for name in ("title", "owner_id"):
        if name in changes and changes[name] is None:
            del changes[name]
    for name in STAGE_FIELD_NAMES:
        if name in changes and changes[name] is None and name not in ("do_carried_out_on", "act_decision"):
            changes[name] = [] if name == "questions" else ""
    if "school_id" in changes:
        new_school = changes["school_id"]
        require(
            actor,
            actor.creates_cycle(new_school, changes.get("owner_id", cycle.owner_id)),
            "No puedes asignar el ciclo a ese equipo.",
        )
        school_in_network(session, cycle.network_id, new_school, "school_id")
    if "owner_id" in changes:
        require(
            actor,
            actor.creates_cycle(changes.get("school_id", cycle.school_id), changes["owner_id"]),
            "No puedes asignar el ciclo a esa persona.",
        )
        person_in_network(session, cycle.network_id, changes["owner_id"], "owner_id")
    if "change_idea_id" in changes:
        _check_change_idea(session, cycle.network_id, changes["change_idea_id"])
    if "act_decision" in changes:
        refused = decision_error(parse_stage(cycle.stage), cycle.act_decision, changes["act_decision"])
        if refused is not None:
            raise invalid("act_decision", refused + ".", "decision_before_act")
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
    require(actor, actor.edits_cycle(cycle.school_id, cycle.owner_id), "No puedes avanzar este ciclo.")
    require_version(cycle, if_match, WHAT)
    stage = parse_stage(cycle.stage)
    target = next_stage(stage)
    missing = can_advance(stage, stage_fields(cycle))
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
    require(
        actor,
        actor.reopens_cycle(cycle.owner_id),
        "Solo quien es responsable del ciclo o la coordinación puede reabrirlo.",
    )
    require_version(cycle, if_match, WHAT)
    error = reopen_error(parse_stage(cycle.stage), body.to_stage)
    if error:
        raise invalid("to_stage", error, code="invalid_reopen")
    _transition(session, actor, cycle, "reopen", to_stage=body.to_stage, reason=body.reason)
    return cycle


def start_next(
    session: Session, actor: Actor, cycle: Cycle, body: NextCycleRequest, if_match: str | None
) -> tuple[Cycle, bool]:
    """The follower of ``cycle``; the source's revision grows with it (its ``next_cycle_id`` changes), so of two
    concurrent starts with the same ``If-Match`` one is 412 and a cycle never gets two followers."""
    if body.id is not None:
        existing = session.get(Cycle, body.id)
        if existing is not None and existing.previous_cycle_id == cycle.id:
            return existing, False  # a retry whose first answer was lost: whatever its If-Match
    require(actor, actor.edits_cycle(cycle.school_id, cycle.owner_id), "No puedes continuar este ciclo.")
    require_version(cycle, if_match, WHAT)
    if cycle.stage not in ("act", "closed"):
        raise conflict(
            "cycle_not_finished",
            "El ciclo siguiente se inicia cuando este llega a «Actuar» (con su decisión) o está cerrado.",
        )
    follower = next_cycle_id(session, cycle)
    if follower is not None:
        raise conflict("next_exists", "Este ciclo ya tiene un ciclo siguiente.", extra={"next_cycle_id": str(follower)})
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
    _bump(cycle)
    session.add(cycle)
    session.commit()
    session.refresh(new)
    return new, True


def _next_title(title: str) -> str:
    """``"Rutina de saludo"`` → ``"Rutina de saludo (ciclo 2)"``; ``"… (ciclo 2)"`` → ``"… (ciclo 3)"``."""
    base, sep, rest = title.rpartition(" (ciclo ")
    if sep and rest.endswith(")") and rest[:-1].isdigit():
        return f"{base} (ciclo {int(rest[:-1]) + 1})"[:200]
    return f"{title} (ciclo 2)"[:200]
