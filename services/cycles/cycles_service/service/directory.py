"""Schools, people and the roster import."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from mejora_common.errors import ProblemError, conflict, id_unavailable, not_found
from mejora_common.pagination import paginate

from ..domain.access import Actor
from ..domain.roster import Roster, RosterErrors, parse_roster
from ..models import Barrier, Cycle, MeasurePoint, Person, School
from ..schemas.directory import (
    PersonCreate,
    PersonRead,
    PersonUpdate,
    RosterChange,
    RosterCounts,
    RosterReport,
    SchoolCreate,
    SchoolRead,
    SchoolUpdate,
)
from . import integrations
from .access import require
from .common import apply, require_version, school_in_network
from .networks import require_network

MANAGE = "Solo la coordinación de la red administra establecimientos y personas."
SCHOOL = "el establecimiento"


# ------------------------------------------------------------------------------------------------ schools
def school_read(school: School) -> SchoolRead:
    return SchoolRead.model_validate(school, from_attributes=True)


def _rbd_taken(session: Session, network_id: uuid.UUID, rbd: int, except_id: uuid.UUID | None) -> None:
    query = select(School).where(School.network_id == network_id, School.rbd == rbd)
    other = session.exec(query).first()
    if other is not None and other.id != except_id:
        message = f"Ya existe un establecimiento con RBD {rbd} en esta red ({other.name})."
        raise ProblemError(409, "rbd_taken", message, errors=[{"field": "rbd", "message": message}])


def list_schools(
    session: Session,
    network_id: uuid.UUID,
    *,
    q: str | None,
    commune: str | None,
    limit: int,
    offset: int,
) -> tuple[list[SchoolRead], int]:
    query = select(School).where(School.network_id == network_id)
    if q:
        query = query.where(col(School.name).ilike(f"%{q.strip()}%"))
    if commune:
        query = query.where(func.lower(School.commune) == commune.strip().lower())
    rows, total = paginate(session, query, limit, offset, col(School.name), col(School.id))
    return [school_read(s) for s in rows], total


def get_school(session: Session, school_id: uuid.UUID) -> School:
    school = session.get(School, school_id)
    if school is None:
        raise not_found("El establecimiento")
    return school


def create_school(session: Session, actor: Actor, body: SchoolCreate) -> tuple[SchoolRead, bool]:
    require(actor, actor.manages_directory, MANAGE)
    network_id = actor.network_id
    if body.id is not None:
        existing = session.get(School, body.id)
        if existing is not None:
            if existing.network_id != network_id:
                raise id_unavailable()
            return school_read(existing), False
    _rbd_taken(session, network_id, body.rbd, None)
    school = School(network_id=network_id, **body.model_dump(exclude={"id"}, exclude_none=True))
    if body.id is not None:
        school.id = body.id
    session.add(school)
    session.commit()
    session.refresh(school)
    return school_read(school), True


def update_school(
    session: Session, actor: Actor, school: School, body: SchoolUpdate, if_match: str | None
) -> SchoolRead:
    require(actor, actor.manages_directory, MANAGE)
    require_version(school, if_match, SCHOOL)
    changes = body.model_dump(exclude_unset=True)
    for name in ("rbd", "name", "levels", "commune", "region"):
        if name in changes and changes[name] is None:
            del changes[name]
    if "rbd" in changes:
        _rbd_taken(session, school.network_id, changes["rbd"], school.id)
    if apply(school, changes):
        session.add(school)
        session.commit()
        session.refresh(school)
    return school_read(school)


def delete_school(session: Session, actor: Actor, school: School, if_match: str | None) -> None:
    """Only a school nothing refers to (people, cycles, barriers, measure data): 409 naming what does."""
    require(actor, actor.manages_directory, MANAGE)
    require_version(school, if_match, SCHOOL)
    uses = {
        "personas": session.exec(select(func.count()).select_from(Person).where(Person.school_id == school.id)).one(),
        "ciclos": session.exec(select(func.count()).select_from(Cycle).where(Cycle.school_id == school.id)).one(),
        "barreras": session.exec(select(func.count()).select_from(Barrier).where(Barrier.school_id == school.id)).one(),
        "datos de medidas": session.exec(
            select(func.count()).select_from(MeasurePoint).where(MeasurePoint.school_id == school.id)
        ).one(),
    }
    used = [f"{n} {what}" for what, n in uses.items() if n]
    if used:
        raise conflict(
            "school_in_use", f"No se puede eliminar {school.name}: tiene {', '.join(used)}. Reasígnalos primero."
        )
    session.delete(school)
    session.commit()


# ------------------------------------------------------------------------------------------------- people
def person_read(person: Person, actor: Actor) -> PersonRead:
    return PersonRead(
        id=person.id,
        network_id=person.network_id,
        run=person.run if actor.sees_run_of(person.id) else None,
        name=person.name,
        email=person.email,
        role=person.role,
        school_id=person.school_id,
        levels=list(person.levels),
        version=person.version,
    )


def _run_taken(session: Session, network_id: uuid.UUID, run: str, except_id: uuid.UUID | None) -> None:
    other = session.exec(select(Person).where(Person.network_id == network_id, Person.run == run)).first()
    if other is not None and other.id != except_id:
        message = f"Ya existe una persona con RUN {run} en esta red ({other.name})."
        raise ProblemError(409, "run_taken", message, errors=[{"field": "run", "message": message}])


def list_people(
    session: Session,
    actor: Actor,
    *,
    role: str | None,
    school_id: uuid.UUID | None,
    q: str | None,
    limit: int,
    offset: int,
) -> tuple[list[PersonRead], int]:
    query = select(Person).where(Person.network_id == actor.network_id)
    if role:
        query = query.where(Person.role == role)
    if school_id:
        query = query.where(Person.school_id == school_id)
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(or_(col(Person.name).ilike(pattern), col(Person.email).ilike(pattern)))
    rows, total = paginate(session, query, limit, offset, col(Person.name), col(Person.id))
    return [person_read(p, actor) for p in rows], total


def get_person(session: Session, person_id: uuid.UUID) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise not_found("La persona")
    return person


def create_person(session: Session, actor: Actor, body: PersonCreate) -> tuple[PersonRead, bool]:
    require(actor, actor.manages_directory, MANAGE)
    if body.id is not None:
        existing = session.get(Person, body.id)
        if existing is not None:
            if existing.network_id != actor.network_id:
                raise id_unavailable()
            return person_read(existing, actor), False
    _run_taken(session, actor.network_id, body.run, None)
    school_in_network(session, actor.network_id, body.school_id, "school_id")
    person = Person(network_id=actor.network_id, **body.model_dump(exclude={"id"}))
    if body.id is not None:
        person.id = body.id
    session.add(person)
    session.commit()
    session.refresh(person)
    return person_read(person, actor), True


def update_person(
    session: Session, actor: Actor, person: Person, body: PersonUpdate, if_match: str | None
) -> PersonRead:
    require(actor, actor.manages_directory, MANAGE)
    require_version(person, if_match, "la persona")
    changes = body.model_dump(exclude_unset=True)
    for name in ("run", "name", "role", "levels"):
        if name in changes and changes[name] is None:
            del changes[name]
    if "run" in changes:
        _run_taken(session, person.network_id, changes["run"], person.id)
    if "school_id" in changes:
        school_in_network(session, person.network_id, changes["school_id"], "school_id")
    if apply(person, changes):
        session.add(person)
        session.commit()
        session.refresh(person)
    return person_read(person, actor)


# ------------------------------------------------------------------------------------------------- roster
def authorize_roster_import(session: Session, actor: Actor, account_id: uuid.UUID) -> None:
    """Coordinators and integration clients with ``roster:import`` (checked before the upload is read).

    A revoked client is refused at once (a write), not only when its access token expires.
    """
    require(actor, actor.imports_roster, MANAGE)
    if actor.is_integration and not integrations.is_active(session, account_id):
        raise integrations.client_revoked()
    require_network(session, actor.network_id)


def roster_problem(errors: RosterErrors) -> ProblemError:
    items: list[dict[str, Any]] = [
        {
            "field": e.column or "",
            "line": e.line,
            "column": e.column,
            "message": f"Línea {e.line}" + (f", columna «{e.column}»" if e.column else "") + f": {e.message}",
        }
        for e in errors.errors
    ]
    return ProblemError(
        422,
        "roster_invalid",
        f"El archivo tiene {len(items)} error(es); no se importó nada.",
        errors=items,
    )


def import_roster(session: Session, network_id: uuid.UUID, data: bytes, dry_run: bool) -> RosterReport:
    """Upsert schools by RBD and people by RUN; all or nothing (errors → 422, nothing written)."""
    parsed = parse_roster(data)
    if isinstance(parsed, RosterErrors):
        raise roster_problem(parsed)
    roster: Roster = parsed
    changes: list[RosterChange] = []
    school_counts = RosterCounts()
    people_counts = RosterCounts()
    schools = {s.rbd: s for s in session.exec(select(School).where(School.network_id == network_id)).all()}
    for rbd, row in sorted(roster.schools.items(), key=lambda item: item[1].line):
        wanted: dict[str, Any] = {"name": row.name}
        if row.commune:
            wanted["commune"] = row.commune
        school = schools.get(rbd)
        if school is None:
            school = School(network_id=network_id, rbd=rbd, **{"commune": "", **wanted})
            schools[rbd] = school
            session.add(school)
            school_counts.created += 1
            changes.append(
                RosterChange(entity="school", action="created", key=str(rbd), name=row.name, fields=[], line=row.line)
            )
            continue
        fields = [name for name, value in wanted.items() if getattr(school, name) != value]
        if fields:
            apply(school, wanted)
            session.add(school)
            school_counts.updated += 1
            changes.append(
                RosterChange(
                    entity="school", action="updated", key=str(rbd), name=row.name, fields=fields, line=row.line
                )
            )
        else:
            school_counts.unchanged += 1
    session.flush()
    people = {p.run: p for p in session.exec(select(Person).where(Person.network_id == network_id)).all()}
    for run, prow in sorted(roster.people.items(), key=lambda item: item[1].line):
        wanted = {"name": prow.name, "role": prow.role, "school_id": schools[prow.rbd].id}
        if prow.email:
            wanted["email"] = prow.email
        if prow.levels:
            wanted["levels"] = list(prow.levels)
        person = people.get(run)
        if person is None:
            person = Person(network_id=network_id, run=run, **wanted)
            session.add(person)
            people_counts.created += 1
            changes.append(
                RosterChange(entity="person", action="created", key=run, name=prow.name, fields=[], line=prow.line)
            )
            continue
        fields = [name for name, value in wanted.items() if getattr(person, name) != value]
        if fields:
            apply(person, wanted)
            session.add(person)
            people_counts.updated += 1
            changes.append(
                RosterChange(entity="person", action="updated", key=run, name=prow.name, fields=fields, line=prow.line)
            )
        else:
            people_counts.unchanged += 1
    if dry_run:
        session.rollback()
    else:
        session.commit()
    return RosterReport(
        dry_run=dry_run,
        schools=school_counts,
        people=people_counts,
        changes=changes,
        ignored_columns=list(roster.ignored_columns),
        encoding=roster.encoding,
        delimiter=roster.delimiter,
        rows=roster.data_rows,
    )
