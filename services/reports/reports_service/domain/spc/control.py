"""Shewhart control charts (i, mr, p, u, xbar, s) as qicharts2's ``qic()`` computes them."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from .constants import CHART_TYPES, D2_MR, D4_MR, ChartType, a3, b3, b4
from .inputs import ChartInputs, chart_inputs, part_bounds
from .runs import RunChartAnalysis, analyze_runs


@dataclass(frozen=True, slots=True)
class ChartPart:
    """One part (phase) of a control chart: points ``start..end`` (inclusive).

    ``runs`` is the runs analysis of the part's points around its centre line, with indices
    relative to ``start``; it is ``None`` for MR charts (consecutive moving ranges share a
    point, so runs analysis does not apply; qicharts2 does not signal on them either) and
    when the centre line is undefined.
    """

    start: int
    end: int
    centre: float | None
    runs: RunChartAnalysis | None


@dataclass(frozen=True, slots=True)
class ControlChartResult:
    """A control chart, point by point.

    * ``values``: the plotted statistic (the value; the moving range; numerator /
      denominator; the subgroup mean or standard deviation).  ``None`` where undefined:
      the first point of each part of an MR chart, and subgroups of one in an S chart.
    * ``centre``, ``lower``, ``upper``: centre line and 3-sigma limits at each point.
    * ``sigma_signal``: the value lies strictly outside the limits.
    * ``runs_signal``: the Anhøj runs signal of the point's part.
    * ``pattern_signal``: the point is part of an IHI shift or trend of its part.
    * ``part``: the part number of each point (0, 1, ...); ``parts`` describes each part.
    """

    chart: ChartType
    values: list[float | None]
    centre: list[float | None]
    lower: list[float | None]
    upper: list[float | None]
    sigma_signal: list[bool]
    runs_signal: list[bool]
    pattern_signal: list[bool]
    part: list[int]
    parts: list[ChartPart]


# ---------------------------------------------------------------------------------------
# Control charts
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _PartLines:
    values: list[float | None]
    centre: float | None
    lower: list[float | None]
    upper: list[float | None]


def control_chart(
    chart: ChartType,
    values: Sequence[float] | None = None,
    *,
    denominators: Sequence[float] | None = None,
    subgroups: Sequence[Sequence[float]] | None = None,
    baseline: int | None = None,
    parts: Sequence[int] | None = None,
    screen: bool = True,
) -> ControlChartResult:
    """Shewhart control chart with 3-sigma limits and runs analysis, as qicharts2's ``qic()``.

    Inputs by chart type:

    * ``"i"`` (individuals) and ``"mr"`` (moving ranges): ``values``.
    * ``"p"`` (proportions) and ``"u"`` (rates): ``values`` are the numerators (counts) and
      ``denominators`` the subgroup sizes / areas of opportunity, all > 0; for a p chart
      ``0 <= values[i] <= denominators[i]``.
    * ``"xbar"`` and ``"s"``: ``subgroups``, the raw observations of each subgroup (each
      non-empty).

    Options:

    * ``baseline`` (qicharts2's ``freeze``): centre and limits come from the first
      ``baseline`` points only and are applied to every point.
    * ``parts`` (qicharts2's ``part``): indices where a new part starts (``parts=[12]``: points
      0-11 and 12-end); each part gets its own centre line, limits and runs analysis.
      Cannot be combined with ``baseline`` (qicharts2 silently ignores ``freeze`` then).
    * ``screen`` (I chart only): leave out moving ranges of at least 3.267 times their
      average, once, before estimating sigma (Nelson 1982; qicharts2's option
      ``qic.screenedmr``, on when the package is attached).  ``screen=False`` uses every
      moving range: the plain XmR chart, as in the NHS "Making Data Count" spreadsheets.

    Formulas (``cl`` centre line, ``n_i`` subgroup size; per part, from its baseline points):

    * I: ``cl`` = mean; sigma = mean moving range / 1.128; limits ``cl +- 3 sigma``.
    * MR: values ``|x_i - x_(i-1)|`` (none for a part's first point); ``cl`` = mean moving
      range; ``UCL = 3.267 cl``, ``LCL = 0``.  No runs analysis.
    * P: ``cl = sum(num) / sum(den)``; ``cl +- 3 sqrt(cl (1 - cl) / n_i)`` clipped to [0, 1].
    * U: ``cl = sum(num) / sum(den)``; ``cl +- 3 sqrt(cl / n_i)``, lower clipped at 0.
    * Xbar: ``cl`` = mean of all observations (subgroup means weighted by size); ``s-bar`` =
      mean subgroup sd when all subgroups of the part have the same size, else the pooled
      sd ``sqrt(sum((n_i - 1) s_i^2) / sum(n_i - 1))``; limits ``cl +- A3(n_i) s-bar``.
    * S: ``cl = s-bar`` as above; ``LCL = B3(n_i) cl``, ``UCL = B4(n_i) cl``.

    Sources: Montgomery (2009) *Introduction to Statistical Quality Control*, 6th ed.,
    chapter 6 (Xbar and S charts, including variable sample size; individuals and moving
    range charts) and chapter 7 (P and U charts); Nelson (1982) "Control charts for
    individual measurements", Journal of Quality Technology 14(3): 172-173 (screening);
    qicharts2 documentation (vignette "Quality Improvement Charts", Appendix 1, and the
    ``qic()`` reference for ``freeze`` and ``part``).
    """
    if chart not in CHART_TYPES:
        raise ValueError(f"unknown chart type {chart!r}; expected one of {CHART_TYPES}")
    inputs = chart_inputs(chart, values, denominators, subgroups)
    if baseline is not None:
        if isinstance(baseline, bool) or baseline < 1:
            raise ValueError("baseline must be a positive number of points")
        if parts:
            raise ValueError("baseline and parts cannot be combined")
    bounds = part_bounds(parts, inputs.n)

    out_values: list[float | None] = []
    out_centre: list[float | None] = []
    out_lower: list[float | None] = []
    out_upper: list[float | None] = []
    sigma_signal: list[bool] = []
    runs_signal: list[bool] = []
    pattern_signal: list[bool] = []
    part_of: list[int] = []
    chart_parts: list[ChartPart] = []

    for number, (start, stop) in enumerate(bounds):
        k = stop - start if baseline is None else min(baseline, stop - start)
        lines = _part_lines(chart, inputs, start, stop, k, screen=screen)

        runs: RunChartAnalysis | None = None
        if chart != "mr" and lines.centre is not None:
            runs = analyze_runs(lines.values, lines.centre)
        chart_parts.append(ChartPart(start=start, end=stop - 1, centre=lines.centre, runs=runs))

        size = stop - start
        out_values.extend(lines.values)
        out_centre.extend([lines.centre] * size)
        out_lower.extend(lines.lower)
        out_upper.extend(lines.upper)
        sigma_signal.extend(
            v is not None and ((up is not None and v > up) or (lo is not None and v < lo))
            for v, lo, up in zip(lines.values, lines.lower, lines.upper, strict=True)
        )
        runs_signal.extend([runs is not None and runs.runs_signal] * size)
        pattern_signal.extend(runs.signals if runs is not None else [False] * size)
        part_of.extend([number] * size)

    return ControlChartResult(
        chart=chart,
        values=out_values,
        centre=out_centre,
        lower=out_lower,
        upper=out_upper,
        sigma_signal=sigma_signal,
        runs_signal=runs_signal,
        pattern_signal=pattern_signal,
        part=part_of,
        parts=chart_parts,
    )


def _part_lines(chart: ChartType, inputs: ChartInputs, start: int, stop: int, k: int, *, screen: bool) -> _PartLines:
    if chart == "i":
        return _i_part(inputs.raw[start:stop], k, screen)
    if chart == "mr":
        return _mr_part(inputs.raw[start:stop], k)
    if chart in ("p", "u"):
        return _attribute_part(chart, inputs.raw[start:stop], inputs.dens[start:stop], k)
    return _subgroup_part(chart, inputs.groups[start:stop], k)


def _i_part(y: list[float], k: int, screen: bool) -> _PartLines:
    """I chart of one part; ``k`` baseline points (Montgomery ch. 6; Nelson 1982)."""
    base = y[:k]
    centre = math.fsum(base) / len(base)
    moving = [abs(b - a) for a, b in pairwise(base)]
    if not moving:
        values: list[float | None] = list(y)
        return _PartLines(values=values, centre=centre, lower=[None] * len(y), upper=[None] * len(y))
    average = math.fsum(moving) / len(moving)
    if screen and average > 0:
        kept = [r for r in moving if r < D4_MR * average]
        average = math.fsum(kept) / len(kept)
    sigma = average / D2_MR
    lower: list[float | None] = [centre - 3.0 * sigma] * len(y)
    upper: list[float | None] = [centre + 3.0 * sigma] * len(y)
    return _PartLines(values=list(y), centre=centre, lower=lower, upper=upper)


def _mr_part(y: list[float], k: int) -> _PartLines:
    """MR chart of one part; ``k`` baseline points (Montgomery ch. 6)."""
    mr: list[float | None] = [None]
    mr.extend(abs(b - a) for a, b in pairwise(y))
    base = [r for r in mr[:k] if r is not None]
    if not base:
        return _PartLines(values=mr, centre=None, lower=[None] * len(y), upper=[None] * len(y))
    centre = math.fsum(base) / len(base)
    lower: list[float | None] = [0.0] * len(y)
    upper: list[float | None] = [D4_MR * centre] * len(y)
    return _PartLines(values=mr, centre=centre, lower=lower, upper=upper)


def _attribute_part(chart: ChartType, num: list[float], den: list[float], k: int) -> _PartLines:
    """P or U chart of one part; ``k`` baseline points (Montgomery chapter 7)."""
    values: list[float | None] = [a / b for a, b in zip(num, den, strict=True)]
    centre = math.fsum(num[:k]) / math.fsum(den[:k])
    lower: list[float | None] = []
    upper: list[float | None] = []
    for size in den:
        if chart == "p":
            sd = math.sqrt(centre * (1.0 - centre) / size)
            lower.append(max(0.0, centre - 3.0 * sd))
            upper.append(min(1.0, centre + 3.0 * sd))
        else:
            sd = math.sqrt(centre / size)
            lower.append(max(0.0, centre - 3.0 * sd))
            upper.append(centre + 3.0 * sd)
    return _PartLines(values=values, centre=centre, lower=lower, upper=upper)


def _subgroup_part(chart: ChartType, groups: list[list[float]], k: int) -> _PartLines:
    """Xbar or S chart of one part; ``k`` baseline subgroups (Montgomery ch. 6)."""
    sizes = [len(g) for g in groups]
    means = [math.fsum(g) / len(g) for g in groups]
    sds: list[float | None] = [statistics.stdev(g) if len(g) > 1 else None for g in groups]

    base_sizes = sizes[:k]
    base_sds = sds[:k]
    s_bar: float | None
    if len(set(sizes)) > 1:
        # Variable subgroup size: pooled standard deviation (Montgomery ch. 6, variable n).
        weights = [m - 1 for m in base_sizes]
        squares = [(m - 1) * s * s for m, s in zip(base_sizes, base_sds, strict=True) if s is not None]
        s_bar = math.sqrt(math.fsum(squares) / sum(weights)) if sum(weights) > 0 else None
    else:
        # Constant subgroup size: average standard deviation (Montgomery ch. 6).
        defined = [s for s in base_sds if s is not None]
        s_bar = math.fsum(defined) / len(defined) if defined else None

    lower: list[float | None] = []
    upper: list[float | None] = []
    if chart == "xbar":
        centre: float | None = math.fsum(m * x for m, x in zip(base_sizes, means[:k], strict=True)) / sum(base_sizes)
        for m in sizes:
            if s_bar is None or m < 2 or centre is None:
                lower.append(None)
                upper.append(None)
            else:
                half = a3(m) * s_bar
                lower.append(centre - half)
                upper.append(centre + half)
        values: list[float | None] = list(means)
        return _PartLines(values=values, centre=centre, lower=lower, upper=upper)

    centre = s_bar
    for m in sizes:
        if centre is None or m < 2:
            lower.append(None)
            upper.append(None)
        else:
            lower.append(b3(m) * centre)
            upper.append(b4(m) * centre)
    return _PartLines(values=sds, centre=centre, lower=lower, upper=upper)
