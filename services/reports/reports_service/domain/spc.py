"""Statistical process control (SPC): run-chart analysis and Shewhart control charts.

Pure functions, no I/O, standard library only.  The numbers follow what the R package
qicharts2 (Jacob Anhøj, https://github.com/anhoej/qicharts2) computes in ``qic()``, so that
a chart drawn here and one drawn with qicharts2 from the same data agree; the code is our
own.

Conventions
-----------
* Indices are 0-based positions in the sequence given.  Index ranges are inclusive
  ``(start, end)`` tuples.
* A value is "on the centre line" when it is exactly equal to it (as R's ``sign(y - cl)``).
* Limits that cannot be computed (for example the I chart of a single point) are ``None``.

Rules implemented
-----------------
* Anhøj rules (Anhøj & Olesen 2014; Anhøj 2015; qicharts2): unusually long runs and
  unusually few crossings, both counted on the points that are not on the centre line.
* IHI run-chart rules (Provost & Murray, *The Health Care Data Guide*, 2011): shifts of six
  or more points on one side of the centre line and trends of five or more points all going
  up or all going down.
* Shewhart's 3-sigma rule for control charts, with limits as in Montgomery, *Introduction to
  Statistical Quality Control* (6th ed., 2009), as used by qicharts2.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal, get_args

from reports_service.domain.binomial import binom_half_quantile

__all__ = [
    "ChartPart",
    "ChartType",
    "ControlChartResult",
    "RunChartAnalysis",
    "a3",
    "analyze_run_chart",
    "analyze_runs",
    "b3",
    "b4",
    "c4",
    "control_chart",
    "crossings_limit",
    "find_shifts",
    "find_trends",
    "longest_run_limit",
]

ChartType = Literal["i", "mr", "p", "u", "xbar", "s"]
CHART_TYPES: tuple[str, ...] = get_args(ChartType)

#: d2 for moving ranges of two points (Montgomery, Appendix VI): sigma = MR-bar / 1.128.
D2_MR = 1.128
#: D4 for moving ranges of two points (Montgomery, Appendix VI): UCL(MR) = 3.267 * MR-bar.
D4_MR = 3.267

SHIFT_POINTS = 6
_NUMBER_TYPES = (int, float)
TREND_POINTS = 5


# ---------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunChartAnalysis:
    """Runs analysis of a series around a centre line.

    ``median`` is the centre line the analysis used: the median for a run chart, the
    chart's centre line when the analysis belongs to a control chart.

    Anhøj figures (``None`` when no point lies off the centre line, i.e. ``n_useful == 0``):

    * ``longest_run``: the most consecutive useful points on the same side of the line;
    * ``longest_run_max``: ``round(log2(n_useful)) + 3``; a longer run is a signal;
    * ``crossings``: how many times consecutive useful points change side;
    * ``crossings_min``: 5th percentile of Binomial(n_useful - 1, 1/2); fewer is a signal;
    * ``runs_signal``: either of the two signals (``False`` when the figures are ``None``).

    IHI figures: ``shifts`` and ``trends`` are inclusive index ranges (see
    :func:`find_shifts` and :func:`find_trends`).  ``signals[i]`` is ``True`` when point
    ``i`` is one of the points that make up a shift (points on the centre line inside a
    shift are not) or lies within a trend's range.  The Anhøj ``runs_signal`` is a property
    of the whole series and is not spread over ``signals``.
    """

    n: int
    n_useful: int
    median: float | None
    longest_run: int | None
    longest_run_max: int | None
    crossings: int | None
    crossings_min: int | None
    runs_signal: bool
    shifts: list[tuple[int, int]]
    trends: list[tuple[int, int]]
    signals: list[bool]


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
# Anhøj rules
# ---------------------------------------------------------------------------------------


def longest_run_limit(n_useful: int) -> int:
    """Upper limit for the longest run: ``round(log2(n_useful)) + 3``.

    A run longer than this signals non-random variation.  ``n_useful`` counts the points
    not on the centre line and must be >= 1.  ``log2(n)`` is never exactly half-way between
    two integers for an integer ``n``, so the rounding rule (R rounds half to even, as does
    Python) never matters.

    Source: Anhøj & Olesen (2014) "Run charts revisited: a simulation study of run chart
    rules for detection of non-random variation in health care processes", PLoS ONE 9(11):
    e113825 (after Schilling 2012); qicharts2 vignette, Appendix 2.
    """
    if n_useful < 1:
        raise ValueError("n_useful must be >= 1")
    return round(math.log2(n_useful)) + 3


def crossings_limit(n_useful: int) -> int:
    """Lower limit for the number of crossings: R's ``qbinom(0.05, n_useful - 1, 0.5)``.

    Fewer crossings than this signal non-random variation.  ``n_useful`` must be >= 1.
    Computed exactly with integer binomial coefficients (see
    :func:`reports_service.domain.binomial.binom_half_quantile`).

    Source: Anhøj & Olesen (2014) PLoS ONE 9(11): e113825 (after Chen 2010); Anhøj (2015)
    "Diagnostic value of run chart analysis", PLoS ONE 10(3): e0121349; qicharts2 vignette,
    Appendix 2.
    """
    if n_useful < 1:
        raise ValueError("n_useful must be >= 1")
    return binom_half_quantile(0.05, n_useful - 1)


# ---------------------------------------------------------------------------------------
# IHI rules
# ---------------------------------------------------------------------------------------


def find_shifts(values: Sequence[float | None], centre: float, min_points: int = SHIFT_POINTS) -> list[tuple[int, int]]:
    """Shifts: ``min_points`` (default 6) or more consecutive points on one side of the line.

    Points exactly on the centre line (and missing points, ``None``) are skipped: they
    neither break a shift nor count towards it.  Returns ``(first, last)`` index pairs of
    the counted points, maximal and in order.

    Source: Provost & Murray (2011) *The Health Care Data Guide: Learning from Data for
    Improvement*, Jossey-Bass, chapter 3 (run chart rule 1, "shift"); IHI run chart rules.
    """
    if min_points < 1:
        raise ValueError("min_points must be >= 1")
    shifts: list[tuple[int, int]] = []
    side = 0
    first = last = -1
    count = 0
    for i, v in enumerate(values):
        if v is None or v == centre:
            continue
        s = 1 if v > centre else -1
        if s == side:
            count += 1
            last = i
            continue
        if count >= min_points:
            shifts.append((first, last))
        side, first, last, count = s, i, i, 1
    if count >= min_points:
        shifts.append((first, last))
    return shifts


def find_trends(values: Sequence[float | None], min_points: int = TREND_POINTS) -> list[tuple[int, int]]:
    """Trends: ``min_points`` (default 5) or more consecutive points all going up or down.

    Successive equal values count once ("if the value of two or more successive points is
    the same, ignore the like points when counting"), and missing points (``None``) are
    skipped.  A trend's range runs from the last of its first like points (where the rise
    or fall starts) to the first of its last like points (where it ends).  Two trends in
    opposite directions may share their turning point.

    Source: Provost & Murray (2011) *The Health Care Data Guide*, chapter 3 (run chart rule
    2, "trend"); IHI run chart rules.
    """
    if min_points < 2:
        raise ValueError("min_points must be >= 2")
    trends: list[tuple[int, int]] = []
    previous: float | None = None  # value of the current plateau of like values
    plateau_first = plateau_last = -1  # its first and last index
    direction = 0  # +1 rising, -1 falling, 0 before the second plateau
    trend_start = -1  # last index of the plateau the current rise or fall left from
    plateaus = 0  # plateaus counted in the current rise or fall
    for i, v in enumerate(values):
        if v is None:
            continue
        if previous is None:
            previous, plateau_first, plateau_last = v, i, i
            continue
        if v == previous:
            plateau_last = i
            continue
        step = 1 if v > previous else -1
        if step == direction:
            plateaus += 1
        else:
            if plateaus >= min_points:
                trends.append((trend_start, plateau_first))
            direction, trend_start, plateaus = step, plateau_last, 2
        previous, plateau_first, plateau_last = v, i, i
    if plateaus >= min_points:
        trends.append((trend_start, plateau_first))
    return trends


# ---------------------------------------------------------------------------------------
# Run charts
# ---------------------------------------------------------------------------------------


def analyze_runs(
    values: Sequence[float | None],
    centre: float,
    *,
    shift_points: int = SHIFT_POINTS,
    trend_points: int = TREND_POINTS,
) -> RunChartAnalysis:
    """Runs analysis of ``values`` around a given centre line.

    The Anhøj rules as qicharts2 applies them (its internal ``runs.analysis``): points on the
    centre line, and missing points (``None``), are left out; the remaining ``n_useful``
    points are split into runs by side; ``longest_run_max = round(log2(n_useful)) + 3``
    (:func:`longest_run_limit`); ``crossings = runs - 1``; ``crossings_min =
    qbinom(0.05, n_useful - 1, 0.5)`` (:func:`crossings_limit`); ``runs_signal`` when
    ``longest_run > longest_run_max`` or ``crossings < crossings_min``.  When no point is
    useful the four figures are ``None`` and ``runs_signal`` is ``False``.  ``n`` counts
    every position, missing ones included (qicharts2's ``n.obs``).

    The IHI shift and trend rules are applied too (:func:`find_shifts`,
    :func:`find_trends`).

    Sources: Anhøj & Olesen (2014) PLoS ONE 9(11): e113825; Anhøj (2015) PLoS ONE 10(3):
    e0121349; qicharts2 documentation (vignette "Quality Improvement Charts"); Provost &
    Murray (2011) *The Health Care Data Guide*.
    """
    if not math.isfinite(centre):
        raise ValueError("centre must be a finite number")
    n = len(values)
    longest = 0
    current = 0
    crossings = 0
    n_useful = 0
    previous_side = 0
    for v in values:
        if v is None or v == centre:
            continue
        side = 1 if v > centre else -1
        n_useful += 1
        if side == previous_side:
            current += 1
        else:
            if previous_side != 0:
                crossings += 1
            current = 1
            previous_side = side
        longest = max(longest, current)

    shifts = find_shifts(values, centre, shift_points)
    trends = find_trends(values, trend_points)
    signals = [False] * n
    for first, last in shifts:
        for i in range(first, last + 1):
            v = values[i]
            if v is not None and v != centre:
                signals[i] = True
    for first, last in trends:
        for i in range(first, last + 1):
            if values[i] is not None:
                signals[i] = True

    if n_useful == 0:
        return RunChartAnalysis(
            n=n,
            n_useful=0,
            median=centre,
            longest_run=None,
            longest_run_max=None,
            crossings=None,
            crossings_min=None,
            runs_signal=False,
            shifts=shifts,
            trends=trends,
            signals=signals,
        )
    longest_max = longest_run_limit(n_useful)
    crossings_min = crossings_limit(n_useful)
    return RunChartAnalysis(
        n=n,
        n_useful=n_useful,
        median=centre,
        longest_run=longest,
        longest_run_max=longest_max,
        crossings=crossings,
        crossings_min=crossings_min,
        runs_signal=longest > longest_max or crossings < crossings_min,
        shifts=shifts,
        trends=trends,
        signals=signals,
    )


def analyze_run_chart(
    values: Sequence[float],
    baseline: int | None = None,
    *,
    shift_points: int = SHIFT_POINTS,
    trend_points: int = TREND_POINTS,
) -> RunChartAnalysis:
    """Run chart analysis: median centre line, Anhøj rules and IHI shift/trend rules.

    ``baseline`` (qicharts2's ``freeze``): the median of the first ``baseline`` points is
    the centre line for the whole series, and the analysis still covers every point (as
    qicharts2 does, so that a baseline median can show a shift after a change).  A
    ``baseline`` at or beyond the length of the series uses every point.

    An empty series gives ``median=None``, ``n=0`` and no signals.  See
    :func:`analyze_runs` for the rules and :class:`RunChartAnalysis` for the fields.

    Sources: Anhøj & Olesen (2014) PLoS ONE 9(11): e113825; Anhøj (2015) PLoS ONE 10(3):
    e0121349; Provost & Murray (2011) *The Health Care Data Guide*; qicharts2 documentation
    (``qic()``, arguments ``freeze``).
    """
    data = _finite_floats(values, "values")
    if baseline is not None and (isinstance(baseline, bool) or baseline < 1):
        raise ValueError("baseline must be a positive number of points")
    if not data:
        return RunChartAnalysis(
            n=0,
            n_useful=0,
            median=None,
            longest_run=None,
            longest_run_max=None,
            crossings=None,
            crossings_min=None,
            runs_signal=False,
            shifts=[],
            trends=[],
            signals=[],
        )
    base = data if baseline is None else data[:baseline]
    centre = float(statistics.median(base))
    return analyze_runs(data, centre, shift_points=shift_points, trend_points=trend_points)


# ---------------------------------------------------------------------------------------
# Control chart constants
# ---------------------------------------------------------------------------------------


def c4(n: int) -> float:
    """Bias correction of the sample standard deviation for subgroups of ``n`` (>= 2).

    ``c4(n) = sqrt(2 / (n - 1)) * Gamma(n / 2) / Gamma((n - 1) / 2)``.

    Source: Montgomery (2009) *Introduction to Statistical Quality Control*, 6th ed.,
    chapter 6 (control charts for x-bar and s) and Appendix VI; qicharts2 documentation,
    Appendix 1.
    """
    if n < 2:
        raise ValueError("c4 needs a subgroup size >= 2")
    return math.sqrt(2.0 / (n - 1)) * math.exp(math.lgamma(n / 2.0) - math.lgamma((n - 1) / 2.0))


def a3(n: int) -> float:
    """Xbar chart factor for limits from s-bar: ``A3 = 3 / (c4(n) * sqrt(n))``.

    Source: Montgomery (2009), chapter 6 and Appendix VI.
    """
    return 3.0 / (c4(n) * math.sqrt(n))


def _c5_over_c4(n: int) -> float:
    c = c4(n)
    return math.sqrt(1.0 - c * c) / c


def b3(n: int) -> float:
    """S chart lower-limit factor: ``B3 = max(0, 1 - 3 * sqrt(1 - c4^2) / c4)``.

    Source: Montgomery (2009), chapter 6 and Appendix VI.
    """
    return max(0.0, 1.0 - 3.0 * _c5_over_c4(n))


def b4(n: int) -> float:
    """S chart upper-limit factor: ``B4 = 1 + 3 * sqrt(1 - c4^2) / c4``.

    Source: Montgomery (2009), chapter 6 and Appendix VI.
    """
    return 1.0 + 3.0 * _c5_over_c4(n)


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
    inputs = _chart_inputs(chart, values, denominators, subgroups)
    if baseline is not None:
        if isinstance(baseline, bool) or baseline < 1:
            raise ValueError("baseline must be a positive number of points")
        if parts:
            raise ValueError("baseline and parts cannot be combined")
    bounds = _part_bounds(parts, inputs.n)

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


@dataclass(frozen=True, slots=True)
class _ChartInputs:
    """Checked inputs: ``raw`` values (and ``dens`` for p/u charts), or ``groups`` for xbar/s charts."""

    raw: list[float]
    dens: list[float]
    groups: list[list[float]]

    @property
    def n(self) -> int:
        return len(self.groups) if self.groups else len(self.raw)


def _chart_inputs(
    chart: ChartType,
    values: Sequence[float] | None,
    denominators: Sequence[float] | None,
    subgroups: Sequence[Sequence[float]] | None,
) -> _ChartInputs:
    """The inputs a chart type takes, checked (``ValueError`` naming what is wrong)."""
    if chart in ("xbar", "s"):
        if subgroups is None:
            raise ValueError(f"a {chart} chart needs subgroups")
        if values is not None or denominators is not None:
            raise ValueError(f"a {chart} chart takes subgroups, not values/denominators")
        groups: list[list[float]] = []
        for k, group in enumerate(subgroups):
            g = _finite_floats(group, f"subgroups[{k}]")
            if not g:
                raise ValueError(f"subgroups[{k}] is empty")
            groups.append(g)
        return _ChartInputs(raw=[], dens=[], groups=groups)
    if values is None:
        raise ValueError(f"a {chart} chart needs values")
    if subgroups is not None:
        raise ValueError(f"a {chart} chart takes values, not subgroups")
    raw = _finite_floats(values, "values")
    if chart in ("p", "u"):
        return _ChartInputs(raw=raw, dens=_attribute_denominators(chart, raw, denominators), groups=[])
    if denominators is not None:
        raise ValueError(f"a {chart} chart takes no denominators")
    return _ChartInputs(raw=raw, dens=[], groups=[])


def _attribute_denominators(chart: ChartType, raw: list[float], denominators: Sequence[float] | None) -> list[float]:
    """A p or u chart's denominators, checked against its numerators."""
    if denominators is None:
        raise ValueError(f"a {chart} chart needs denominators")
    dens = _finite_floats(denominators, "denominators")
    if len(dens) != len(raw):
        raise ValueError("values and denominators must have the same length")
    for i, (num, den) in enumerate(zip(raw, dens, strict=True)):
        if den <= 0:
            raise ValueError(f"denominators[{i}] must be > 0")
        if num < 0:
            raise ValueError(f"values[{i}] must be >= 0")
        if chart == "p" and num > den:
            raise ValueError(f"values[{i}] must not exceed denominators[{i}]")
    return dens


def _part_lines(chart: ChartType, inputs: _ChartInputs, start: int, stop: int, k: int, *, screen: bool) -> _PartLines:
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


# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------


def _finite_floats(values: Sequence[float], name: str) -> list[float]:
    for i, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, _NUMBER_TYPES):
            msg = f"{name}[{i}] must be a number"
            raise TypeError(msg)
    out = [float(v) for v in values]
    if not all(map(math.isfinite, out)):
        i = next(i for i, f in enumerate(out) if not math.isfinite(f))
        msg = f"{name}[{i}] must be a finite number"
        raise ValueError(msg)
    return out


def _part_bounds(parts: Sequence[int] | None, n: int) -> list[tuple[int, int]]:
    """``[start, stop)`` bounds of each part; ``parts`` are the starts after the first."""
    starts = [0]
    for p in sorted(set(parts or ())):
        if isinstance(p, bool) or not isinstance(p, int):
            raise TypeError("parts must be integer indices")
        if p <= 0 or p >= n:
            raise ValueError(f"part start {p} must be between 1 and {n - 1}")
        starts.append(p)
    if n == 0:
        return []
    stops = [*starts[1:], n]
    return list(zip(starts, stops, strict=True))
