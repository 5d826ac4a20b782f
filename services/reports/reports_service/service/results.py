"""Network results for a learning session: aggregates of classroom observations, paired wave
comparison and the network's PHEA activity.

Individual scores are private (docs/architecture.md, "Users and roles"), so the reports service reads them with its own
service token and applies the rules itself before anything leaves it:

* every group (the network, a level, a school) and every domain/dimension inside a group with
  fewer than ``k`` classrooms is suppressed — no statistic, not even its ``n``
  (:func:`reports_service.domain.results.aggregate_results`);
* who sees which groups: coordinators, facilitators and coaches see the network, each level and
  each school; a school leader sees the network, each level and **only their own school**
  (shown only when it has at least ``k`` classrooms); a teacher sees the network and each level;
* integration clients (a SLEP system with an API key) of the network need the scope
  ``aggregates:read`` (403 naming it otherwise) and then see what a facilitator sees.

A classroom is a teacher at a level (``teacher_id:level``); when a classroom was observed more
than once in a wave, its latest observation counts.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Sequence

from sqlmodel import Session

from mejora_common.auth import Principal, missing_scope
from mejora_common.errors import ProblemError, not_found

from ..cancellation import Cancellation, all_or_nothing, check
from ..clients import Siblings
from ..clients import cycles as cycles_client
from ..clients import observations as observations_client
from ..clients.observations import Observation, ScoresRow
from ..domain.comparison import compare_waves
from ..domain.results import (
    ClassroomRecord,
    DimensionValue,
    aggregate_results,
)
from ..schemas.results import (
    ComparisonOut,
    DimensionMeta,
    DomainMeta,
    NetworkRef,
    NetworkResultsReport,
    ResultsSource,
    WaveInfo,
    WavesOut,
)
from .labels import level_label
from .release_queries import release_waves, released_waves
from .results_release import no_release, released_results
from .results_view import activity_of, comparison_out, domain_charts, group_out

#: The scope an integration client needs to read network results (granted in the cycles service).
AGGREGATES_READ = "aggregates:read"
#: Concurrent score reads when the observations service has no ``observations:scores``.
FALLBACK_CONCURRENCY = 8
#: The scale when no row says (CLASS: 1 to 7).
DEFAULT_SCALE = (1, 7)


def viewer_role(principal: Principal, network_id: uuid.UUID) -> tuple[str, uuid.UUID | None]:
    """The caller's role in the network and school; 404 for non-members (docs/architecture.md, "Users and roles")."""
    if principal.is_service:
        return "service", None
    membership = principal.membership(network_id)
    if membership is None:
        raise not_found("La red")
    if principal.is_integration and not principal.has_scope(AGGREGATES_READ):
        raise missing_scope(AGGREGATES_READ)
    return membership.role, membership.school_id


async def wave_scores(
    siblings: Siblings, network_id: uuid.UUID, wave: str, token: str, cancel: Cancellation | None = None
) -> tuple[list[ScoresRow], dict[uuid.UUID, int] | None]:
    """Stored scores of every submitted observation of a wave and their versions, read as the reports service in one
    compact answer (``observations:aggregate``); from an observations service without it, the scores alone."""
    answer = await observations_client.network_aggregate(siblings.observations, network_id, wave, token, cancel)
    if answer is not None:
        return observations_client.aggregate_rows(answer)
    return await wave_rows(siblings, network_id, wave, token, cancel), None


async def wave_rows(
    siblings: Siblings, network_id: uuid.UUID, wave: str, token: str, cancel: Cancellation | None = None
) -> list[ScoresRow]:
    """Scores of every submitted observation of a wave, read as the reports service (without the aggregate)."""
    rows = await observations_client.network_scores(siblings.observations, network_id, wave, token, cancel)
    if rows is not None:
        return rows
    # Fallback for an observations service without ``observations:scores``: list, then read each.
    listed = await observations_client.observations_list(
        siblings.observations,
        token,
        cancel,
        network_id=str(network_id),
        wave=wave,
        status="submitted",
        double_coding="false",
    )
    gate = asyncio.Semaphore(FALLBACK_CONCURRENCY)

    async def one(obs: Observation) -> ScoresRow | None:
        async with gate:
            scores = await observations_client.observation_scores(siblings.observations, obs.id, token, cancel)
        if not scores:
            return None
        return ScoresRow(
            observation_id=obs.id,
            school_id=obs.school_id,
            teacher_id=obs.teacher_id,
            level=obs.level,
            observed_on=obs.observed_on,
            instrument_code=obs.instrument_code,
            scale=scores.scale,
            dimensions=scores.dimensions,
            domains=scores.domains,
        )

    async with all_or_nothing() as group:
        reads = [group.create_task(one(o)) for o in listed]
    return [row for row in (read.result() for read in reads) if row]


def choose_instrument(rows: Sequence[ScoresRow], wanted: str | None) -> str | None:
    """The instrument to aggregate: the one asked for, else the most used in the wave."""
    if wanted:
        return wanted
    counts = Counter(r.instrument_code for r in rows)
    if not counts:
        return None
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[0][0]


def to_records(rows: Sequence[ScoresRow], wave: str, instrument_code: str | None) -> tuple[list[ClassroomRecord], int]:
    """One record per classroom (latest observation); how many rows of other instruments were left out."""
    latest: dict[str, ScoresRow] = {}
    excluded = 0

    def order(row: ScoresRow) -> tuple[str, str]:
        return (row.observed_on.isoformat(), str(row.observation_id))

    for row in rows:
        if instrument_code and row.instrument_code != instrument_code:
            excluded += 1
            continue
        key = f"{row.teacher_id}:{row.level}"
        current = latest.get(key)
        if current is None or order(row) > order(current):
            latest[key] = row
    records = [
        ClassroomRecord(
            classroom_key=key,
            school_id=str(row.school_id),
            level=row.level,
            wave=wave,
            dimensions={d.code: DimensionValue(mean=d.mean, adjusted=d.adjusted) for d in row.dimensions},
            domains={d.code: d.mean for d in row.domains},
        )
        for key, row in latest.items()
    ]
    return records, excluded


def structure_of(rows: Sequence[ScoresRow]) -> list[DomainMeta]:
    """Domains and their dimensions (names, reverse flag) in the order the scores list them."""
    domains: dict[str, DomainMeta] = {}
    seen: set[str] = set()
    for row in rows:
        for dom in row.domains:
            domains.setdefault(dom.code, DomainMeta(code=dom.code, name=dom.name or dom.code, dimensions=[]))
        for dim in row.dimensions:
            if dim.code in seen:
                continue
            seen.add(dim.code)
            meta = domains.setdefault(dim.domain, DomainMeta(code=dim.domain, name=dim.domain, dimensions=[]))
            meta.dimensions.append(DimensionMeta(code=dim.code, name=dim.name or dim.code, reverse=dim.reverse))
    return list(domains.values())


async def build_results(
    siblings: Siblings,
    principal: Principal,
    network_id: uuid.UUID,
    *,
    caller_token: str,
    wave: str,
    compare: str | None,
    k: int,
    instrument_code: str | None = None,
    cancel: Cancellation | None = None,
    session: Session | None = None,
    release: int | None = None,
) -> NetworkResultsReport:
    """The report: from a release for everyone but the network's coordinators (docs/privacy.md, "Releases"), who
    get the live data unless they ask for a release; every sibling page checks ``cancel`` first."""
    role, own_school = viewer_role(principal, network_id)
    if compare == wave:
        raise ProblemError(
            422,
            "validation_error",
            "La medición de comparación debe ser distinta de la medición principal.",
            errors=[{"field": "compare", "message": "Debe ser distinta de `wave`."}],
        )
    if role != "coordinator" or release is not None:
        if session is None:
            raise no_release(wave)
        return await released_results(
            session,
            siblings,
            principal,
            network_id,
            role=role,
            own_school=own_school,
            caller_token=caller_token,
            wave=wave,
            compare=compare,
            number=release,
            instrument_code=instrument_code,
            cancel=cancel,
        )
    return await live_results(
        siblings,
        network_id,
        role=role,
        caller_token=caller_token,
        wave=wave,
        compare=compare,
        k=k,
        instrument_code=instrument_code,
        cancel=cancel,
    )


async def live_results(
    siblings: Siblings,
    network_id: uuid.UUID,
    *,
    role: str,
    caller_token: str,
    wave: str,
    compare: str | None,
    k: int,
    instrument_code: str | None = None,
    cancel: Cancellation | None = None,
) -> NetworkResultsReport:
    """The live view (coordinators only: they may read every observation one by one anyway), marked as live."""
    token = siblings.service_token()

    async def nothing() -> tuple[list[ScoresRow], None]:
        return [], None

    # The first failure (a stop, a sibling down) cancels the other reads.
    async with all_or_nothing() as group:
        # The network itself is read as the caller (a member): its name is theirs to see.
        network_read = group.create_task(cycles_client.network(siblings.cycles, network_id, caller_token, cancel))
        now_read = group.create_task(wave_scores(siblings, network_id, wave, token, cancel))
        before_read = group.create_task(
            wave_scores(siblings, network_id, compare, token, cancel) if compare else nothing()
        )
        cycles_read = group.create_task(cycles_client.cycles_of(siblings.cycles, network_id, token, cancel))
        schools_read = group.create_task(cycles_client.schools(siblings.cycles, network_id, token, cancel))
    network, (rows_now, _), (rows_before, _) = network_read.result(), now_read.result(), before_read.result()
    cycles, schools = cycles_read.result(), schools_read.result()
    if network is None:
        raise not_found("La red")
    await check(cancel, "aggregating the results")
    school_names = {str(s.id): s.name or "Establecimiento" for s in schools}
    instrument = choose_instrument(rows_now or rows_before, instrument_code)
    records_now, excluded_now = to_records(rows_now, wave, instrument)
    records_before, excluded_before = to_records(rows_before, compare, instrument) if compare else ([], 0)
    sample = [r for r in [*rows_now, *rows_before] if not instrument or r.instrument_code == instrument]
    structure = structure_of(sample)
    scale = next(((r.scale.min, r.scale.max) for r in sample), DEFAULT_SCALE)

    now = aggregate_results(records_now, wave=wave, k=k, scale_min=scale[0], scale_max=scale[1])
    before = (
        aggregate_results(records_before, wave=compare, k=k, scale_min=scale[0], scale_max=scale[1])
        if compare
        else None
    )
    await check(cancel, "the results by group")

    by_level = [group_out(g, "level", level_label(g.key), structure) for g in now.by_level]
    school_groups = list(now.by_school)
    by_school = [group_out(g, "school", school_names.get(g.key, "Establecimiento"), structure) for g in school_groups]
    by_school.sort(key=lambda g: g.label)

    comparison: ComparisonOut | None = None
    if compare:
        result = compare_waves([*records_before, *records_now], before=compare, after=wave, k=k)
        comparison = comparison_out(result, structure)

    notes = [
        f"Solo se muestran grupos de al menos {k} aulas: los grupos menores aparecen como «suprimido», sin cifras.",
        "Vista en vivo (solo coordinación): calculada ahora con las observaciones enviadas. Las demás personas de la "
        "red ven solo los resultados publicados.",
    ]
    if excluded_now or excluded_before:
        notes.append(
            f"Se dejaron fuera {excluded_now + excluded_before} observaciones hechas con otro instrumento "
            f"(se agrega solo {instrument})."
        )
    if compare:
        notes.append(
            "La comparación es pareada: solo cuenta las aulas observadas en ambas mediciones; en Clima negativo el "
            "cambio usa el puntaje ajustado (positivo = mejora). d_z = cambio promedio / DE del cambio."
        )

    return NetworkResultsReport(
        network=NetworkRef(id=network_id, name=network.name),
        source=ResultsSource(kind="live", label="Vista en vivo (sin publicar)"),
        wave=wave,
        compare=compare,
        k=k,
        instrument_code=instrument,
        scale_min=scale[0],
        scale_max=scale[1],
        viewer_role=role,
        structure=structure,
        network_results=group_out(now.network, "network", "Toda la red", structure),
        by_level=by_level,
        by_school=by_school,
        comparison=comparison,
        activity=activity_of(cycles, school_names),
        charts=domain_charts(
            structure,
            now=now.network,
            before=before.network if before else None,
            wave=wave,
            compare=compare,
            scale=scale,
        ),
        notes=notes,
    )


async def list_waves(
    siblings: Siblings,
    principal: Principal,
    network_id: uuid.UUID,
    cancel: Cancellation | None = None,
    session: Session | None = None,
) -> WavesOut:
    """The waves of the network (how many observations each, and how many releases), newest first.

    Coordinators see every wave with submitted observations and its live count. Everyone else sees only the waves
    with a release, and the count of the latest release: a live count would tell when each observation arrives.
    """
    role, _school = viewer_role(principal, network_id)
    if role != "coordinator":
        published = released_waves(session, network_id) if session is not None else {}
        return WavesOut(
            network_id=network_id,
            waves=[
                WaveInfo(wave=w, observations=n, releases=releases)
                for w, (releases, n) in sorted(published.items(), reverse=True)
            ],
        )
    token = siblings.service_token()
    listed = await observations_client.observations_list(
        siblings.observations, token, cancel, network_id=str(network_id), status="submitted", double_coding="false"
    )
    counts = Counter(o.wave for o in listed if o.wave)
    released = Counter(w for w in release_waves(session, network_id)) if session is not None else Counter()
    return WavesOut(
        network_id=network_id,
        waves=[
            WaveInfo(wave=w, observations=counts.get(w, 0), releases=released.get(w, 0))
            for w in sorted(set(counts) | set(released), reverse=True)
        ],
    )
