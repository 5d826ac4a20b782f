"""Tests for the control charts of the reports service (reports_service.domain.spc.control_chart).

Expected values come from published examples (sources cited next to each) or are worked by
hand in the comments; none is computed with the code under test.
"""

from __future__ import annotations

import math

import pytest

from reports_service.domain.spc import a3, analyze_runs, b3, b4, c4, control_chart

from .test_spc import VIGNETTE_Y, VIGNETTE_Y_SHIFTED, approx, indices

# Montgomery (2009) Table 6.3, piston-ring inside diameters, the 25 samples of 5 of Example
# 6.3 (as shipped in the R package qcc, data/pistonrings.txt).
PISTON_RINGS = [
    [74.030, 74.002, 74.019, 73.992, 74.008],
    [73.995, 73.992, 74.001, 74.011, 74.004],
    [73.988, 74.024, 74.021, 74.005, 74.002],
    [74.002, 73.996, 73.993, 74.015, 74.009],
    [73.992, 74.007, 74.015, 73.989, 74.014],
    [74.009, 73.994, 73.997, 73.985, 73.993],
    [73.995, 74.006, 73.994, 74.000, 74.005],
    [73.985, 74.003, 73.993, 74.015, 73.988],
    [74.008, 73.995, 74.009, 74.005, 74.004],
    [73.998, 74.000, 73.990, 74.007, 73.995],
    [73.994, 73.998, 73.994, 73.995, 73.990],
    [74.004, 74.000, 74.007, 74.000, 73.996],
    [73.983, 74.002, 73.998, 73.997, 74.012],
    [74.006, 73.967, 73.994, 74.000, 73.984],
    [74.012, 74.014, 73.998, 73.999, 74.007],
    [74.000, 73.984, 74.005, 73.998, 73.996],
    [73.994, 74.012, 73.986, 74.005, 74.007],
    [74.006, 74.010, 74.018, 74.003, 74.000],
    [73.984, 74.002, 74.003, 74.005, 73.997],
    [74.000, 74.010, 74.013, 74.020, 74.003],
    [73.988, 74.001, 74.009, 74.005, 73.996],
    [74.004, 73.999, 73.990, 74.006, 74.009],
    [74.010, 73.989, 73.990, 74.009, 74.014],
    [74.015, 74.008, 73.993, 74.000, 74.010],
    [73.982, 73.984, 73.995, 74.017, 74.013],
]

# Montgomery (2009) Example 7.1, orange-juice cans: nonconforming cans in 30 samples of 50
# (qcc data/orangejuice.txt, trial samples).
ORANGE_JUICE = [
    12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22,
    8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6,
]  # fmt: skip

# Montgomery (2009) Example 7.4 (u chart), nonconformities in 20 samples of 5 personal
# computers (qcc data/pcmanufact.txt).
PC_NONCONFORMITIES = [10, 12, 8, 14, 10, 16, 11, 7, 10, 15, 9, 5, 7, 11, 12, 6, 8, 10, 7, 5]

# Montgomery (2009) Appendix VI, factors for constructing variables control charts,
# n = 2..25: c4, A3, B3, B4.
TABLE_C4 = [
    0.7979, 0.8862, 0.9213, 0.9400, 0.9515, 0.9594, 0.9650, 0.9693, 0.9727, 0.9754,
    0.9776, 0.9794, 0.9810, 0.9823, 0.9835, 0.9845, 0.9854, 0.9862, 0.9869, 0.9876,
    0.9882, 0.9887, 0.9892, 0.9896,
]  # fmt: skip
TABLE_A3 = [
    2.659, 1.954, 1.628, 1.427, 1.287, 1.182, 1.099, 1.032, 0.975, 0.927,
    0.886, 0.850, 0.817, 0.789, 0.763, 0.739, 0.718, 0.698, 0.680, 0.663,
    0.647, 0.633, 0.619, 0.606,
]  # fmt: skip
TABLE_B3 = [
    0, 0, 0, 0, 0.030, 0.118, 0.185, 0.239, 0.284, 0.321,
    0.354, 0.382, 0.406, 0.428, 0.448, 0.466, 0.482, 0.497, 0.510, 0.523,
    0.534, 0.545, 0.555, 0.565,
]  # fmt: skip
TABLE_B4 = [
    3.267, 2.568, 2.266, 2.089, 1.970, 1.882, 1.815, 1.761, 1.716, 1.679,
    1.646, 1.618, 1.594, 1.572, 1.552, 1.534, 1.518, 1.503, 1.490, 1.477,
    1.466, 1.455, 1.445, 1.435,
]  # fmt: skip


# ---------------------------------------------------------------------------------------
# I and MR charts
# ---------------------------------------------------------------------------------------


def test_vignette_i_chart_with_shift() -> None:
    # qicharts2 vignette, summary(qic(y, chart = 'i')) after the shift:
    #   n.obs 24, n.useful 24, longest.run 13, longest.run.max 8, n.crossings 4,
    #   n.crossings.min 8, runs.signal 1, aLCL -2.114884, CL 1.057091, aUCL 4.229067,
    #   sigma.signal 0.
    chart = control_chart("i", VIGNETTE_Y_SHIFTED)
    assert chart.centre[0] == approx(1.057091, 5e-7)
    assert chart.lower[0] == approx(-2.114884, 5e-7)
    assert chart.upper[0] == approx(4.229067, 5e-7)
    assert set(chart.centre) == {chart.centre[0]}
    assert not any(chart.sigma_signal)
    runs = chart.parts[0].runs
    assert runs is not None
    assert (runs.n, runs.n_useful) == (24, 24)
    assert (runs.longest_run, runs.longest_run_max) == (13, 8)
    assert (runs.crossings, runs.crossings_min) == (4, 8)
    assert runs.runs_signal is True
    assert all(chart.runs_signal)
    # The same analysis through the public function.
    assert analyze_runs(VIGNETTE_Y_SHIFTED, 1.057091343290644).longest_run == 13


def test_vignette_i_chart_with_one_large_point_screening() -> None:
    # Vignette: y[22] <- 4 in the random series, "a large, transient shift" caught by the
    # 3-sigma rule.  Limits worked in R from the formulas: mean 0.3341801049; moving
    # ranges average 1.2143... ; the range 4 -> 0.0012 (= 3.9988) is >= 3.267 x average and
    # is screened out before sigma = average / 1.128 is taken.
    y = list(VIGNETTE_Y)
    y[21] = 4.0
    screened = control_chart("i", y)
    assert screened.centre[0] == approx(0.3341801049, 1e-9)
    assert screened.lower[0] == approx(-2.3898970359, 1e-9)
    assert screened.upper[0] == approx(3.0582572456, 1e-9)
    assert indices(screened.sigma_signal) == [21]

    unscreened = control_chart("i", y, screen=False)
    assert unscreened.centre[0] == approx(0.3341801049, 1e-9)
    assert unscreened.lower[0] == approx(-2.7338583912, 1e-9)
    assert unscreened.upper[0] == approx(3.4022186009, 1e-9)
    assert indices(unscreened.sigma_signal) == [21]


def test_i_chart_screening_of_a_large_moving_range() -> None:
    values = [10, 11, 10, 11, 10, 20, 21, 20, 21, 20]
    # mean 154 / 10 = 15.4; moving ranges 1,1,1,1,10,1,1,1,1, average 18 / 9 = 2.
    # Screened: 10 >= 3.267 * 2 = 6.534 goes, average 1, 3 sigma = 3 / 1.128 = 2.659574.
    screened = control_chart("i", values)
    assert screened.centre[0] == approx(15.4)
    assert screened.lower[0] == approx(15.4 - 2.6595744681, 1e-9)
    assert screened.upper[0] == approx(15.4 + 2.6595744681, 1e-9)
    assert all(screened.sigma_signal)
    # Not screened: 3 sigma = 6 / 1.128 = 5.319149; limits 10.080851 and 20.719149.
    plain = control_chart("i", values, screen=False)
    assert plain.lower[0] == approx(10.0808510638, 1e-9)
    assert plain.upper[0] == approx(20.7191489362, 1e-9)
    assert indices(plain.sigma_signal) == [0, 2, 4, 6, 8]


def test_i_chart_of_constant_values_and_of_one_value() -> None:
    flat = control_chart("i", [3, 3, 3])
    assert flat.centre == [3, 3, 3]
    assert flat.lower == [3, 3, 3]
    assert flat.upper == [3, 3, 3]
    assert not any(flat.sigma_signal)
    one = control_chart("i", [7])
    assert one.centre == [7]
    assert one.lower == [None]
    assert one.upper == [None]


def test_i_chart_baseline_freeze() -> None:
    values = [1, 2, 3, 2, 1, 10, 11, 12, 11, 10]
    chart = control_chart("i", values, baseline=5)
    # Baseline: mean 9 / 5 = 1.8, moving ranges 1, 1, 1, 1 -> 3 sigma = 3 / 1.128.
    assert chart.centre == [approx(1.8)] * 10
    assert chart.lower == [approx(1.8 - 2.6595744681, 1e-9)] * 10
    assert chart.upper == [approx(1.8 + 2.6595744681, 1e-9)] * 10
    assert indices(chart.sigma_signal) == [5, 6, 7, 8, 9]
    assert len(chart.parts) == 1
    runs = chart.parts[0].runs
    assert runs is not None
    # Around 1.8 for all ten points: - + + + - + + + + +
    assert runs.n_useful == 10
    assert (runs.longest_run, runs.longest_run_max) == (5, 6)
    assert (runs.crossings, runs.crossings_min) == (3, 2)
    assert runs.runs_signal is False


def test_i_chart_parts() -> None:
    values = [1, 2, 3, 2, 1, 10, 11, 12, 11, 10]
    chart = control_chart("i", values, parts=[5])
    assert chart.part == [0] * 5 + [1] * 5
    assert [(p.start, p.end) for p in chart.parts] == [(0, 4), (5, 9)]
    assert chart.centre == [approx(1.8)] * 5 + [approx(10.8)] * 5
    # Each part: moving ranges 1, 1, 1, 1 -> 3 sigma = 2.6595744681.
    assert chart.upper[0] == approx(4.4595744681, 1e-9)
    assert chart.lower[9] == approx(8.1404255319, 1e-9)
    assert not any(chart.sigma_signal)
    for part in chart.parts:
        assert part.runs is not None
        assert (part.runs.n, part.runs.n_useful) == (5, 5)
        assert (part.runs.longest_run, part.runs.crossings) == (3, 2)
        assert part.runs.runs_signal is False
    with pytest.raises(ValueError):
        control_chart("i", values, parts=[5], baseline=3)
    with pytest.raises(ValueError):
        control_chart("i", values, parts=[10])
    with pytest.raises(ValueError):
        control_chart("i", values, parts=[0])


def test_mr_chart() -> None:
    chart = control_chart("mr", [1, 3, 2, 6])
    assert chart.values == [None, 2, 1, 4]
    assert chart.centre == [approx(7 / 3)] * 4
    assert chart.upper == [approx(3.267 * 7 / 3)] * 4
    assert chart.lower == [0, 0, 0, 0]
    assert not any(chart.sigma_signal)
    assert chart.parts[0].runs is None  # no runs analysis on moving ranges
    assert not any(chart.runs_signal)

    parted = control_chart("mr", [1, 3, 2, 6], parts=[2])
    assert parted.values == [None, 2, None, 4]
    assert parted.centre == [2, 2, 4, 4]


# ---------------------------------------------------------------------------------------
# P and U charts
# ---------------------------------------------------------------------------------------


def test_p_chart_orange_juice() -> None:
    # Montgomery Example 7.1: p-bar = 0.2313, UCL = 0.4102, LCL = 0.0524, samples 15 and 23
    # above the UCL.  R qcc: center 0.2313333, limits 0.05242755 and 0.4102391.
    chart = control_chart("p", ORANGE_JUICE, denominators=[50] * 30)
    assert chart.centre[0] == approx(0.2313333, 5e-8)
    assert chart.lower[0] == approx(0.05242755, 5e-9)
    assert chart.upper[0] == approx(0.4102391, 5e-8)
    assert indices(chart.sigma_signal) == [14, 22]

    # Revised limits without samples 15 and 23: p-bar 0.2150, UCL 0.3893, LCL 0.0407
    # (Montgomery); qcc: center 0.215, limits 0.04070284 and 0.3892972; sample 21 (index
    # 19 of the 28 left) is above the new UCL.
    kept = [d for i, d in enumerate(ORANGE_JUICE) if i not in (14, 22)]
    revised = control_chart("p", kept, denominators=[50] * 28)
    assert revised.centre[0] == approx(0.215)
    assert revised.lower[0] == approx(0.04070284, 5e-9)
    assert revised.upper[0] == approx(0.3892972, 5e-8)
    assert indices(revised.sigma_signal) == [19]


def test_p_chart_with_varying_denominators() -> None:
    # p-bar = 40 / 400 = 0.1; 3 sigma_i = 3 sqrt(0.1 * 0.9 / n_i) = 0.9 / sqrt(n_i):
    #   n=20: 0.2012461180, n=50: 0.1272792206, n=25: 0.18, n=40: 0.1423024947,
    #   n=265: 0.0552865605.  Lower limits below 0 are 0.
    chart = control_chart("p", [2, 5, 3, 11, 19], denominators=[20, 50, 25, 40, 265])
    assert chart.values == [0.1, 0.1, 0.12, 0.275, approx(19 / 265)]
    assert chart.centre == [approx(0.1)] * 5
    assert chart.upper == [
        approx(0.3012461180),
        approx(0.2272792206),
        approx(0.28),
        approx(0.2423024947),
        approx(0.1552865605),
    ]
    assert chart.lower == [0, 0, 0, 0, approx(0.0447134395)]
    assert indices(chart.sigma_signal) == [3]


def test_p_chart_upper_limit_clipped_at_one() -> None:
    # p-bar = 10 / 12; n = 10: 3 sigma = 0.3535534, n = 2: 0.7905694.
    chart = control_chart("p", [9, 1], denominators=[10, 2])
    assert chart.upper == [1.0, 1.0]
    assert chart.lower == [approx(10 / 12 - 0.3535533906), approx(10 / 12 - 0.7905694150)]


def test_u_chart_pc_nonconformities() -> None:
    # Montgomery Example 7.4: u-bar = 1.93, UCL = 3.79, LCL = 0.07; in control.
    chart = control_chart("u", PC_NONCONFORMITIES, denominators=[5] * 20)
    assert chart.centre[0] == approx(1.93)
    assert round(chart.upper[0] or 0, 2) == 3.79
    assert round(chart.lower[0] or 0, 2) == 0.07
    assert not any(chart.sigma_signal)


def test_u_chart_with_varying_denominators() -> None:
    # u-bar = 17 / 8 = 2.125; 3 sqrt(2.125 / n): n=2: 3.0923292, n=5: 1.9557607,
    # n=1: 4.3732139.
    chart = control_chart("u", [3, 10, 4], denominators=[2, 5, 1])
    assert chart.values == [1.5, 2.0, 4.0]
    assert chart.centre == [2.125] * 3
    assert chart.upper == [approx(5.2173292, 1e-7), approx(4.0807607, 1e-7), approx(6.4982139, 1e-7)]
    assert chart.lower == [0, approx(0.1692393, 1e-7), 0]


def test_p_and_u_input_checks() -> None:
    with pytest.raises(ValueError):
        control_chart("p", [1, 2])
    with pytest.raises(ValueError):
        control_chart("p", [3], denominators=[2])
    with pytest.raises(ValueError):
        control_chart("u", [1], denominators=[0])
    with pytest.raises(ValueError):
        control_chart("u", [1, 2], denominators=[1])
    with pytest.raises(ValueError):
        control_chart("i", [1, 2], denominators=[1, 2])
    with pytest.raises(ValueError):
        control_chart("c", [1, 2])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        control_chart("i", [1, "2"])  # type: ignore[list-item]


# ---------------------------------------------------------------------------------------
# Xbar and S charts
# ---------------------------------------------------------------------------------------


def test_constants_match_montgomery_appendix_vi() -> None:
    for n in range(2, 26):
        k = n - 2
        assert c4(n) == approx(TABLE_C4[k], 0.00006)
        assert a3(n) == approx(TABLE_A3[k], 0.0006)
        assert b3(n) == approx(TABLE_B3[k], 0.0006)
        assert b4(n) == approx(TABLE_B4[k], 0.0006)
    # Closed forms: c4(2) = sqrt(2 / pi), c4(3) = sqrt(pi) / 2.
    assert c4(2) == approx(math.sqrt(2 / math.pi), 1e-12)
    assert c4(3) == approx(math.sqrt(math.pi) / 2, 1e-12)
    with pytest.raises(ValueError):
        c4(1)


def test_xbar_and_s_piston_rings() -> None:
    # Montgomery Example 6.3: x-double-bar = 74.001, limits 73.988 and 74.014.
    # R qcc on the same data: xbar center 74.00118; S chart center 0.009240037, limits 0
    # and 0.019302416 (as reproduced in the test suite of the Python package mistat).
    xbar = control_chart("xbar", subgroups=PISTON_RINGS)
    assert xbar.centre[0] == approx(74.00118, 5e-6)
    assert round(xbar.lower[0] or 0, 3) == 73.988
    assert round(xbar.upper[0] or 0, 3) == 74.014
    assert not any(xbar.sigma_signal)
    s = control_chart("s", subgroups=PISTON_RINGS)
    assert s.centre[0] == approx(0.009240037, 5e-10)
    assert s.lower[0] == 0
    assert s.upper[0] == approx(0.019302416, 1e-9)
    assert not any(s.sigma_signal)


def _b4_closed(c: float) -> float:
    return 1 + 3 * math.sqrt(1 - c * c) / c


def test_xbar_and_s_with_variable_subgroup_size() -> None:
    groups = [[1, 2, 3], [2, 4], [3, 5, 7, 9]]
    # Means 2, 3, 6; grand mean (6 + 6 + 24) / 9 = 4.
    # sds 1, sqrt(2), sqrt(20 / 3); pooled sqrt((2*1 + 1*2 + 3*20/3) / (2 + 1 + 3)) = 2.
    c4_2 = math.sqrt(2 / math.pi)
    c4_3 = math.sqrt(math.pi) / 2
    c4_4 = math.sqrt(2 / 3) / (math.sqrt(math.pi) / 2)  # sqrt(2/3) Gamma(2) / Gamma(3/2)
    a3_by_size = {2: 3 / (c4_2 * math.sqrt(2)), 3: 3 / (c4_3 * math.sqrt(3)), 4: 3 / (c4_4 * 2)}
    xbar = control_chart("xbar", subgroups=groups)
    assert xbar.values == [2, 3, 6]
    assert xbar.centre == [approx(4)] * 3
    assert xbar.upper == [approx(4 + 2 * a3_by_size[m]) for m in (3, 2, 4)]
    assert xbar.lower == [approx(4 - 2 * a3_by_size[m]) for m in (3, 2, 4)]

    s = control_chart("s", subgroups=groups)
    assert s.values == [approx(1), approx(math.sqrt(2)), approx(math.sqrt(20 / 3))]
    assert s.centre == [approx(2)] * 3
    assert s.upper == [approx(2 * _b4_closed(c)) for c in (c4_3, c4_2, c4_4)]
    assert s.lower == [0, 0, 0]  # B3 = 0 for n <= 5


def test_xbar_with_constant_subgroup_size_uses_mean_sd() -> None:
    groups = [[1, 3], [2, 6]]
    # sds sqrt(2) and sqrt(8): mean 2.1213203 (the pooled sd would be sqrt(5) = 2.236).
    s_bar = (math.sqrt(2) + math.sqrt(8)) / 2
    a3_2 = 1.5 * math.sqrt(math.pi)  # 3 / (sqrt(2 / pi) * sqrt(2))
    xbar = control_chart("xbar", subgroups=groups)
    assert xbar.centre == [approx(3)] * 2
    assert xbar.upper == [approx(3 + a3_2 * s_bar)] * 2
    s = control_chart("s", subgroups=groups)
    assert s.centre == [approx(s_bar)] * 2
    assert s.upper == [approx(s_bar * (1 + 3 * math.sqrt(math.pi / 2 - 1)))] * 2


def test_subgroup_of_one() -> None:
    groups = [[5], [1, 3], [2, 4]]
    # Sizes vary: pooled sd sqrt((0 + 2 + 2) / (0 + 1 + 1)) = sqrt(2); mean 15 / 5 = 3.
    xbar = control_chart("xbar", subgroups=groups)
    assert xbar.values == [5, 2, 3]
    assert xbar.centre == [approx(3)] * 3
    assert xbar.upper[0] is None
    assert xbar.upper[1] == approx(3 + 1.5 * math.sqrt(math.pi) * math.sqrt(2))
    s = control_chart("s", subgroups=groups)
    assert s.values == [None, approx(math.sqrt(2)), approx(math.sqrt(2))]
    assert s.lower[0] is None
    assert s.sigma_signal == [False, False, False]
    with pytest.raises(ValueError):
        control_chart("s", subgroups=[[1, 2], []])
    with pytest.raises(ValueError):
        control_chart("xbar", [1, 2])
