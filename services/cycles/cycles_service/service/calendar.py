"""Events, the year plan (``domain.calendar.year_plan``) and barriers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlmodel import Session, col, select

from mejora_common.errors import id_unavailable, invalid, not_found
from mejora_common.pagination import paginate

from ..domain.access import ALL_SEEING, Actor
from ..domain.calendar import EVENT_KIND_LABELS, year_plan
from ..models import Barrier, Event, School
from ..schemas.calendar import (
    BarrierCreate,
    BarrierRead,
    BarrierUpdate,
    EventCreate,
    EventRead,
    EventUpdate,
    FlagRead,
    MonthRead,
    SchoolCoachingRead,
    YearPlanRead,
)
from .access import require
from .common import apply, person_in_network, require_version, school_in_network

SANTIAGO = ZoneInfo("America/Santiago")


def aware(moment: datetime) -> datetime:
    """Naive datetimes are Santiago wall-clock time."""
    return moment.replace(tzinfo=SANTIAGO) if moment.tzinfo is None else moment


def event_read(event: Event) -> EventRead:
    return EventRead(
        id=event.id,
        network_id=event.network_id,
        kind=event.kind,  # type: ignore[arg-type]
        kind_label=EVENT_KIND_LABELS[event.kind],  # type: ignore[index]
        title=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        place=event.place,
        school_ids=[uuid.UUID(s) for s in event.school_ids],
        agenda=event.agenda,
        attendance=[uuid.UUID(p) for p in event.attendance],
        notes=event.notes,
        agreements=event.agreements,
        version=event.version,
    )


def get_event(session: Session, event_id: uuid.UUID) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise not_found("El evento")
    return event


def _check_event(session: Session, network_id: uuid.UUID, values: dict[str, Any]) -> None:
    for index, school_id in enumerate(values.get("school_ids") or []):
        school_in_network(session, network_id, school_id, f"school_ids[{index}]")
    for index, person_id in enumerate(values.get("attendance") or []):
        person_in_network(session, network_id, person_id, f"attendance[{index}]")
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if starts is not None and ends is not None and ends < starts:
        raise invalid("ends_at", "El término debe ser posterior al inicio.")


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    for name in ("starts_at", "ends_at"):
        if out.get(name) is not None:
            out[name] = aware(out[name]).astimezone(UTC)
    for name in ("school_ids", "attendance"):
        if name in out and out[name] is not None:
            out[name] = [str(v) for v in out[name]]
    return out


EVENT_EDIT = "No puedes programar o editar este tipo de evento."


def create_event(session: Session, actor: Actor, body: EventCreate) -> tuple[EventRead, bool]:
    if body.id is not None:
        existing = session.get(Event, body.id)
        if existing is not None:
            if existing.network_id != actor.network_id:
                raise id_unavailable()
            return event_read(existing), False
    require(actor, actor.edits_event(body.kind, body.school_ids), EVENT_EDIT)
    values = body.model_dump(exclude={"id"})
    _check_event(session, actor.network_id, values)
    event = Event(network_id=actor.network_id, **_stored(values))
    if body.id is not None:
        event.id = body.id
    session.add(event)
    session.commit()
    session.refresh(event)
    return event_read(event), True


def update_event(session: Session, actor: Actor, event: Event, body: EventUpdate, if_match: str | None) -> EventRead:
    current = [uuid.UUID(s) for s in event.school_ids]
    require(actor, actor.edits_event(event.kind, current), EVENT_EDIT)
    require_version(event, if_match, "el evento")
    changes = body.model_dump(exclude_unset=True)
    for name in ("kind", "title", "starts_at", "place", "school_ids", "agenda", "attendance", "notes", "agreements"):
        if name in changes and changes[name] is None:
            del changes[name]
    require(actor, actor.edits_event(changes.get("kind", event.kind), changes.get("school_ids", current)), EVENT_EDIT)
    merged = {
        "starts_at": changes.get("starts_at", event.starts_at),
        "ends_at": changes.get("ends_at", event.ends_at),
        **{k: v for k, v in changes.items() if k in ("school_ids", "attendance")},
    }
    if merged["starts_at"] is not None:
        merged["starts_at"] = aware(merged["starts_at"])
    if merged["ends_at"] is not None:
        merged["ends_at"] = aware(merged["ends_at"])
    _check_event(session, event.network_id, merged)
    if apply(event, _stored(changes)):
        session.add(event)
        session.commit()
        session.refresh(event)
    return event_read(event)


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return (
        datetime(year, 1, 1, tzinfo=SANTIAGO).astimezone(UTC),
        datetime(year + 1, 1, 1, tzinfo=SANTIAGO).astimezone(UTC),
    )


def list_events(
    session: Session,
    network_id: uuid.UUID,
    *,
    kind: str | None,
    year: int | None,
    school_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> tuple[list[EventRead], int]:
    query = select(Event).where(Event.network_id == network_id)
    if kind:
        query = query.where(Event.kind == kind)
    if year is not None:
        start, end = _year_bounds(year)
        query = query.where(col(Event.starts_at) >= start, col(Event.starts_at) < end)
    rows = list(session.exec(query.order_by(col(Event.starts_at), col(Event.id))).all())
    if school_id is not None:
        rows = [e for e in rows if str(school_id) in e.school_ids]
    return [event_read(e) for e in rows[offset : offset + limit]], len(rows)


class _PlanEvent:
    """An event as ``domain.calendar`` reads it: one per school for multi-school coaching visits."""

    def __init__(self, event: Event, school_id: str | None) -> None:
        self.event = event
        self.kind = event.kind
        self.starts_on = event.starts_at
        self.school_id = school_id


def calendar(session: Session, network_id: uuid.UUID, year: int) -> YearPlanRead:
    start, end = _year_bounds(year)
    events = session.exec(
        select(Event)
        .where(Event.network_id == network_id, col(Event.starts_at) >= start, col(Event.starts_at) < end)
        .order_by(col(Event.starts_at))
    ).all()
    schools = {str(s.id): s.name for s in session.exec(select(School).where(School.network_id == network_id)).all()}
    plan_events: list[_PlanEvent] = []
    for event in events:
        if event.kind == "coaching_visit" and event.school_ids:
            plan_events.extend(_PlanEvent(event, s) for s in event.school_ids)
        else:
            plan_events.append(_PlanEvent(event, event.school_ids[0] if event.school_ids else None))
    plan = year_plan(plan_events, year, schools=schools)
    months = []
    for month in plan.months:
        seen: set[uuid.UUID] = set()
        month_events = []
        for item in month.events:
            assert isinstance(item, _PlanEvent)
            if item.event.id not in seen:
                seen.add(item.event.id)
                month_events.append(event_read(item.event))
        counts = {kind: sum(1 for e in month_events if e.kind == kind) for kind in month.counts}
        months.append(MonthRead(month=month.month, name=month.name, events=month_events, counts=counts))
    return YearPlanRead(
        year=plan.year,
        months=months,
        counts={kind: sum(m.counts[kind] for m in months) for kind in plan.counts},
        schools=[
            SchoolCoachingRead(
                school_id=uuid.UUID(s.school_id), name=s.name, visits=s.visits, expected=s.expected, missing=s.missing
            )
            for s in plan.schools
        ],
        flags=[
            FlagRead(code=f.code, message=f.message, school_id=uuid.UUID(f.school_id) if f.school_id else None)
            for f in plan.flags
        ],
    )


# --------------------------------------------------------------------------------------------- barriers
def barrier_read(barrier: Barrier) -> BarrierRead:
    return BarrierRead.model_validate(barrier, from_attributes=True)


def find_barrier(session: Session, barrier_id: uuid.UUID) -> Barrier:
    barrier = session.get(Barrier, barrier_id)
    if barrier is None:
        raise not_found("La barrera")
    return barrier


def get_barrier(session: Session, actor: Actor, barrier_id: uuid.UUID) -> Barrier:
    barrier = session.get(Barrier, barrier_id)
    if barrier is None or barrier.network_id != actor.network_id:
        raise not_found("La barrera")
    if not actor.reads_barrier(barrier.school_id, barrier.owner_id, barrier.raised_by_id):
        raise not_found("La barrera")
    return barrier


def _check_barrier(session: Session, network_id: uuid.UUID, values: dict[str, Any]) -> None:
    school_in_network(session, network_id, values.get("school_id"), "school_id")
    person_in_network(session, network_id, values.get("owner_id"), "owner_id")
    event_id = values.get("event_id")
    if event_id is not None:
        event = session.get(Event, event_id)
        if event is None or event.network_id != network_id:
            raise invalid("event_id", "El evento no existe en esta red.")
    if values.get("status") == "resolved" and not (values.get("resolution") or "").strip():
        raise invalid("resolution", "Para marcar la barrera como resuelta, describe cómo se resolvió.")


def list_barriers(
    session: Session,
    actor: Actor,
    *,
    status: str | None,
    level: str | None,
    school_id: uuid.UUID | None,
    event_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> tuple[list[BarrierRead], int]:
    query = select(Barrier).where(Barrier.network_id == actor.network_id)
    if actor.role not in ALL_SEEING:
        mine: list[Any] = []
        if actor.person_id is not None:
            mine += [Barrier.owner_id == actor.person_id, Barrier.raised_by_id == actor.person_id]
        if actor.role == "leader":
            mine += [col(Barrier.school_id).is_(None), Barrier.school_id == actor.school_id]
        query = query.where(or_(*mine)) if mine else query.where(col(Barrier.id).is_(None))
    if status:
        query = query.where(Barrier.status == status)
    if level:
        query = query.where(Barrier.level == level)
    if school_id:
        query = query.where(Barrier.school_id == school_id)
    if event_id:
        query = query.where(Barrier.event_id == event_id)
    rows, total = paginate(session, query, limit, offset, col(Barrier.created_at).desc(), col(Barrier.id))
    return [barrier_read(b) for b in rows], total


def create_barrier(session: Session, actor: Actor, body: BarrierCreate) -> tuple[BarrierRead, bool]:
    if body.id is not None:
        existing = session.get(Barrier, body.id)
        if existing is not None:
            if existing.network_id != actor.network_id:
                raise id_unavailable()
            return barrier_read(existing), False
    require(actor, actor.creates_barrier(body.school_id), "Solo puedes registrar barreras de tu establecimiento.")
    values = body.model_dump(exclude={"id"})
    _check_barrier(session, actor.network_id, values)
    barrier = Barrier(network_id=actor.network_id, raised_by_id=actor.person_id, **values)
    if body.id is not None:
        barrier.id = body.id
    session.add(barrier)
    session.commit()
    session.refresh(barrier)
    return barrier_read(barrier), True


def update_barrier(
    session: Session, actor: Actor, barrier: Barrier, body: BarrierUpdate, if_match: str | None
) -> BarrierRead:
    require(
        actor,
        actor.edits_barrier(barrier.school_id, barrier.owner_id, barrier.raised_by_id),
        "No puedes editar esta barrera.",
    )
    require_version(barrier, if_match, "la barrera")
    changes = body.model_dump(exclude_unset=True)
    for name in ("description", "level", "status", "resolution"):
        if name in changes and changes[name] is None:
            del changes[name]
    if "school_id" in changes:
        require(
            actor, actor.creates_barrier(changes["school_id"]), "No puedes asignar la barrera a ese establecimiento."
        )
    merged = {name: changes.get(name, getattr(barrier, name)) for name in ("status", "resolution")}
    _check_barrier(session, barrier.network_id, {**{k: v for k, v in changes.items() if k.endswith("_id")}, **merged})
    if apply(barrier, changes):
        session.add(barrier)
        session.commit()
        session.refresh(barrier)
    return barrier_read(barrier)
