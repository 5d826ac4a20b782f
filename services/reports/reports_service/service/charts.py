"""Chart specs of SPC results (pure): what a run chart or a control chart shows."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..domain.spc import ControlChartResult, RunChartAnalysis
from ..schemas.charts import ChartLine, ChartMarker, ChartPoint, LineChartSpec, SignalKind
from ..schemas.spc import MAX_ABS_VALUE

#: The largest magnitude a chart built from stored data shows (the SPC input bound, below the chart models' own).
CHART_LIMIT = int(MAX_ABS_VALUE)

CHART_TITLES = {
    "i": "Gráfico de control I (valores individuales)",
    "mr": "Gráfico de control MR (rangos móviles)",
    "p": "Gráfico de control P (proporciones)",
    "u": "Gráfico de control U (tasas)",
    "xbar": "Gráfico de control X̄ (promedios de subgrupos)",
    "s": "Gráfico de control S (desviaciones estándar de subgrupos)",
}

SIGNAL_NOTES = {"shift": "desplazamiento", "trend": "tendencia", "sigma": "fuera de los límites"}


def chartable(value: float | None) -> float | None:
    """A stored number as a chart shows it: ``None`` (drawn as missing) when no chart could scale it."""
    if value is None or (math.isfinite(value) and abs(value) <= MAX_ABS_VALUE):
        return value
    return None


def chart_scale(low: int, high: int) -> tuple[int, int]:
    """A stored scale bounded to what a chart can draw (an instrument may declare any integers)."""
    return max(-CHART_LIMIT, min(low, CHART_LIMIT)), max(-CHART_LIMIT, min(high, CHART_LIMIT))


def _kinds_per_point(
    n: int, shifts: Sequence[tuple[int, int]], trends: Sequence[tuple[int, int]]
) -> list[list[SignalKind]]:
    kinds: list[list[SignalKind]] = [[] for _ in range(n)]
    for first, last in shifts:
        for i in range(first, last + 1):
            kinds[i].append("shift")
    for first, last in trends:
        for i in range(first, last + 1):
            if "trend" not in kinds[i]:
                kinds[i].append("trend")
    return kinds


def _note(kinds: Sequence[SignalKind]) -> str:
    return ", ".join(SIGNAL_NOTES[k] for k in kinds)


def run_chart_spec(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    analysis: RunChartAnalysis,
    *,
    subtitle: str = "",
    y_label: str = "",
    markers: Sequence[ChartMarker] = (),
    percent: bool = False,
    notes: Sequence[str] | None = None,
    centre_label: str = "Mediana",
) -> LineChartSpec:
    """A run chart: the points, the median, IHI signals highlighted and events marked."""
    n = len(values)
    kinds = _kinds_per_point(n, analysis.shifts, analysis.trends)
    points = []
    for i, value in enumerate(values):
        signal = analysis.signals[i] if i < len(analysis.signals) else False
        own: list[SignalKind] = [k for k in kinds[i] if signal]
        extra = notes[i] if notes and i < len(notes) and notes[i] else ""
        note = "; ".join(x for x in (_note(own), extra) if x)
        points.append(ChartPoint(label=labels[i], value=value, signal=signal, signal_kinds=own, note=note))
    lines = []
    if analysis.median is not None:
        lines.append(ChartLine(role="centre", label=centre_label, values=[analysis.median] * n))
    return LineChartSpec(
        title=title,
        subtitle=subtitle,
        y_label=y_label,
        points=points,
        lines=lines,
        markers=list(markers),
        percent=percent,
    )


def control_chart_spec(
    result: ControlChartResult,
    labels: Sequence[str] | None = None,
    *,
    title: str | None = None,
    subtitle: str = "",
) -> LineChartSpec:
    """A control chart: the statistic, centre line, 3-sigma limits and every signal."""
    n = len(result.values)
    kinds: list[list[SignalKind]] = [[] for _ in range(n)]
    for part in result.parts:
        if part.runs is None:
            continue
        relative = _kinds_per_point(part.end - part.start + 1, part.runs.shifts, part.runs.trends)
        for offset, k in enumerate(relative):
            kinds[part.start + offset].extend(k)
    points = []
    for i, value in enumerate(result.values):
        own = [k for k in kinds[i] if result.pattern_signal[i]]
        if result.sigma_signal[i]:
            own.append("sigma")
        label = labels[i] if labels is not None and i < len(labels) else str(i + 1)
        points.append(ChartPoint(label=label, value=value, signal=bool(own), signal_kinds=own, note=_note(own)))
    lines = [
        ChartLine(role="centre", label="Línea central", values=list(result.centre)),
        ChartLine(role="limit", label="Límites de control (3 sigma)", values=list(result.upper)),
        ChartLine(role="limit", label="Límites de control (3 sigma)", values=list(result.lower)),
    ]
    return LineChartSpec(
        title=title or CHART_TITLES[result.chart],
        subtitle=subtitle,
        points=points,
        lines=lines,
        percent=result.chart == "p",
    )
