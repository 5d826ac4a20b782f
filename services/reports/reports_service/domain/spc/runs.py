"""Run-chart rules: Anhøj (longest run, crossings) and IHI (shifts, trends), around a median or a given centre."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from reports_service.domain.binomial import binom_half_quantile

from .inputs import finite_floats

SHIFT_POINTS = 6
TREND_POINTS = 5


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
    data = finite_floats(values, "values")
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
