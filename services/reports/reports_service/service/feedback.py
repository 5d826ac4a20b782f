"""A teacher's feedback on one observation.

Everything is read **with the caller's rights** (the caller's token; the observations client turns it into a
service token acting for the caller, see ``clients/__init__.py``): the observations service decides who
may read an observation's scores (the teacher, the coach who observed, network
coordinators — docs/architecture.md, "Users and roles"), so a report never shows more than its reader could
read one by one, and it logs each read in the teacher's view log naming the caller. Only this teacher's
observations are read; nothing about any other teacher reaches the report.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Sequence
from datetime import date
from typing import TypeVar

from mejora_common.errors import ProblemError, conflict, not_found

from ..cancellation import Cancellation, all_or_nothing
from ..clients import Siblings
from ..clients import cycles as cycles_client
from ..clients import observations as observations_client
from ..clients.cycles import Aim, DiagramVersion, School
from ..clients.observations import DimensionScore, Instrument, Observation, Scores
from ..domain.diagram import current_diagram, tagged_change_ideas
from ..domain.feedback import DimensionResult, FeedbackSelection, compare_with_previous, feedback_text, select_feedback
from ..domain.results import band_thresholds
from ..render.fmt import long_date
from ..schemas.charts import BandRange, BarChartSpec, BarSeries
from ..schemas.feedback import (
    ChangeIdeaSuggestion,
    DimensionChangeOut,
    DomainScore,
    FeedbackDimension,
    FeedbackReport,
    FocusDomain,
    InstrumentRef,
    ObservationRef,
    PersonRef,
    PreviousObservation,
    SchoolRef,
    StartCycle,
)
from ..schemas.feedback import (
    DimensionScore as DimensionScoreOut,
)
from .charts import chart_scale, chartable
from .diagram import read_diagram
from .labels import band_label, level_label

T = TypeVar("T")

CLOSING = (
    "Estos datos son para aprender, no para juzgar: te invitamos a conversar esta devolución con tu acompañante y "
    "a probar una idea de cambio en un ciclo PHEA corto."
)


def dimension_orders(instrument: Instrument | None) -> tuple[dict[str, int], dict[str, str], dict[str, int]]:
    """Instrument order of each dimension (domains first, then dimensions), domain names and domain orders."""
    orders: dict[str, int] = {}
    domain_names: dict[str, str] = {}
    domain_orders: dict[str, int] = {}
    domains = sorted(instrument.domains, key=lambda d: d.order) if instrument is not None else []
    for d_index, domain in enumerate(domains):
        domain_names[domain.code] = domain.name or domain.code
        domain_orders[domain.code] = d_index
        for dim in domain.dimensions:
            # (domain order, dimension order) as one number: right whether the instrument numbers its
            # dimensions across domains (CLASS: 1..10) or within each domain.
            orders[dim.code] = 1000 * d_index + dim.order
    return orders, domain_names, domain_orders


def dimension_results(dimensions: Sequence[DimensionScore], orders: dict[str, int]) -> list[DimensionResult]:
    """The observation's dimensions as the feedback rule reads them."""
    return [
        DimensionResult(
            code=dim.code,
            name=dim.name or dim.code,
            domain_code=dim.domain,
            order=orders.get(dim.code, 10_000 + position),
            adjusted=dim.adjusted,
            mean=dim.mean,
            band=dim.band,
            reverse=dim.reverse,
        )
        for position, dim in enumerate(dimensions)
    ]


def focus_domain_of(aims: Sequence[Aim]) -> str | None:
    """The network aim's focus domain (the most recently updated aim that names one)."""
    named = [a for a in aims if a.focus_domain]
    if not named:
        return None
    latest = max(named, key=lambda a: a.updated_at or a.created_at)
    return latest.focus_domain


async def optional(read: Awaitable[T]) -> T | None:
    """A sibling read whose refusal (404/403 as ProblemError 4xx) leaves a gap instead of failing the report."""
    try:
        return await read
    except ProblemError as exc:
        if exc.status >= 500:
            raise
        return None


def _suggestions(
    diagrams: Sequence[DiagramVersion], priority: DimensionResult, domain_names: dict[str, str], network_id: uuid.UUID
) -> tuple[list[ChangeIdeaSuggestion], StartCycle]:
    """The change ideas tagged with the priority dimension, and the PHEA cycle the report proposes to start."""
    diagram = current_diagram([read_diagram(d) for d in diagrams])
    suggestions = [
        ChangeIdeaSuggestion(id=node.id, key=node.key, text=node.text, tags=node.tags, driver=driver)
        for node, driver in tagged_change_ideas(diagram, priority.code)
    ]
    first = suggestions[0] if suggestions else None
    objective = f"Mejorar {priority.name} ({domain_names.get(priority.domain_code, priority.domain_code)})"
    if first is not None:
        objective += f" probando la idea de cambio «{first.text}»"
    start_cycle = StartCycle(
        network_id=network_id,
        title=f"Ciclo PHEA: {priority.name}"[:200],
        objective=objective + ".",
        change_idea_id=first.id if first else None,
    )
    return suggestions, start_cycle


def _highlighted(d: DimensionResult, domain_names: dict[str, str], evidence: dict[str, str]) -> FeedbackDimension:
    return FeedbackDimension(
        code=d.code,
        name=d.name,
        domain=d.domain_code,
        domain_name=domain_names.get(d.domain_code, d.domain_code),
        mean=d.mean,
        adjusted=d.adjusted,
        band=d.band,
        band_label=band_label(d.band),
        reverse=d.reverse,
        evidence=evidence.get(d.code, "").strip(),
    )


def _observation_ref(observation: Observation) -> ObservationRef:
    return ObservationRef(
        id=observation.id,
        observed_on=observation.observed_on,
        date_label=long_date(observation.observed_on),
        wave=observation.wave,
        level=observation.level,
        level_label=level_label(observation.level),
        mode=observation.mode,
        status=observation.status,
    )


def _instrument_ref(observation: Observation, instrument: Instrument | None, scale: tuple[int, int]) -> InstrumentRef:
    return InstrumentRef(
        id=observation.instrument_id,
        code=(instrument.code if instrument else "") or observation.instrument_code,
        name=(instrument.name if instrument else "") or "Instrumento de observación",
        version=instrument.version if instrument else None,
        scale_min=scale[0],
        scale_max=scale[1],
    )


def _scale(scores: Scores) -> tuple[int, int]:
    return scores.scale.min, scores.scale.max


def _focus(focus: str | None, domain_names: dict[str, str], selection: FeedbackSelection) -> FocusDomain | None:
    if not focus:
        return None
    return FocusDomain(code=focus, name=domain_names.get(focus, focus), applied=selection.focus_applied)


async def build_feedback(
    siblings: Siblings, observation_id: uuid.UUID, token: str, cancel: Cancellation | None = None
) -> FeedbackReport:
    """The feedback; each sibling read checks ``cancel`` (deadline, client gone) first."""
    observation = await observations_client.observation(siblings.observations, observation_id, token, cancel)
    if observation is None:
        raise not_found("La observación")
    scores = await observations_client.observation_scores(siblings.observations, observation_id, token, cancel)
    if scores is None or not scores.dimensions:
        raise conflict(
            "observation_without_scores", "La observación aún no tiene puntajes: no se puede preparar la devolución."
        )
    network_id = observation.network_id
    teacher_id = observation.teacher_id

    # Read at once; the first failure (a stop, a sibling down) cancels the other reads.
    async with all_or_nothing() as group:
        instrument_read = group.create_task(
            observations_client.instrument(siblings.observations, observation.instrument_id, token, cancel)
        )
        teacher_read = group.create_task(optional(cycles_client.person(siblings.cycles, teacher_id, token, cancel)))
        observer_read = group.create_task(
            optional(cycles_client.person(siblings.cycles, observation.observer_id, token, cancel))
        )
        school_read = group.create_task(
            optional(cycles_client.school(siblings.cycles, observation.school_id, token, cancel))
        )
        aims_read = group.create_task(optional(cycles_client.aims(siblings.cycles, network_id, token, cancel)))
        diagrams_read = group.create_task(
            optional(cycles_client.driver_diagrams(siblings.cycles, network_id, token, cancel))
        )
        history_read = group.create_task(
            optional(
                observations_client.observations_list(
                    siblings.observations,
                    token,
                    cancel,
                    network_id=str(network_id),
                    teacher_id=str(teacher_id),
                    status="submitted",
                )
            )
        )
    instrument, teacher, observer = instrument_read.result(), teacher_read.result(), observer_read.result()
    school, aims, diagrams, history = (
        school_read.result(),
        aims_read.result(),
        diagrams_read.result(),
        history_read.result(),
    )

    orders, domain_names, _ = dimension_orders(instrument)
    dims = dimension_results(scores.dimensions, orders)
    focus = focus_domain_of(aims or [])
    selection = select_feedback(dims, focus)
    evidence = dict(observation.evidence)
    scale = _scale(scores)

    priority = selection.priority
    suggestions: list[ChangeIdeaSuggestion] = []
    start_cycle: StartCycle | None = None
    if priority is not None:
        suggestions, start_cycle = _suggestions(diagrams or [], priority, domain_names, network_id)

    previous = await _previous(
        siblings, token, observation=observation, history=history or [], current=dims, orders=orders, cancel=cancel
    )
    ordered = sorted(dims, key=lambda d: d.order)
    return FeedbackReport(
        network_id=network_id,
        observation=_observation_ref(observation),
        teacher=PersonRef(id=teacher_id, name=(teacher.name if teacher else "") or "Docente"),
        observer=PersonRef(id=observation.observer_id, name=observer.name) if observer else None,
        school=_school_ref(observation, school),
        instrument=_instrument_ref(observation, instrument, scale),
        summary=feedback_text(selection, domain_names=domain_names),
        strengths=[_highlighted(d, domain_names, evidence) for d in selection.strengths],
        priority_area=_highlighted(priority, domain_names, evidence) if priority is not None else None,
        focus_domain=_focus(focus, domain_names, selection),
        suggested_change_ideas=suggestions,
        start_cycle=start_cycle,
        domains=[
            DomainScore(
                code=d.code,
                name=d.name or domain_names.get(d.code, d.code),
                mean=d.mean,
                band=d.band,
                band_label=band_label(d.band),
            )
            for d in scores.domains
        ],
        dimensions=[
            DimensionScoreOut(
                code=d.code,
                name=d.name,
                domain=d.domain_code,
                mean=d.mean,
                adjusted=d.adjusted,
                band=d.band,
                band_label=band_label(d.band),
                reverse=d.reverse,
            )
            for d in ordered
        ],
        previous=previous,
        chart=feedback_chart(ordered, previous, scale[0], scale[1], observation.observed_on),
        closing=CLOSING,
    )


def _school_ref(observation: Observation, school: School | None) -> SchoolRef:
    return SchoolRef(
        id=observation.school_id,
        name=(school.name if school else "") or "Establecimiento",
        rbd=school.rbd if school else None,
    )


async def _previous(
    siblings: Siblings,
    token: str,
    *,
    observation: Observation,
    history: Sequence[Observation],
    current: Sequence[DimensionResult],
    orders: dict[str, int],
    cancel: Cancellation | None = None,
) -> PreviousObservation | None:
    """The teacher's latest earlier observation with the same instrument, and the change per dimension."""
    this_key = (observation.observed_on.isoformat(), str(observation.id))
    earlier = [
        o
        for o in history
        if o.teacher_id == observation.teacher_id  # never another teacher's
        and o.instrument_id == observation.instrument_id
        and o.id != observation.id
        and not o.double_codes_id  # a second coding of a session is not an earlier observation
        and (o.observed_on.isoformat(), str(o.id)) < this_key
    ]
    if not earlier:
        return None
    before = max(earlier, key=lambda o: (o.observed_on.isoformat(), str(o.id)))
    scores = await optional(observations_client.observation_scores(siblings.observations, before.id, token, cancel))
    if not scores or not scores.dimensions:
        return None
    changes = compare_with_previous(current, dimension_results(scores.dimensions, orders))
    return PreviousObservation(
        observation_id=before.id,
        observed_on=before.observed_on,
        date_label=long_date(before.observed_on),
        wave=before.wave,
        changes=[
            DimensionChangeOut(
                code=c.code,
                name=c.name,
                previous_mean=c.previous_mean,
                current_mean=c.current_mean,
                change=c.change,
                raw_change=c.raw_change,
                direction=c.direction,
            )
            for c in changes
        ],
    )


def band_ranges(scale_min: int, scale_max: int) -> list[BandRange]:
    low_mid, mid_high = band_thresholds(scale_min, scale_max)
    return [
        BandRange(start=scale_min, end=low_mid, label="Bajo", band="low"),
        BandRange(start=low_mid, end=mid_high, label="Medio", band="mid"),
        BandRange(start=mid_high, end=scale_max, label="Alto", band="high"),
    ]


def feedback_chart(
    dims: Sequence[DimensionResult],
    previous: PreviousObservation | None,
    scale_min: int,
    scale_max: int,
    observed_on: date,
) -> BarChartSpec:
    """Each dimension's mean (raw, as CLASS reads it), and the previous observation's when there is one."""
    series = []
    if previous is not None:
        before = {c.code: c.previous_mean for c in previous.changes}
        values = [chartable(before.get(d.code)) for d in dims]
        series.append(BarSeries(label=f"Anterior ({previous.date_label})", values=values))
    series.append(
        BarSeries(label=f"Esta observación ({long_date(observed_on)})", values=[chartable(d.mean) for d in dims])
    )
    scale_min, scale_max = chart_scale(scale_min, scale_max)
    return BarChartSpec(
        title="Puntaje promedio por dimensión",
        subtitle="Clima negativo es inversa: ahí un puntaje bajo es favorable.",
        categories=[d.name for d in dims],
        series=series,
        x_min=scale_min,
        x_max=scale_max,
        bands=band_ranges(scale_min, scale_max),
        missing_label="sin dato",
    )
