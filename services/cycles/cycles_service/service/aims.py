"""The network's aims (metas): what it wants to improve, by how much, by when, measured how."""

from __future__ import annotations

import uuid

from sqlmodel import Session, col, select

from mejora_common.errors import id_unavailable, invalid, not_found
from mejora_common.pagination import paginate

from ..domain.access import Actor
from ..models import Aim, Measure
from ..schemas.planning import AimCreate, AimRead, AimUpdate
from .access import require
from .common import apply, require_version
from .planning import EDIT


def aim_read(aim: Aim) -> AimRead:
    return AimRead.model_validate(aim, from_attributes=True)


def get_aim(session: Session, aim_id: uuid.UUID) -> Aim:
    aim = session.get(Aim, aim_id)
    if aim is None:
        raise not_found("La meta")
    return aim


def _check_measure(session: Session, network_id: uuid.UUID, measure_id: uuid.UUID | None) -> None:
    if measure_id is None:
        return
    measure = session.get(Measure, measure_id)
    if measure is None or measure.network_id != network_id:
        raise invalid("measure_id", "La medida no existe en esta red.")


def list_aims(session: Session, network_id: uuid.UUID, limit: int, offset: int) -> tuple[list[AimRead], int]:
    rows, total = paginate(
        session, select(Aim).where(Aim.network_id == network_id), limit, offset, col(Aim.created_at), col(Aim.id)
    )
    return [aim_read(a) for a in rows], total


def create_aim(session: Session, actor: Actor, body: AimCreate) -> tuple[AimRead, bool]:
    require(actor, actor.edits_theory, EDIT)
    network_id = actor.network_id
    if body.id is not None:
        existing = session.get(Aim, body.id)
        if existing is not None:
            if existing.network_id != network_id:
                raise id_unavailable()
            return aim_read(existing), False
    _check_measure(session, network_id, body.measure_id)
    aim = Aim(network_id=network_id, **body.model_dump(exclude={"id"}))
    if body.id is not None:
        aim.id = body.id
    session.add(aim)
    session.commit()
    session.refresh(aim)
    return aim_read(aim), True


def update_aim(session: Session, actor: Actor, aim: Aim, body: AimUpdate, if_match: str | None) -> AimRead:
    require(actor, actor.edits_theory, EDIT)
    require_version(aim, if_match, "la meta")
    changes = body.model_dump(exclude_unset=True)
    for name in ("statement", "measure_description"):
        if name in changes and changes[name] is None:
            del changes[name]
    if "measure_id" in changes:
        _check_measure(session, aim.network_id, changes["measure_id"])
    if apply(aim, changes):
        session.add(aim)
        session.commit()
        session.refresh(aim)
    return aim_read(aim)
