"""Tests for the run-chart rules of the reports service (reports_service.domain.spc; control charts in
test_control_charts.py).

Expected values come from published examples (sources cited next to each) or are worked by
hand in the comments; none is computed with the code under test.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from reports_service.domain import binomial
from reports_service.domain.binomial import binom_half_quantile
from reports_service.domain.spc import (
    analyze_run_chart,
    analyze_runs,
    crossings_limit,
    find_shifts,
    find_trends,
    longest_run_limit,
)

# ---------------------------------------------------------------------------------------
# Published data
# ---------------------------------------------------------------------------------------

# qicharts2 vignette "Quality Improvement Charts" (J. Anhøj), Appendix 2: "Critical values
# for longest run and number of crossings", n = 10..100 useful observations.
APPENDIX_2_LONGEST_RUN = dict(
    zip(
        range(10, 101),
        [
            6, 6, 7, 7, 7, 7, 7, 7, 7, 7,  # 10-19
            7, 7, 7, 8, 8, 8, 8, 8, 8, 8,  # 20-29
            8, 8, 8, 8, 8, 8, 8, 8, 8, 8,  # 30-39
            8, 8, 8, 8, 8, 8, 9, 9, 9, 9,  # 40-49
            9, 9, 9, 9, 9, 9, 9, 9, 9, 9,  # 50-59
            9, 9, 9, 9, 9, 9, 9, 9, 9, 9,  # 60-69
            9, 9, 9, 9, 9, 9, 9, 9, 9, 9,  # 70-79
            9, 9, 9, 9, 9, 9, 9, 9, 9, 9,  # 80-89
            9, 10, 10, 10, 10, 10, 10, 10, 10, 10,  # 90-99
            10,  # 100
        ],
        strict=True,
    )
)  # fmt: skip
APPENDIX_2_CROSSINGS = dict(
    zip(
        range(10, 101),
        [
            2, 2, 3, 3, 4, 4, 4, 5, 5, 6,  # 10-19
            6, 6, 7, 7, 8, 8, 8, 9, 9, 10,  # 20-29
            10, 11, 11, 11, 12, 12, 13, 13, 14, 14,  # 30-39
            14, 15, 15, 16, 16, 17, 17, 17, 18, 18,  # 40-49
            19, 19, 20, 20, 21, 21, 21, 22, 22, 23,  # 50-59
            23, 24, 24, 25, 25, 25, 26, 26, 27, 27,  # 60-69
            28, 28, 29, 29, 29, 30, 30, 31, 31, 32,  # 70-79
            32, 33, 33, 34, 34, 34, 35, 35, 36, 36,  # 80-89
            37, 37, 38, 38, 39, 39, 39, 40, 40, 41,  # 90-99
            41,  # 100
        ],
        strict=True,
    )
)  # fmt: skip

# The vignette's first example: set.seed(19); y <- rnorm(24) (values printed by R 4.2.2 with
# digits = 17; R's default normal generator, inversion, is unchanged since the vignette).
VIGNETTE_Y = [
    -1.1894537452597226945, 0.3885812296325525383, -0.3443333492107246707,
    -0.5478961384182949867, 0.9806622157501915238, -0.2366460072728518993,
    0.8097397043477149170, -0.7447795286640411794, -0.2597870131270989535,
    -0.1830838304102147540, 0.5186299876129051301, 0.8834651007203135897,
    0.5898290726326076427, -0.1967046508437909624, 0.6595937779285666602,
    -0.2605846274469751367, -0.5725055096507331021, 1.4065584069617984575,
    0.5042705078262268437, -0.7002809256853512743, 1.4234234788673711947,
    -1.0426581198574913500, 0.0011691946936697203, 1.0904551661120984729,
]  # fmt: skip
# ... then y[22] <- 4 and y[13:24] <- rnorm(12, mean = 2): the shifted series.
VIGNETTE_Y_SHIFTED = [
    -1.18945374525972269, 0.38858122963255254, -0.34433334921072467,
    -0.54789613841829499, 0.98066221575019152, -0.23664600727285190,
    0.80973970434771492, -0.74477952866404118, -0.25978701312709895,
    -0.18308383041021475, 0.51862998761290513, 0.88346510072031359,
    1.00128475258218907, 2.53482999228741113, 1.87623204831409418,
    4.11930330792709576, 0.48652412607601336, 2.25519487062243851,
    3.50474143843065544, 1.60991952529911631, 2.57935817012672519,
    2.21035583968694027, 2.94404277553313198, 0.17330676638891696,
]  # fmt: skip


def approx(expected: float, tol: float = 1e-9) -> object:
    return pytest.approx(expected, abs=tol)


def indices(flags: list[bool]) -> list[int]:
    return [i for i, f in enumerate(flags) if f]


# ---------------------------------------------------------------------------------------
# Anhøj limits and the binomial quantile
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", range(10, 101))
def test_limits_match_published_critical_values(n: int) -> None:
    # qicharts2 vignette Appendix 2 (= Anhøj & Olesen 2014, PLoS ONE 9(11): e113825).
    assert longest_run_limit(n) == APPENDIX_2_LONGEST_RUN[n]
    assert crossings_limit(n) == APPENDIX_2_CROSSINGS[n]


def test_limits_for_very_short_series() -> None:
    # round(log2(n)) + 3: log2(1) = 0, log2(2) = 1, log2(3) = 1.58, log2(5) = 2.32.
    assert [longest_run_limit(n) for n in (1, 2, 3, 4, 5)] == [3, 4, 5, 5, 5]
    # qbinom(0.05, n - 1, 0.5): P(X = 0) = 1, 1/2, 1/4, 1/8, 1/16 >= 0.05 for n = 1..5;
    # for n = 6, P(X = 0) = 1/32 < 0.05 <= P(X <= 1) = 6/32.
    assert [crossings_limit(n) for n in (1, 2, 3, 4, 5, 6)] == [0, 0, 0, 0, 0, 1]
    with pytest.raises(ValueError):
        longest_run_limit(0)
    with pytest.raises(ValueError):
        crossings_limit(0)


def test_binomial_quantile_by_hand() -> None:
    assert binom_half_quantile(0.05, 0) == 0
    # size 2: P(X <= 0) = 1/4, P(X <= 1) = 3/4.
    assert binom_half_quantile(0.5, 2) == 1
    # A cdf exactly equal to p counts (smallest x with P(X <= x) >= p) ...
    assert binom_half_quantile(Fraction(1, 4), 2) == 0
    assert binom_half_quantile(0.25, 2) == 0
    # ... and one just above it does not.
    assert binom_half_quantile(Fraction(1, 4) + Fraction(1, 10**12), 2) == 1
    assert binom_half_quantile(0, 7) == 0
    assert binom_half_quantile(1, 7) == 7
    with pytest.raises(ValueError):
        binom_half_quantile(0.05, -1)


@pytest.mark.parametrize(
    ("size", "expected"),
    # R 4.2.2: qbinom(0.05, size, 0.5) for these sizes.
    [
        (100, 42),
        (1000, 474),
        (2500, 1209),
        (4096, 1995),
        (4097, 1996),
        (5000, 2442),
        (9999, 4917),
        (10000, 4918),
        (99999, 49739),
        (1000000, 499178),
    ],
)
def test_binomial_quantile_matches_r_for_large_sizes(size: int, expected: int) -> None:
    assert binom_half_quantile(0.05, size) == expected


def test_binomial_window_agrees_with_exact_sum_just_above_the_limit() -> None:
    for size in range(binomial.EXACT_SIZE_LIMIT + 1, binomial.EXACT_SIZE_LIMIT + 40):
        assert binomial._quantile_window(0.05, size) == binomial._quantile_exact(1, 20, size)


# ---------------------------------------------------------------------------------------
# Run charts
# ---------------------------------------------------------------------------------------


def test_vignette_random_series_shows_common_cause_variation_only() -> None:
    # qicharts2 vignette: "As expected from random numbers, the previous run and control
    # charts exhibit common cause variation."
    run = analyze_run_chart(VIGNETTE_Y)
    assert run.n == run.n_useful == 24
    assert run.runs_signal is False
    assert run.longest_run_max == 8
    assert run.crossings_min == 8
    assert run.longest_run is not None and run.longest_run <= 8
    assert run.crossings is not None and run.crossings >= 8


def test_ties_on_the_median_are_left_out() -> None:
    # median 3; the three 3s are on it; useful points 1, 2 (below), 4, 5 (above).
    run = analyze_run_chart([1, 2, 3, 3, 3, 4, 5])
    assert run.n == 7
    assert run.n_useful == 4
    assert run.median == 3
    assert run.longest_run == 2
    assert run.crossings == 1
    assert run.longest_run_max == 5  # round(log2 4) + 3
    assert run.crossings_min == 0  # qbinom(0.05, 3, 0.5): P(X = 0) = 1/8
    assert run.runs_signal is False


def test_all_points_on_the_median() -> None:
    run = analyze_run_chart([5, 5, 5, 5])
    assert run.median == 5
    assert run.n == 4
    assert run.n_useful == 0
    assert run.longest_run is None
    assert run.longest_run_max is None
    assert run.crossings is None
    assert run.crossings_min is None
    assert run.runs_signal is False
    assert run.shifts == []
    assert run.trends == []
    assert run.signals == [False] * 4


def test_empty_series() -> None:
    run = analyze_run_chart([])
    assert (run.n, run.n_useful, run.median, run.runs_signal) == (0, 0, None, False)
    assert run.signals == []


def test_fewer_than_ten_points() -> None:
    # Five rising points: median 3 (index 2 on it), useful 1, 2 below and 4, 5 above.
    run = analyze_run_chart([1, 2, 3, 4, 5])
    assert run.n_useful == 4
    assert (run.longest_run, run.longest_run_max) == (2, 5)
    assert (run.crossings, run.crossings_min) == (1, 0)
    assert run.runs_signal is False
    assert run.shifts == []
    assert run.trends == [(0, 4)]
    assert run.signals == [True] * 5


def test_clear_shift() -> None:
    # Median (1 + 9) / 2 = 5: six points below, then six above.
    run = analyze_run_chart([1, 2, 1, 2, 1, 2, 8, 9, 8, 9, 8, 9])
    assert run.median == 5
    assert run.shifts == [(0, 5), (6, 11)]
    assert run.longest_run == 6
    assert run.longest_run_max == 7  # round(log2 12 = 3.58) + 3
    assert run.crossings == 1
    assert run.crossings_min == 3  # Appendix 2, n = 12
    assert run.runs_signal is True  # too few crossings
    assert run.signals == [True] * 12


def test_anhoej_signals_only_beyond_the_limits() -> None:
    # Ten useful points: longest_run_max 6, crossings_min 2 (Appendix 2, n = 10).
    at_limits = analyze_runs([-1, 1, -1, 1, 1, 1, 1, 1, 1, -1], 0.0)
    assert (at_limits.longest_run, at_limits.longest_run_max) == (6, 6)
    assert (at_limits.crossings, at_limits.crossings_min) == (4, 2)
    assert at_limits.runs_signal is False
    assert at_limits.shifts == [(3, 8)]  # the IHI shift rule does fire on six points

    two_crossings = analyze_runs([-1, -1, -1, 1, 1, 1, 1, -1, -1, -1], 0.0)
    assert (two_crossings.longest_run, two_crossings.crossings) == (4, 2)
    assert two_crossings.runs_signal is False

    one_crossing = analyze_runs([-1, -1, -1, -1, -1, 1, 1, 1, 1, 1], 0.0)
    assert (one_crossing.longest_run, one_crossing.crossings) == (5, 1)
    assert one_crossing.runs_signal is True

    long_run = analyze_runs([1, -1, 1, -1, 1, 1, 1, 1, 1, 1, 1], 0.0)
    assert (long_run.n_useful, long_run.longest_run, long_run.longest_run_max) == (11, 7, 6)
    assert long_run.runs_signal is True


def test_points_on_the_centre_line_neither_break_nor_add_to_a_shift() -> None:
    values = [1, 9, 9, 9, 5, 9, 9, 9, 1]
    run = analyze_runs(values, 5.0)
    # Six counted points (1-3 and 5-7); index 4 is on the line.
    assert run.shifts == [(1, 7)]
    assert run.longest_run == 6
    assert run.n_useful == 8
    assert run.crossings == 2
    assert indices(run.signals) == [1, 2, 3, 5, 6, 7]
    # Five counted points around the line are not a shift.
    assert find_shifts([9, 9, 5, 9, 9, 9, 1], 5.0) == []


def test_baseline_median_and_shift_after_it() -> None:
    values = [4, 6, 4, 6, 5, 7, 8, 5, 9, 7, 8, 6]
    run = analyze_run_chart(values, baseline=5)
    assert run.median == 5  # median of 4, 6, 4, 6, 5
    assert run.n == 12
    assert run.n_useful == 10  # indices 4 and 7 are on the median
    # Above the median from index 3 on, skipping 4 and 7: 7 counted points.
    assert run.shifts == [(3, 11)]
    assert run.longest_run == 7
    assert run.longest_run_max == 6  # round(log2 10 = 3.32) + 3
    assert run.crossings == 3
    assert run.crossings_min == 2
    assert run.runs_signal is True
    assert indices(run.signals) == [3, 5, 6, 8, 9, 10, 11]

    whole = analyze_run_chart(values)
    assert whole.median == 6  # (6 + 6) / 2 of the twelve sorted values
    assert whole.shifts == []

    assert analyze_run_chart(values, baseline=100).median == 6
    with pytest.raises(ValueError):
        analyze_run_chart(values, baseline=0)


def test_trend_ignores_like_values() -> None:
    # 1, 2, 3, 3, 4, 5: five distinct rising values (the two 3s count once).
    assert find_trends([1, 2, 3, 3, 4, 5]) == [(0, 5)]
    # 1, 2, 2, 3, 4: only four distinct values, although five points never fall.
    assert find_trends([1, 2, 2, 3, 4]) == []
    # Like values at the start and end: the trend runs from the last 9 to the first 5.
    assert find_trends([9, 9, 8, 7, 6, 5, 5]) == [(1, 5)]
    # Four points are not enough; a rise and a fall may share the turning point.
    assert find_trends([1, 2, 3, 4, 1]) == []
    assert find_trends([1, 2, 3, 4, 5, 4, 3, 2, 1]) == [(0, 4), (4, 8)]
    # Missing points are skipped.
    assert find_trends([1, None, 2, 3, None, 4, 5]) == [(0, 6)]


def test_trend_in_a_run_chart_marks_its_points() -> None:
    values = [5, 3, 6, 2, 4, 4, 5, 6, 7, 3]
    run = analyze_run_chart(values)
    # sorted: 2 3 3 4 4 5 5 6 6 7 -> median (4 + 5) / 2 = 4.5
    assert run.median == 4.5
    # 2 (index 3), 4, 4, 5, 6, 7 (index 8): five distinct rising values.
    assert run.trends == [(3, 8)]
    assert run.shifts == []
    assert indices(run.signals) == [3, 4, 5, 6, 7, 8]


def test_rule_lengths_can_be_changed() -> None:
    values = [1, 9, 9, 9, 9, 9, 9, 9, 1, 2, 3, 4, 5, 6]
    run = analyze_runs(values, 5.0, shift_points=8, trend_points=6)
    assert run.shifts == []  # seven points above
    assert run.trends == [(8, 13)]  # six rising points 1..6


def test_run_chart_rejects_non_finite_values() -> None:
    with pytest.raises(ValueError):
        analyze_run_chart([1.0, math.nan, 2.0])
    with pytest.raises(ValueError):
        analyze_run_chart([1.0, math.inf])
