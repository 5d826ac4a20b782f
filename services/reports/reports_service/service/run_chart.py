"""The run chart of a measure: its points from the cycles service, analysed, with learning sessions marked."""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from mejora_common.errors import not_found

from ..cancellation import Cancellation
from ..clients import Siblings
from ..clients import cycles as cycles_client
from ..clients.cycles import MeasurePhase, MeasurePoint
from ..domain.spc import PhasedRunChart, RuleSet, RunChartAnalysis, analyze_phased_run_chart
from ..render.fmt import local_date, long_date, month_label, number, percent, short_date
from ..schemas.charts import ChartMarker, LineChartSpec
from ..schemas.run_chart import ExcludedPoint, MeasureInfo, MeasureRunChart, RunChartEvent, RunChartPoint
from ..schemas.spc import MAX_ABS_VALUE, RunChartResult
from .charts import run_chart_spec
from .phases import findings_read, phase_layout, phases_read, rule_set_of

Scope = Literal["network", "school", "schools_combined"]

KIND_LABELS = {"outcome": "Medida de resultado", "process": "Medida de proceso", "balancing": "Medida de balance"}


def period_label(period: date, frequency: str) -> str:
    """Axis label by frequency: months as ``mar 2024``, years as ``2024``, weeks/terms as a date."""
    if frequency == "monthly":
        return month_label(period)
    if frequency == "yearly":
        return str(period.year)
    return short_date(period)


@dataclass(frozen=True)
class SeriesPoint:
    """A point of the charted series: a measure point, or the schools' points of a period combined."""

    period: date
    value: float
    numerator: float | None
    denominator: float | None
    note: str

    @classmethod
    def of(cls, point: MeasurePoint) -> SeriesPoint:
        return cls(point.period, point.value, point.numerator, point.denominator, point.note)


OUT_OF_RANGE = (
    "Valor fuera del rango que el gráfico y las reglas de corrida admiten (entre −1.000.000.000.000 y "
    "1.000.000.000.000): no se grafica ni se analiza."
)


def usable(number: float | None) -> bool:
    """A number the chart and the SPC rules can use: finite and within ±``MAX_ABS_VALUE``."""
    return number is None or (math.isfinite(number) and abs(number) <= MAX_ABS_VALUE)


def leave_out_odd(points: Sequence[MeasurePoint]) -> tuple[list[MeasurePoint], list[ExcludedPoint]]:
    """The points that can be charted, and the others as excluded.

    Stored data must never make a read fail: cycles accepted values such as 1.6e16 before it bounded them, and
    those overflow the SPC sums and the chart's scale. They are shown apart, not clamped (a clamped point would
    be charted with a value nobody entered).
    """
    kept: list[MeasurePoint] = []
    excluded: list[ExcludedPoint] = []
    for p in points:
        if usable(p.value) and usable(p.numerator) and usable(p.denominator):
            kept.append(p)
        else:
            value = p.value if math.isfinite(p.value) else None
            excluded.append(ExcludedPoint(period=p.period, school_id=p.school_id, value=value, reason=OUT_OF_RANGE))
    return kept, excluded


def charted_in_range(
    scope: Scope, series: Sequence[SeriesPoint], left_out: Sequence[ExcludedPoint], school_id: uuid.UUID | None
) -> tuple[list[SeriesPoint], list[ExcludedPoint]]:
    """The series within range, and what was left out of this series (not of another school's).

    A combined point (a sum over many schools) can pass the bound even when each school's point is within it.
    """

    def belongs(point: ExcludedPoint) -> bool:
        if scope == "school":
            return point.school_id == school_id
        return (point.school_id is None) == (scope == "network")

    excluded = [e for e in left_out if belongs(e)]
    excluded.extend(
        ExcludedPoint(
            period=p.period, school_id=None, value=p.value if math.isfinite(p.value) else None, reason=OUT_OF_RANGE
        )
        for p in series
        if not usable(p.value)
    )
    return [p for p in series if usable(p.value)], sorted(excluded, key=lambda e: e.period)


def select_series(
    points: Sequence[MeasurePoint], value_type: str, school_id: uuid.UUID | None
) -> tuple[Scope, list[SeriesPoint]]:
    """The points to chart, one per period, in time order.

    With ``school_id``: that school's points. Otherwise the network-wide points (no
    school) when there are any; else the schools' points combined per period — a
    proportion as the pooled ratio sum(numerators) / sum(denominators), a count as
    the sum, a continuous value as the mean.
    """
    if school_id is not None:
        chosen = [p for p in points if p.school_id == school_id]
        return "school", [SeriesPoint.of(p) for p in sorted(chosen, key=lambda p: p.period)]
    network = [p for p in points if not p.school_id]
    if network or not points:
        return "network", [SeriesPoint.of(p) for p in sorted(network, key=lambda p: p.period)]
    by_period: dict[date, list[MeasurePoint]] = defaultdict(list)
    for p in points:
        by_period[p.period].append(p)
    combined: list[SeriesPoint] = []
    for period in sorted(by_period):
        group = by_period[period]
        nums = [p.numerator for p in group]
        dens = [p.denominator for p in group]
        numerator: float | None = None
        denominator: float | None = None
        if value_type == "proportion" and all(n is not None for n in nums) and all(d for d in dens):
            numerator = math.fsum(float(n) for n in nums if n is not None)
            denominator = math.fsum(float(d) for d in dens if d is not None)
            value = numerator / denominator
        elif value_type == "count":
            value = math.fsum(p.value for p in group)
        else:
            value = math.fsum(p.value for p in group) / len(group)
        combined.append(SeriesPoint(period, value, numerator, denominator, f"{len(group)} establecimientos"))
    return "schools_combined", combined


def event_position(day: date, periods: Sequence[date]) -> float | None:
    """Where a day falls on the axis: linear between the two periods around it; ``None`` outside."""
    if not periods or day < periods[0] or day > periods[-1]:
        return None
    if len(periods) == 1:
        return 0.0
    for i in range(len(periods) - 1):
        a, b = periods[i], periods[i + 1]
        if a <= day <= b:
            span = (b - a).days
            return float(i) if span == 0 else i + (day - a).days / span
    return float(len(periods) - 1)


def interpret(analysis: RunChartAnalysis, values: Sequence[float], direction: str, labels: Sequence[str]) -> list[str]:
    """Spanish reading of the signals, naming whether a shift or a trend goes the good way.

    ``direction`` is the measure's: ``up`` (more is better) or ``down`` (less is better).
    """
    lines: list[str] = []
    better_up = direction != "down"
    verdict = {
        True: "del lado favorable" + (" (más es mejor)" if better_up else " (menos es mejor)"),
        False: "del lado desfavorable" + (" (más es mejor)" if better_up else " (menos es mejor)"),
    }
    centre = analysis.median if analysis.median is not None else 0.0
    for first, last in analysis.shifts:
        above = values[first] > centre
        lines.append(
            f"Desplazamiento: {last - first + 1} puntos seguidos {'sobre' if above else 'bajo'} la mediana entre "
            f"{labels[first]} y {labels[last]}, {verdict[above == better_up]}."
        )
    for first, last in analysis.trends:
        rising = values[last] > values[first]
        good = rising == better_up
        lines.append(
            f"Tendencia {'ascendente' if rising else 'descendente'} entre {labels[first]} y {labels[last]}: "
            f"{'en la dirección de mejora' if good else 'en la dirección contraria a la mejora'}."
        )
    if analysis.runs_signal:
        lines.append(
            "Las reglas de Anhøj indican variación no aleatoria (una corrida demasiado larga o muy pocos cruces "
            "de la mediana)."
        )
    if not lines:
        lines.append("No hay señales de causa especial: la variación es consistente con el azar (causa común).")
    if analysis.n < 10:
        lines.append(
            f"Hay {analysis.n} puntos: con menos de 10 las reglas de corrida detectan poco; sigue registrando datos."
        )
    return lines


async def charted_series(
    siblings: Siblings,
    measure: cycles_client.Measure,
    token: str,
    *,
    school_id: uuid.UUID | None = None,
    cancel: Cancellation | None = None,
) -> tuple[list[SeriesPoint], list[MeasurePhase]]:
    """The series a measure's charts draw (see :func:`select_series`) and the measure's confirmed phases."""
    series, _, _ = await _series(siblings, measure, token, school_id, cancel)
    phases = await cycles_client.measure_phases(siblings.cycles, measure.id, token, cancel)
    return series, phases


async def _series(
    siblings: Siblings,
    measure: cycles_client.Measure,
    token: str,
    school_id: uuid.UUID | None,
    cancel: Cancellation | None,
) -> tuple[list[SeriesPoint], list[ExcludedPoint], Scope]:
    stored = await cycles_client.measure_points(siblings.cycles, measure.id, token, cancel)
    raw_points, left_out = leave_out_odd(stored)
    scope, series = select_series(raw_points, measure.value_type, school_id)
    series, excluded = charted_in_range(scope, series, left_out, school_id)
    return series, excluded, scope


def _phased(
    values: Sequence[float],
    periods: Sequence[date],
    phases: Sequence[MeasurePhase],
    baseline: int | None,
    rules: RuleSet,
) -> tuple[PhasedRunChart, list[MeasurePhase | None]]:
    """The phased analysis; ``baseline`` (the query's) freezes the first phase when it has no stored baseline."""
    starts, baselines, stored = phase_layout(periods, phases)
    if baseline is not None and baselines[0] is None:
        baselines[0] = baseline
    return analyze_phased_run_chart(values, starts, baselines, rules), stored


async def build_run_chart(
    siblings: Siblings,
    measure_id: uuid.UUID,
    token: str,
    *,
    school_id: uuid.UUID | None = None,
    baseline: int | None = None,
    rules: str | None = None,
    cancel: Cancellation | None = None,
) -> MeasureRunChart:
    """Read the measure, its points, its phases and the network's learning sessions (caller's token) and analyse.

    Each phase confirmed by a person has its own median and rules (``domain.spc.analyze_phased_run_chart``);
    the rule set is the measure's (``run_rules``) unless ``rules`` asks for another.
    """
    measure = await cycles_client.measure(siblings.cycles, measure_id, token, cancel)
    if measure is None:
        raise not_found("La medida")
    network_id = measure.network_id
    series, excluded, scope = await _series(siblings, measure, token, school_id, cancel)
    stored_phases = await cycles_client.measure_phases(siblings.cycles, measure_id, token, cancel)
    events = await cycles_client.events(siblings.cycles, network_id, token, kind="learning_session", cancel=cancel)
    rule_set = rule_set_of(measure.run_rules, rules)

    value_type = measure.value_type
    frequency = measure.frequency
    periods = [p.period for p in series]
    values = [p.value for p in series]
    labels = [period_label(d, frequency) for d in periods]
    phased, stored = _phased(values, periods, stored_phases, baseline, rule_set)
    analysis = phased.combined
    percent_axis = value_type == "proportion" and all(0 <= v <= 1 for v in values)

    run_events: list[RunChartEvent] = []
    markers: list[ChartMarker] = []
    for event in sorted(events, key=lambda e: e.starts_at):
        day = local_date(event.starts_at)
        if day is None:
            continue
        position = event_position(day, periods)
        title = event.title or "Sesión de aprendizaje"
        run_events.append(
            RunChartEvent(
                id=event.id,
                title=title,
                starts_at=event.starts_at,
                date_label=long_date(day),
                position=position,
            )
        )
        if position is not None:
            markers.append(ChartMarker(position=position, label=f"{title} ({long_date(day)})"))

    unit = measure.unit
    kind_label = KIND_LABELS.get(measure.kind, "Medida")
    direction = measure.direction
    subtitle = f"{kind_label} · {'más es mejor' if direction != 'down' else 'menos es mejor'}"
    if scope == "schools_combined":
        subtitle += " · datos de los establecimientos combinados"
    spec = run_chart_spec(
        measure.name,
        labels,
        values,
        analysis,
        subtitle=subtitle,
        y_label=unit or ("%" if percent_axis else ""),
        markers=markers,
        percent=percent_axis,
        notes=[p.note for p in series],
    )
    _draw_phases(spec, phased, labels, stored)
    interpretation = interpret(analysis, values, direction, labels)
    if excluded:
        interpretation.append(
            f"{len(excluded)} dato(s) guardado(s) quedaron fuera del gráfico por tener valores fuera de rango "
            f"({', '.join(short_date(e.period) for e in excluded[:5])}{'…' if len(excluded) > 5 else ''}); "
            "revisa esos datos en la medida."
        )
    points = [
        RunChartPoint(
            period=periods[i],
            label=labels[i],
            value=values[i],
            numerator=p.numerator,
            denominator=p.denominator,
            note=p.note,
            signal=spec.points[i].signal,
            signal_kinds=spec.points[i].signal_kinds,
        )
        for i, p in enumerate(series)
    ]
    return MeasureRunChart(
        measure=MeasureInfo(
            id=measure_id,
            network_id=network_id,
            name=measure.name,
            kind=measure.kind,
            unit=unit,
            value_type=value_type,
            direction=direction,
            frequency=frequency,
        ),
        scope=scope,
        school_id=school_id,
        points=points,
        excluded=excluded,
        analysis=RunChartResult.of(analysis),
        rule_set=rule_set,
        phases=phases_read(phased, periods, stored),
        findings=findings_read(phased.findings),
        events=run_events,
        interpretation=interpretation,
        chart=spec,
    )


def _draw_phases(
    spec: LineChartSpec, phased: PhasedRunChart, labels: Sequence[str], stored: Sequence[MeasurePhase | None]
) -> None:
    """Each phase's own median on the chart, and a marker where each confirmed phase starts."""
    if len(phased.phases) < 2:
        return
    for line in spec.lines:
        if line.role == "centre":
            line.values = list(phased.centre)
    for phase, saved in zip(phased.phases[1:], stored[1:], strict=False):
        reason = f": {saved.reason}" if saved and saved.reason else ""
        spec.markers.append(ChartMarker(position=phase.start - 0.5, label=f"Fase desde {labels[phase.start]}{reason}"))


def format_value(value: float, value_type: str) -> str:
    return percent(value, 1) if value_type == "proportion" and 0 <= value <= 1 else number(value)
