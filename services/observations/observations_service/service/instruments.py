"""Instruments: read, create, and edit (a used version is never changed: an edit creates a new one)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from mejora_common.auth import Principal
from mejora_common.db import utcnow
from mejora_common.errors import ProblemError, conflict, not_found
from mejora_common.versioning import check_if_match, stale

from ..domain.instrument import InstrumentError, InstrumentSpec, load_instrument
from ..models import Instrument, Observation
from ..schemas import DimensionRead, DomainRead, InstrumentBody, InstrumentCreate, InstrumentRead, Scale
from .access import require_coordinator, require_member

_SPECS: dict[tuple[uuid.UUID, datetime], InstrumentSpec] = {}


def spec_of(instrument: Instrument) -> InstrumentSpec:
    """The validated spec of a stored instrument, cached per id and last change.

    A used instrument never changes; an unused one edited in place gets a new
    ``updated_at``, hence a new cache entry.
    """
    key = (instrument.id, instrument.updated_at)
    spec = _SPECS.get(key)
    if spec is None:
        if len(_SPECS) > 512:
            _SPECS.clear()
        spec = _SPECS[key] = load_instrument(instrument.definition)
    return spec


def _visible(principal: Principal, instrument: Instrument) -> bool:
    if instrument.network_id is None or principal.is_service:
        return True
    return principal.membership(instrument.network_id) is not None


def in_use(session: Session, instrument_id: uuid.UUID) -> bool:
    query = select(Observation.id).where(Observation.instrument_id == instrument_id).limit(1)
    return session.exec(query).first() is not None


def _latest_versions(session: Session, codes: list[str]) -> dict[str, int]:
    if not codes:
        return {}
    rows = session.exec(
        select(Instrument.code, func.max(Instrument.version))
        .where(col(Instrument.code).in_(codes))
        .group_by(col(Instrument.code))
    ).all()
    return {code: int(version) for code, version in rows}


def _used_ids(session: Session, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    if not ids:
        return set()
    rows = session.exec(
        select(Observation.instrument_id).where(col(Observation.instrument_id).in_(ids)).distinct()
    ).all()
    return set(rows)


def to_read(instrument: Instrument, *, latest: bool, used: bool) -> InstrumentRead:
    spec = spec_of(instrument)
    return InstrumentRead(
        id=instrument.id,
        code=instrument.code,
        name=instrument.name,
        version=instrument.version,
        description=instrument.description,
        scale=Scale(min=spec.scale_min, max=spec.scale_max),
        min_cycles=spec.min_cycles,
        domains=[
            DomainRead(
                code=domain.code,
                name=domain.name,
                order=domain.order,
                dimensions=[
                    DimensionRead(code=d.code, name=d.name, name_en=d.name_en, reverse=d.reverse, order=d.order)
                    for d in domain.dimensions
                ],
            )
            for domain in spec.domains
        ],
        builtin=instrument.builtin,
        network_id=instrument.network_id,
        previous_version_id=instrument.previous_version_id,
        latest=latest,
        in_use=used,
        revision=instrument.revision,
        created_at=instrument.created_at,
        updated_at=instrument.updated_at,
    )


def _reads(session: Session, instruments: list[Instrument]) -> list[InstrumentRead]:
    latest = _latest_versions(session, sorted({i.code for i in instruments}))
    used = _used_ids(session, [i.id for i in instruments])
    return [to_read(i, latest=latest.get(i.code) == i.version, used=i.id in used) for i in instruments]


def list_instruments(
    session: Session,
    principal: Principal,
    *,
    network_id: uuid.UUID | None,
    code: str | None,
    include_old_versions: bool,
    limit: int,
    offset: int,
) -> tuple[list[InstrumentRead], int]:
    if network_id is not None:
        require_member(principal, network_id)
        networks: list[uuid.UUID] | None = [network_id]
    else:
        networks = None if principal.is_service else principal.network_ids()
    conditions: list[Any] = []
    if networks is not None:
        conditions.append(or_(col(Instrument.network_id).is_(None), col(Instrument.network_id).in_(networks)))
    if code:
        conditions.append(Instrument.code == code)
    if not include_old_versions:
        newest = (
            select(Instrument.code, func.max(Instrument.version).label("version"))
            .group_by(col(Instrument.code))
            .subquery()
        )
        conditions.append(
            select(newest.c.code)
            .where(newest.c.code == Instrument.code, newest.c.version == Instrument.version)
            .exists()
        )
    total = session.exec(select(func.count()).select_from(Instrument).where(*conditions)).one()
    rows = session.exec(
        select(Instrument)
        .where(*conditions)
        .order_by(col(Instrument.builtin).desc(), col(Instrument.code), col(Instrument.version).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return _reads(session, list(rows)), total


def get_row(session: Session, principal: Principal, instrument_id: uuid.UUID) -> Instrument:
    instrument = session.get(Instrument, instrument_id)
    if instrument is None or not _visible(principal, instrument):
        raise not_found("El instrumento")
    return instrument


def get_instrument(session: Session, principal: Principal, instrument_id: uuid.UUID) -> InstrumentRead:
    return _reads(session, [get_row(session, principal, instrument_id)])[0]


def _document(code: str, version: int, body: InstrumentBody) -> dict[str, Any]:
    document: dict[str, Any] = body.model_dump(mode="json", include=set(InstrumentBody.model_fields))
    document["code"] = code
    document["version"] = version
    return document


def _validated(document: dict[str, Any]) -> InstrumentSpec:
    try:
        return load_instrument(document)
    except InstrumentError as exc:
        raise ProblemError(
            422,
            "invalid_instrument",
            "La definición del instrumento tiene errores.",
            errors=[{"field": issue.path, "message": issue.message} for issue in exc.issues],
        ) from exc


def _new_row(spec: InstrumentSpec, document: dict[str, Any], network_id: uuid.UUID, person_id: uuid.UUID) -> Instrument:
    return Instrument(
        code=spec.code,
        version=spec.version,
        name=spec.name,
        description=spec.description,
        scale_min=spec.scale_min,
        scale_max=spec.scale_max,
        min_cycles=spec.min_cycles,
        definition=document,
        builtin=False,
        network_id=network_id,
        created_by=person_id,
    )


def _code_taken() -> ProblemError:
    return ProblemError(
        409,
        "instrument_code_taken",
        "Ya existe un instrumento con ese código. Edítalo para crear una nueva versión, o elige otro código.",
        errors=[{"field": "code", "message": "Este código ya está en uso."}],
    )


def create_instrument(session: Session, principal: Principal, body: InstrumentCreate) -> InstrumentRead:
    membership = require_coordinator(principal, body.network_id, "write")
    assert membership is not None
    document = _document(body.code, 1, body)
    spec = _validated(document)
    if session.exec(select(Instrument.id).where(Instrument.code == body.code)).first() is not None:
        raise _code_taken()
    row = _new_row(spec, document, body.network_id, membership.person_id)
    session.add(row)
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise _code_taken() from exc
    session.refresh(row)
    return to_read(row, latest=True, used=False)


def _editable(session: Session, principal: Principal, instrument_id: uuid.UUID) -> tuple[Instrument, uuid.UUID]:
    """The instrument to edit and the editing coordinator's person id (409 when builtin or not the latest)."""
    current = get_row(session, principal, instrument_id)
    if current.builtin or current.network_id is None:
        raise conflict(
            "instrument_builtin", "Los instrumentos incluidos no se modifican. Crea un instrumento propio de la red."
        )
    membership = require_coordinator(principal, current.network_id, "write")
    assert membership is not None
    latest = _latest_versions(session, [current.code]).get(current.code)
    if latest != current.version:
        raise conflict(
            "instrument_not_latest",
            f"Esta no es la versión más reciente de «{current.code}» (la última es la {latest}). Edita esa.",
        )
    return current, membership.person_id


def update_instrument(
    session: Session, principal: Principal, instrument_id: uuid.UUID, body: InstrumentBody, if_match: str | None
) -> tuple[InstrumentRead, bool]:
    """Edit an instrument. Returns (instrument, created): a used version gets a new version instead.

    An edit needs ``If-Match`` with the instrument's ETag (428/412), checked atomically: in place by the row's
    version counter, as a new version by the unique (code, version), so of N concurrent edits holding one ETag
    exactly one is saved. Sending exactly the stored content changes nothing (200) whatever its ``If-Match``.
    """
    current, person_id = _editable(session, principal, instrument_id)
    used = in_use(session, current.id)
    if current.definition == _document(current.code, current.version, body):
        return to_read(current, latest=True, used=used), False
    check_if_match(current.revision, if_match, what="el instrumento")
    if not used:
        document = _document(current.code, current.version, body)
        spec = _validated(document)
        current.name = spec.name
        current.description = spec.description
        current.scale_min = spec.scale_min
        current.scale_max = spec.scale_max
        current.min_cycles = spec.min_cycles
        current.definition = document
        current.updated_at = utcnow()
        session.add(current)
        try:
            session.commit()
        except StaleDataError:
            session.rollback()
            raise stale() from None
        session.refresh(current)
        return to_read(current, latest=True, used=False), False
    assert current.network_id is not None
    document = _document(current.code, current.version + 1, body)
    spec = _validated(document)
    row = _new_row(spec, document, current.network_id, person_id)
    row.previous_version_id = current.id
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise stale() from None  # another edit of this version created the next one first
    session.refresh(row)
    return to_read(row, latest=True, used=False), True
