"""Publishing a wave's network results, and reading what was published (docs/privacy.md, "Releases").

A coordinator publishes a release when a wave's collection ends: the observations of that moment are frozen (each
one's version, its classroom's school and level, its scores) and the figures every other reader will see are
computed once and stored. Before storing, the disclosure check (``domain/disclosure.py``) runs over every value ever
released for the wave, and over the paired comparisons other waves' releases made with it: a cell whose new value
would let a reader recover the scores of fewer than k classrooms keeps its last published value ("según la
publicación N") or stays suppressed. A release that would change nothing, or whose whole history no longer passes
the check (k was lowered), is refused with the reasons.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mejora_common.auth import Principal
from mejora_common.errors import ProblemError, forbidden, not_found
from mejora_common.pagination import Page, PageParams, paginate

from ..cancellation import Cancellation, all_or_nothing
from ..clients import Siblings, releases_support
from ..clients import cycles as cycles_client
from ..domain.disclosure import PlannedCell, Units, plan_release
from ..domain.release_cells import (
    ReleaseUnit,
    cells_from_json,
    cells_to_json,
    comparison_cells,
    elsewhere_rows,
    final_audit,
    group_cells,
    held_cells,
)
from ..domain.results import NETWORK_KEY
from ..models.releases import Release, ReleaseObservation
from ..schemas.releases import ReleaseOut
from .release_explain import held_out, refusal
from .release_queries import find_release, frozen_observations, observation_count, releases_of
from .release_snapshot import (
    comparison_document,
    frozen_observation,
    group_documents,
    latest_per_classroom,
    shown_comparison,
    shown_documents,
    unit_of,
)
from .results import DEFAULT_SCALE, choose_instrument, structure_of, viewer_role, wave_scores


def require_coordinator(principal: Principal, network_id: uuid.UUID) -> None:
    """Only the network's coordinators publish (404 for non-members, 403 for other members)."""
    role, _ = viewer_role(principal, network_id)
    if role != "coordinator":
        raise forbidden("Solo la coordinación de la red publica los resultados de una ola.", "coordinators_only")


def frozen_units(session: Session, release: Release) -> list[ReleaseUnit]:
    return [unit_of(obs, release.wave) for obs in frozen_observations(session, release)]


def _other_waves(session: Session, network_id: uuid.UUID, wave: str) -> tuple[dict[str, Units], dict[str, Release]]:
    """Rows released in the network's other waves, and each other wave's latest release (to compare with)."""
    by_wave: dict[str, list[Release]] = {}
    for release in releases_of(session, network_id):
        if release.wave != wave:
            by_wave.setdefault(release.wave, []).append(release)
    rows: dict[str, Units] = {}
    for other, releases in by_wave.items():
        rows.update(elsewhere_rows(other, [cells_from_json(r.cells) for r in releases]))
    return rows, {other: releases[-1] for other, releases in by_wave.items()}


async def publish_release(
    session: Session,
    siblings: Siblings,
    principal: Principal,
    network_id: uuid.UUID,
    wave: str,
    *,
    k: int,
    cancel: Cancellation | None = None,
) -> ReleaseOut:
    """Freeze the wave's observations, run the check, and store the release (or refuse with the reasons)."""
    require_coordinator(principal, network_id)
    release, frozen = await build_release(session, siblings, network_id, wave, k=k, cancel=cancel)
    release.published_by_account_id = principal.account_id
    release.published_by_name = principal.name or principal.email
    return store_release(session, release, frozen)


async def build_release(
    session: Session,
    siblings: Siblings,
    network_id: uuid.UUID,
    wave: str,
    *,
    k: int,
    cancel: Cancellation | None = None,
) -> tuple[Release, list[ReleaseObservation]]:
    """The next release of the wave and the observations it freezes, checked and ready to store (its publisher is
    set by the caller)."""
    token = siblings.service_token()
    async with all_or_nothing() as group:
        rows_read = group.create_task(wave_scores(siblings, network_id, wave, token, cancel))
        schools_read = group.create_task(cycles_client.schools(siblings.cycles, network_id, token, cancel))
    (rows, known_versions), schools = rows_read.result(), schools_read.result()
    versions = known_versions
    if versions is None:  # an observations service without ``observations:aggregate``: the versions listed apart
        versions = await releases_support.observation_versions(siblings.observations, network_id, wave, token, cancel)
    instrument = choose_instrument(rows, None)
    chosen = latest_per_classroom(rows, instrument)
    if not chosen:
        raise ProblemError(
            422,
            "nothing_to_publish",
            f"La ola {wave} no tiene observaciones enviadas: no hay resultados que publicar.",
        )
    frozen = [frozen_observation(row, versions.get(row.observation_id, 0)) for row in chosen]
    units = [unit_of(obs, wave) for obs in frozen]
    structure = structure_of(chosen)
    scale = next(((r.scale.min, r.scale.max) for r in chosen), DEFAULT_SCALE)
    school_names = {str(s.id): s.name or "Establecimiento" for s in schools}

    previous_releases = releases_of(session, network_id, wave)
    previous = [cells_from_json(r.cells) for r in previous_releases]
    elsewhere, latest_other = _other_waves(session, network_id, wave)
    current, partitions = group_cells(units)
    other_units = {other: frozen_units(session, release) for other, release in latest_other.items()}
    for other, before in sorted(other_units.items()):
        current.update(comparison_cells(other, before, units))
    plan = plan_release(previous, current, partitions, k, known_elsewhere=elsewhere)
    number = len(previous) + 1
    _refuse_if_unsafe(
        previous,
        plan=plan,
        current=current,
        partitions=partitions,
        elsewhere=elsewhere,
        k=k,
        number=number,
        school_names=school_names,
    )

    earlier = {r.number: r.document for r in previous_releases}
    fresh = group_documents(units, wave=wave, k=k, scale=scale, structure=structure, school_names=school_names)
    comparisons: dict[str, Any] = {}
    for other, before in sorted(other_units.items()):
        today = comparison_document(other, before, units, wave=wave, k=k, structure=structure)
        shown = shown_comparison(other, plan, today, earlier)
        if shown is not None:
            comparisons[other] = {**shown, "before_release": shown.get("before_release") or latest_other[other].number}
    held = held_cells(plan, current, partitions=partitions, previous=previous, known_elsewhere=elsewhere, k=k)
    release = Release(
        network_id=network_id,
        wave=wave,
        number=number,
        k=k,
        instrument_code=instrument,
        published_by_account_id=None,
        published_by_name="",
        document={
            "instrument_code": instrument,
            "scale_min": scale[0],
            "scale_max": scale[1],
            "structure": [d.model_dump(mode="json") for d in structure],
            "groups": shown_documents(plan, fresh, earlier),
            "comparisons": comparisons,
            "held": [h.model_dump(mode="json") for h in held_out(held, school_names, k)],
        },
        cells=cells_to_json(plan),
    )
    return release, frozen


def _refuse_if_unsafe(
    previous: Sequence[Mapping[str, PlannedCell]],
    *,
    plan: Mapping[str, PlannedCell],
    current: Mapping[str, Units],
    partitions: Sequence[Any],
    elsewhere: Mapping[str, Units],
    k: int,
    number: int,
    school_names: Mapping[str, str],
) -> None:
    findings = final_audit(previous, plan, elsewhere, k)
    if findings:
        raise refusal("history", number, k, findings=findings, held=[], school_names=school_names)
    if not previous and plan.get(NETWORK_KEY, PlannedCell("suppressed", frozenset())).status != "new":
        raise refusal("too_few", number, k, findings=[], held=[], school_names=school_names)
    if previous and all(cell.status != "new" or cell.units == _last_units(previous, key) for key, cell in plan.items()):
        held = held_cells(plan, current, partitions=partitions, previous=previous, known_elsewhere=elsewhere, k=k)
        raise refusal("nothing_new", number, k, findings=[], held=held, school_names=school_names)


def _last_units(previous: Sequence[Mapping[str, PlannedCell]], key: str) -> Units | None:
    for release in reversed(previous):
        cell = release.get(key)
        if cell is not None and cell.status == "new":
            return cell.units
    return None


def store_release(session: Session, release: Release, frozen: Sequence[ReleaseObservation]) -> ReleaseOut:
    """Store the release and its frozen observations; two coordinators publishing at once: one gets 409."""
    wave = release.wave
    session.add(release)
    try:
        session.flush()
        for obs in frozen:
            obs.release_id = release.id
            session.add(obs)
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise ProblemError(
            409,
            "release_in_progress",
            f"Otra persona publicó los resultados de la ola {wave} en este momento; revisa la lista de publicaciones.",
        ) from exc
    session.refresh(release)
    return release_out(release, len(frozen), coordinator=True)


def release_out(release: Release, observations: int | None, *, coordinator: bool) -> ReleaseOut:
    return ReleaseOut(
        id=release.id,
        network_id=release.network_id,
        wave=release.wave,
        number=release.number,
        k=release.k,
        instrument_code=release.instrument_code,
        published_at=release.published_at,
        published_by=release.published_by_name,
        published_by_account_id=release.published_by_account_id if coordinator else None,
        observations=observations if coordinator else None,
        held=release.document.get("held", []) if coordinator else None,
    )


def list_releases(
    session: Session, principal: Principal, network_id: uuid.UUID, wave: str, params: PageParams
) -> Page[ReleaseOut]:
    """Every member may list a wave's releases (newest first); the details are for coordinators."""
    role, _ = viewer_role(principal, network_id)
    query = select(Release).where(Release.network_id == network_id, Release.wave == wave)
    rows, total = paginate(session, query, params.limit, params.offset, col(Release.number).desc())
    items = [
        release_out(
            r, observation_count(session, r) if role == "coordinator" else None, coordinator=role == "coordinator"
        )
        for r in rows
    ]
    return Page[ReleaseOut].of(items, total, params)


def get_release(session: Session, principal: Principal, network_id: uuid.UUID, wave: str, number: int) -> ReleaseOut:
    role, _ = viewer_role(principal, network_id)
    release = find_release(session, network_id, wave, number)
    if release is None:
        raise not_found("La publicación")
    coordinator = role == "coordinator"
    return release_out(release, observation_count(session, release) if coordinator else None, coordinator=coordinator)
