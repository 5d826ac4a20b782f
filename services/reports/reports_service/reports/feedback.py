"""A teacher's feedback on one observation, and a teacher's trajectory.

Everything is read **with the caller's token**: the observations service decides who
may read an observation's scores (the teacher, the coach who observed, network
coordinators — docs/architecture.md, "Users and roles"), so a report never shows more than its reader could
read one by one. Only this teacher's observations are read; nothing about any other
teacher reaches the report.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from mejora_common.auth import Principal
from mejora_common.errors import ProblemError, not_found

from ..domain.feedback import DimensionResult, compare_with_previous, feedback_text, select_feedback
from ..domain.results import Band, band_thresholds
from ..render.fmt import long_date
from ..schemas.charts import BandRange, BarChartSpec, BarSeries
from ..schemas.feedback import (
    ChangeIdeaSuggestion,
    DimensionChangeOut,
    DimensionScore,
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
    TeacherTrajectory,
    TrajectoryObservation,
    TrajectoryPoint,
    TrajectorySeries,
)
from ..sources import JSON, Sources
from .diagram import current_diagram, tagged_change_ideas
from .labels import band_label, level_label

CLOSING = (
    "Estos datos son para aprender, no para juzgar: te invitamos a conversar esta devolución con tu acompañante y "
    "a probar una idea de cambio en un ciclo PHEA corto."
)


def _band(value: Any) -> Band:
    return value if value in ("low", "mid", "high") else "mid"


def dimension_orders(instrument: JSON | None) -> tuple[dict[str, int], dict[str, str], dict[str, int]]:
    """Instrument order of each dimension (domains first, then dimensions), domain names and domain orders."""
    orders: dict[str, int] = {}
    domain_names: dict[str, str] = {}
    domain_orders: dict[str, int] = {}
    for d_index, domain in enumerate(sorted((instrument or {}).get("domains") or [], key=lambda d: d.get("order", 0))):
        domain_names[str(domain["code"])] = str(domain.get("name", domain["code"]))
        domain_orders[str(domain["code"])] = d_index
        for dim in domain.get("dimensions") or []:
            # (domain order, dimension order) as one number: right whether the instrument numbers its
            # dimensions across domains (CLASS: 1..10) or within each domain.
            orders[str(dim["code"])] = 1000 * d_index + int(dim.get("order", 0))
    return orders, domain_names, domain_orders


def dimension_results(scores: JSON, orders: dict[str, int]) -> list[DimensionResult]:
    """The observation's dimensions as the feedback rule reads them."""
    out: list[DimensionResult] = []
    for position, dim in enumerate(scores.get("dimensions") or []):
        code = str(dim["code"])
        out.append(
            DimensionResult(
                code=code,
                name=str(dim.get("name") or code),
                domain_code=str(dim.get("domain", "")),
                order=orders.get(code, 10_000 + position),
                adjusted=float(dim["adjusted"]),
                mean=float(dim["mean"]),
                band=_band(dim.get("band")),
                reverse=bool(dim.get("reverse", False)),
            )
        )
    return out


def focus_domain_of(aims: Sequence[JSON]) -> str | None:
    """The network aim's focus domain (the most recently updated aim that names one)."""
    named = [a for a in aims if a.get("focus_domain")]
    if not named:
        return None
    latest = max(named, key=lambda a: str(a.get("updated_at") or a.get("created_at") or ""))
    return str(latest["focus_domain"])


async def _optional(coro: Any) -> Any:
    """A sibling read whose refusal (404/403 as ProblemError 4xx) leaves a gap instead of failing the report."""
    try:
        return await coro
    except ProblemError as exc:
        if exc.status >= 500:
            raise
        return None


async def build_feedback(sources: Sources, observation_id: uuid.UUID, token: str) -> FeedbackReport:
    observation = await sources.observation(observation_id, token)
    if observation is None:
        raise not_found("La observación")
    scores = await sources.observation_scores(observation_id, token)
    if scores is None or not scores.get("dimensions"):
        raise ProblemError(
            409,
            "observation_without_scores",
            "La observación aún no tiene puntajes: no se puede preparar la devolución.",
        )
    network_id = uuid.UUID(str(observation["network_id"]))
    teacher_id = str(observation["teacher_id"])
    instrument_id = str(observation["instrument_id"])

    instrument, teacher, observer, school, aims, diagrams, history = await asyncio.gather(
        sources.instrument(instrument_id, token),
        _optional(sources.person(teacher_id, token)),
        _optional(sources.person(str(observation.get("observer_id")), token))
        if observation.get("observer_id")
        else asyncio.sleep(0, None),
        _optional(sources.school(str(observation["school_id"]), token)),
        _optional(sources.aims(network_id, token)),
        _optional(sources.driver_diagrams(network_id, token)),
        _optional(
            sources.observations_list(token, network_id=str(network_id), teacher_id=teacher_id, status="submitted")
        ),
    )

    orders, domain_names, _ = dimension_orders(instrument)
    dims = dimension_results(scores, orders)
    focus = focus_domain_of(aims or [])
    selection = select_feedback(dims, focus)
    evidence: dict[str, str] = {str(k): str(v) for k, v in (observation.get("evidence") or {}).items()}
    scale = scores.get("scale") or (instrument or {}).get("scale") or {"min": 1, "max": 7}
    scale_min, scale_max = int(scale.get("min", 1)), int(scale.get("max", 7))

    def highlighted(d: DimensionResult) -> FeedbackDimension:
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

    priority = selection.priority
    suggestions: list[ChangeIdeaSuggestion] = []
    start_cycle: StartCycle | None = None
    if priority is not None:
        diagram = current_diagram(diagrams or [])
        for node, driver in tagged_change_ideas(diagram, priority.code):
            suggestions.append(
                ChangeIdeaSuggestion(id=node.id, key=node.key, text=node.text, tags=node.tags, driver=driver)
            )
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

    previous = await _previous(
        sources, token, observation=observation, history=history or [], current=dims, orders=orders
    )

    domain_scores = [
        DomainScore(
            code=str(d["code"]),
            name=str(d.get("name") or domain_names.get(str(d["code"]), d["code"])),
            mean=float(d["mean"]),
            band=_band(d.get("band")),
            band_label=band_label(_band(d.get("band"))),
        )
        for d in scores.get("domains") or []
    ]
    ordered = sorted(dims, key=lambda d: d.order)
    dimension_scores = [
        DimensionScore(
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
    ]

    teacher_name = str((teacher or {}).get("name") or "Docente")
    observed_on = date.fromisoformat(str(observation["observed_on"]))
    chart = feedback_chart(ordered, previous, scale_min, scale_max, observed_on)
    school_ref = SchoolRef(
        id=uuid.UUID(str(observation["school_id"])),
        name=str((school or {}).get("name") or "Establecimiento"),
        rbd=(school or {}).get("rbd"),
    )
    return FeedbackReport(
        network_id=network_id,
        observation=ObservationRef(
            id=observation_id,
            observed_on=observed_on,
            date_label=long_date(observed_on),
            wave=str(observation.get("wave", "")),
            level=str(observation.get("level", "")),
            level_label=level_label(str(observation.get("level", ""))),
            mode=str(observation.get("mode", "")),
            status=str(observation.get("status", "")),
        ),
        teacher=PersonRef(id=uuid.UUID(teacher_id), name=teacher_name),
        observer=PersonRef(id=uuid.UUID(str(observation["observer_id"])), name=str(observer.get("name")))
        if observer and observation.get("observer_id")
        else None,
        school=school_ref,
        instrument=InstrumentRef(
            id=uuid.UUID(instrument_id),
            code=str((instrument or {}).get("code") or observation.get("instrument_code") or ""),
            name=str((instrument or {}).get("name") or "Instrumento de observación"),
            version=(instrument or {}).get("version"),
            scale_min=scale_min,
            scale_max=scale_max,
        ),
        summary=feedback_text(selection, domain_names=domain_names),
        strengths=[highlighted(d) for d in selection.strengths],
        priority_area=highlighted(priority) if priority is not None else None,
        focus_domain=FocusDomain(code=focus, name=domain_names.get(focus, focus), applied=selection.focus_applied)
        if focus
        else None,
        suggested_change_ideas=suggestions,
        start_cycle=start_cycle,
        domains=domain_scores,
        dimensions=dimension_scores,
        previous=previous,
        chart=chart,
        closing=CLOSING,
    )


async def _previous(
    sources: Sources,
    token: str,
    *,
    observation: JSON,
    history: Sequence[JSON],
    current: Sequence[DimensionResult],
    orders: dict[str, int],
) -> PreviousObservation | None:
    """The teacher's latest earlier observation with the same instrument, and the change per dimension."""
    this_key = (str(observation["observed_on"]), str(observation["id"]))
    earlier = [
        o
        for o in history
        if str(o.get("teacher_id")) == str(observation["teacher_id"])  # never another teacher's
        and str(o.get("instrument_id")) == str(observation["instrument_id"])
        and str(o.get("id")) != str(observation["id"])
        and not o.get("double_codes_id")  # a second coding of a session is not an earlier observation
        and (str(o.get("observed_on")), str(o.get("id"))) < this_key
    ]
    if not earlier:
        return None
    before = max(earlier, key=lambda o: (str(o.get("observed_on")), str(o.get("id"))))
    scores = await _optional(sources.observation_scores(str(before["id"]), token))
    if not scores or not scores.get("dimensions"):
        return None
    changes = compare_with_previous(current, dimension_results(scores, orders))
    observed_on = date.fromisoformat(str(before["observed_on"]))
    return PreviousObservation(
        observation_id=uuid.UUID(str(before["id"])),
        observed_on=observed_on,
        date_label=long_date(observed_on),
        wave=str(before.get("wave", "")),
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
        series.append(BarSeries(label=f"Anterior ({previous.date_label})", values=[before.get(d.code) for d in dims]))
    series.append(BarSeries(label=f"Esta observación ({long_date(observed_on)})", values=[d.mean for d in dims]))
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


async def build_trajectory(
    sources: Sources, principal: Principal, teacher_id: uuid.UUID, token: str, network_id: uuid.UUID | None
) -> TeacherTrajectory:
    """The teacher's dimension scores over time — the observations the caller may read."""
    params = {"teacher_id": str(teacher_id), "status": "submitted"}
    if network_id is not None:
        params["network_id"] = str(network_id)
    visible = [
        o for o in await sources.observations_list(token, **params) if str(o.get("teacher_id")) == str(teacher_id)
    ]
    is_self = any(m.person_id == teacher_id for m in principal.memberships)
    if not visible and not is_self:
        raise not_found("La docente")
    visible.sort(key=lambda o: (str(o.get("observed_on")), str(o.get("id"))))
    all_scores = await asyncio.gather(*(_optional(sources.observation_scores(str(o["id"]), token)) for o in visible))
    person = await _optional(sources.person(str(teacher_id), token))

    dimensions: dict[str, TrajectorySeries] = {}
    domains: dict[str, TrajectorySeries] = {}
    observations: list[TrajectoryObservation] = []
    for obs, scores in zip(visible, all_scores, strict=True):
        if not scores:
            continue
        observed_on = date.fromisoformat(str(obs["observed_on"]))
        observation_id = uuid.UUID(str(obs["id"]))
        wave = str(obs.get("wave", ""))
        observations.append(
            TrajectoryObservation(
                id=observation_id,
                observed_on=observed_on,
                date_label=long_date(observed_on),
                wave=wave,
                instrument_code=str(obs.get("instrument_code") or scores.get("instrument_code") or ""),
            )
        )
        for dim in scores.get("dimensions") or []:
            series = dimensions.setdefault(
                str(dim["code"]),
                TrajectorySeries(code=str(dim["code"]), name=str(dim.get("name")), domain=dim.get("domain"), points=[]),
            )
            series.points.append(
                TrajectoryPoint(
                    observation_id=observation_id,
                    observed_on=observed_on,
                    wave=wave,
                    mean=float(dim["mean"]),
                    adjusted=float(dim["adjusted"]),
                    band=_band(dim.get("band")),
                )
            )
        for dom in scores.get("domains") or []:
            series = domains.setdefault(
                str(dom["code"]),
                TrajectorySeries(
                    code=str(dom["code"]), name=str(dom.get("name") or dom["code"]), domain=None, points=[]
                ),
            )
            series.points.append(
                TrajectoryPoint(
                    observation_id=observation_id,
                    observed_on=observed_on,
                    wave=wave,
                    mean=float(dom["mean"]),
                    adjusted=float(dom["mean"]),
                    band=_band(dom.get("band")),
                )
            )
    return TeacherTrajectory(
        teacher=PersonRef(id=teacher_id, name=str((person or {}).get("name") or "Docente")),
        observations=observations,
        dimensions=list(dimensions.values()),
        domains=list(domains.values()),
    )
