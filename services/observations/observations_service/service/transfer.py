"""Export and import of observations in the long format (the format and its parsing: ``domain/transfer.py``).

The import is all-or-nothing: every problem is listed by row and nothing is written unless there is none.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mejora_common.auth import Principal
from mejora_common.db import utcnow
from mejora_common.errors import ProblemError, conflict, invalid
from mejora_common.service_client import ServiceClient

from ..clients import cycles
from ..domain.transfer import (
    COLUMNS,
    FileError,
    ImportedObservation,
    RowError,
    check_against_instrument,
    group_rows,
    parse_body,
    parse_rows,
)
from ..models import Instrument, Observation
from ..schemas import CycleIn, ImportResult
from . import view_log
from .content import content_of, cycles_json
from .instruments import spec_of
from .references import (
    OBSERVER_NOT_IN_NETWORK,
    SCHOOL_NOT_IN_NETWORK,
    in_network,
    lookup_many,
    teacher_problem,
)

# --- export ----------------------------------------------------------------------------------------


def export_observations(
    session: Session, principal: Principal, network_id: uuid.UUID, *, wave: str | None, include_drafts: bool
) -> list[dict[str, Any]]:
    """The network's observations as long-format rows (by date, teacher and id), logged as viewed."""
    query = select(Observation).where(Observation.network_id == network_id)
    if wave is not None:
        query = query.where(Observation.wave == wave)
    if not include_drafts:
        query = query.where(Observation.status == "submitted")
    observations = session.exec(
        query.order_by(col(Observation.observed_on), col(Observation.teacher_id), col(Observation.id))
    ).all()
    ids = {o.instrument_id for o in observations}
    instruments = {i.id: i for i in session.exec(select(Instrument).where(col(Instrument.id).in_(ids))).all()}
    rows = export_rows(observations, instruments)
    filters = {"network_id": network_id, "wave": wave, "include_drafts": include_drafts}
    view_log.record_rows(session, principal, "export", observations, filters)
    return rows


def export_rows(
    observations: Sequence[Observation], instruments: Mapping[uuid.UUID, Instrument]
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for obs in observations:
        instrument = instruments[obs.instrument_id]
        spec = spec_of(instrument)
        for cycle in obs.cycles:
            for dim in spec.dimensions:
                score = (cycle.get("scores") or {}).get(dim.code)
                rows.append(
                    {
                        "observation_id": str(obs.id),
                        "network_id": str(obs.network_id),
                        "school_id": str(obs.school_id),
                        "teacher_id": str(obs.teacher_id),
                        "observer_id": str(obs.observer_id),
                        "instrument_code": instrument.code,
                        "instrument_version": instrument.version,
                        "level": obs.level,
                        "observed_on": obs.observed_on.isoformat(),
                        "wave": obs.wave,
                        "mode": obs.mode,
                        "status": obs.status,
                        "double_codes_id": str(obs.double_codes_id) if obs.double_codes_id else None,
                        "cycle_number": cycle["number"],
                        "cycle_started_at": cycle.get("started_at"),
                        "cycle_duration_minutes": cycle.get("duration_minutes"),
                        "cycle_notes": cycle.get("notes") or "",
                        "domain_code": dim.domain_code,
                        "dimension_code": dim.code,
                        "score": score,
                        "evidence": obs.evidence.get(dim.code, ""),
                    }
                )
    return rows


# --- import ----------------------------------------------------------------------------------------


async def import_observations(
    session: Session,
    principal: Principal,
    network_id: uuid.UUID,
    *,
    raw: bytes,
    content_type: str,
    dry_run: bool,
    cycles_client: ServiceClient,
    token: str | None,
) -> ImportResult:
    """Check every row (database and cycles service) and, unless ``dry_run``, insert all or nothing."""
    try:
        rows = parse_body(raw, content_type)
    except FileError as exc:
        raise invalid("body", str(exc), "invalid_file") from exc
    errors: list[RowError] = []
    parsed = parse_rows(rows, errors)
    groups = group_rows(parsed, network_id, errors)
    to_create, unchanged = await run_in_threadpool(check_groups, session, network_id, groups, errors)
    if to_create:
        await check_import_references(cycles_client, token, network_id, to_create, errors)
    if errors:
        errors.sort(key=lambda e: (e.row, COLUMNS.index(e.field) if e.field in COLUMNS else 99))
        raise ProblemError(
            422,
            "import_rejected",
            f"La importación tiene {len(errors)} error(es); no se guardó nada.",
            errors=[e.as_dict() for e in errors],
        )
    created: list[uuid.UUID] = []
    if not dry_run and to_create:
        created = await run_in_threadpool(apply_import, session, to_create, principal.account_id)
    return ImportResult(
        dry_run=dry_run,
        rows=len(rows),
        observations=len(groups),
        created=len(to_create),
        unchanged=unchanged,
        observation_ids=created if not dry_run else [g.id for g in to_create],
    )


async def check_import_references(
    client: ServiceClient,
    token: str | None,
    network_id: uuid.UUID,
    groups: Sequence[ImportedObservation],
    errors: list[RowError],
) -> None:
    """Schools and people of the observations to create, in the cycles service (503 when it is down)."""
    schools = await lookup_many(client, token, cycles.get_school, {g.values["school_id"] for g in groups})
    people_ids = {g.values["teacher_id"] for g in groups} | {g.values["observer_id"] for g in groups}
    people = await lookup_many(client, token, cycles.get_person, people_ids)
    for group in groups:
        if not in_network(schools.get(group.values["school_id"]), network_id):
            errors.append(RowError(group.first_row, "school_id", SCHOOL_NOT_IN_NETWORK))
        problem = teacher_problem(people.get(group.values["teacher_id"]), network_id, group.values["school_id"])
        if problem is not None:
            errors.append(RowError(group.first_row, "teacher_id", problem))
        if not in_network(people.get(group.values["observer_id"]), network_id):
            errors.append(RowError(group.first_row, "observer_id", OBSERVER_NOT_IN_NETWORK))


def import_content(group: ImportedObservation) -> dict[str, Any]:
    """The stored content of an imported observation (``ValidationError`` when its cycles are not valid)."""
    cycles_in = [CycleIn.model_validate(values) for values in group.cycle_values()]
    return group.content(cycles_json(cycles_in))


def _instrument(session: Session, code: str, version: int | None, network_id: uuid.UUID) -> Instrument | None:
    query = select(Instrument).where(Instrument.code == code)
    if version is not None:
        query = query.where(Instrument.version == version)
    instrument = session.exec(query.order_by(col(Instrument.version).desc())).first()
    if instrument is None or (instrument.network_id is not None and instrument.network_id != network_id):
        return None
    return instrument


def check_groups(
    session: Session, network_id: uuid.UUID, groups: Sequence[ImportedObservation], errors: list[RowError]
) -> tuple[list[ImportedObservation], int]:
    """Instrument, scores, existing rows and double coding; returns (to create, unchanged count)."""
    instruments: dict[tuple[str, int | None], Instrument | None] = {}
    to_create: list[ImportedObservation] = []
    unchanged = 0
    by_id = {g.id: g for g in groups}
    for group in groups:
        key = (group.values["instrument_code"], group.values["instrument_version"])
        if key not in instruments:
            instruments[key] = _instrument(session, key[0], key[1], network_id)
        instrument = instruments[key]
        if instrument is None:
            errors.append(RowError(group.first_row, "instrument_code", "El instrumento no existe en esta red."))
            continue
        group.instrument_id = instrument.id
        check_against_instrument(group, spec_of(instrument), errors)
        try:
            content = import_content(group)
        except ValidationError:
            errors.append(RowError(group.first_row, "cycle_number", "Los ciclos no son válidos."))
            continue
        existing = session.get(Observation, group.id)
        if existing is not None:
            if (
                existing.network_id == network_id
                and content_of(existing) == content
                and (existing.status == group.values["status"])
            ):
                unchanged += 1
                continue
            errors.append(
                RowError(
                    group.first_row,
                    "observation_id",
                    "Ya existe una observación con este id y otro contenido; no se sobrescribe.",
                )
            )
            continue
        _check_double_coding(session, network_id, group, content, by_id=by_id, errors=errors)
        to_create.append(group)
    session.rollback()
    return to_create, unchanged


def _check_double_coding(
    session: Session,
    network_id: uuid.UUID,
    group: ImportedObservation,
    content: Mapping[str, Any],
    *,
    by_id: Mapping[uuid.UUID, ImportedObservation],
    errors: list[RowError],
) -> None:
    """The observation coded a second time is in the file (checked before this one) or stored in the network."""
    target_id = group.values["double_codes_id"]
    if target_id is None:
        return
    target = by_id.get(target_id)
    target_values: dict[str, Any] | None = None
    if target is not None and target.instrument_id is not None:
        target_values = {
            "teacher_id": target.values["teacher_id"],
            "observer_id": target.values["observer_id"],
            "instrument_id": target.instrument_id,
        }
    else:
        stored = session.get(Observation, target_id)
        if stored is not None and stored.network_id == network_id:
            target_values = {
                "teacher_id": stored.teacher_id,
                "observer_id": stored.observer_id,
                "instrument_id": stored.instrument_id,
            }
    if target_values is None:
        errors.append(RowError(group.first_row, "double_codes_id", "La observación codificada no existe en esta red."))
    elif (
        target_values["teacher_id"] != content["teacher_id"]
        or target_values["instrument_id"] != content["instrument_id"]
        or target_values["observer_id"] == content["observer_id"]
    ):
        errors.append(
            RowError(
                group.first_row,
                "double_codes_id",
                "La segunda codificación debe ser de la misma docente, con el mismo instrumento y por otra "
                "persona observadora.",
            )
        )


def apply_import(session: Session, groups: Sequence[ImportedObservation], created_by: uuid.UUID) -> list[uuid.UUID]:
    """Insert every observation in one transaction (all or nothing)."""
    now = utcnow()
    for group in groups:
        row = Observation(id=group.id, created_by=created_by, **import_content(group))
        row.status = group.values["status"]
        if row.status == "submitted":
            row.submitted_at = now
        session.add(row)
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise conflict(
            "conflict",
            "Otra persona guardó observaciones con los mismos ids mientras se importaba. Vuelve a intentarlo.",
        ) from exc
    return [g.id for g in groups]
