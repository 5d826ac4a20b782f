"""Rule sets (issue 15, point 5) and phases (point 1-2) of the SPC domain, each case citing its source."""

from __future__ import annotations

import math

import pytest

from reports_service.domain.spc import (
    ASTRONOMICAL_PROXY,
    analyze_phased_run_chart,
    astronomical_proxy,
    count_runs,
    find_sustained_shift,
    phase_starts,
    runs_limits,
)
from reports_service.domain.spc.sensitising import (
    LANEY_THRESHOLD,
    laney_limits,
    sensitising_findings,
    use_laney,
)

# The demo's outcome measure (infra/demo/improvement_work.json, generator "proportion_shift"): 26 months from
# March 2023, about 36 % until March 2024 and 58 % from April 2024, as cycles' seed computes it.
DEMO = [
    0.394, 0.357, 0.363, 0.369, 0.328, 0.362, 0.368, 0.354, 0.394, 0.357, 0.342, 0.364, 0.333,
    0.584, 0.605, 0.574, 0.6, 0.573, 0.547, 0.59, 0.572, 0.589, 0.611, 0.564, 0.578, 0.578,
]  # fmt: skip
# The same noise without the shift: common-cause variation around 45 %.
STABLE = [0.45 + 0.03 * (math.sin(i * 2.3 + 1.7) * 0.6 + math.sin(i * 0.9 + 1) * 0.4) for i in range(26)]


@pytest.mark.parametrize(
    ("useful", "limits"), [(10, (3, 9)), (16, (5, 13)), (20, (6, 16)), (26, (9, 19)), (40, (15, 27))]
)
def test_runs_limits_follow_the_published_table(useful: int, limits: tuple[int, int]) -> None:
    # Source: Perla, Provost & Murray (2011) BMJ Qual Saf 20: 46-51, Table 1 (rows where the transcriptions agree).
    assert runs_limits(useful) == limits


def test_the_runs_table_is_not_applied_outside_its_rows() -> None:
    # Source: Perla, Provost & Murray (2011), Table 1 starts at 10 useful points; we ship it up to 40.
    assert runs_limits(9) is None and runs_limits(41) is None
    few = count_runs([1, 2, 1, 2, 1, 2, 1, 2, 1], 1.5)
    assert few.runs == 9 and few.lower is None and not few.too_few and not few.too_many


def test_too_few_runs_in_balestraccis_sixteen_points() -> None:
    # Source: Balestracci (2008) "An underrated test for run charts", Quality Digest: 16 points forming runs of
    # 7, 7, 1 and 1 (4 runs) are too few; the table's lower limit for 16 points is 5.
    values = [1.0] * 7 + [-1.0] * 7 + [1.0, -1.0]
    result = count_runs(values, 0.0)
    assert (result.n_useful, result.runs, result.lower) == (16, 4, 5)
    assert result.too_few and not result.too_many


def test_too_many_runs_when_points_alternate() -> None:
    # Hand-computed: 20 alternating points form 20 runs; Table 1 (Perla et al. 2011) allows at most 16.
    result = count_runs([(-1.0) ** i for i in range(20)], 0.0)
    assert result.runs == 20 and result.upper == 16 and result.too_many


def test_points_on_the_median_neither_start_nor_break_a_run() -> None:
    # Source: Perla, Provost & Murray (2011): "data points that fall on the median are not counted".
    assert count_runs([1.0, 0.0, 1.0, -1.0, 0.0, -1.0], 0.0).runs == 2


def test_astronomical_proxy_is_a_labelled_three_sigma_limit() -> None:
    # Hand-computed: ten points of 10 and 11 alternating (mean moving range 1, sigma 1/1.128 = 0.887, limits
    # about mean +- 2.66) and one point of 30: only the 30 lies beyond.
    values = [10.0, 11.0] * 5 + [30.0]
    assert astronomical_proxy(values) == [10]
    assert ASTRONOMICAL_PROXY == "proxy_3_sigma"
    analysis = analyze_phased_run_chart(values, rule_set="ihi")
    assert [f.points for f in analysis.findings if f.rule == ASTRONOMICAL_PROXY] == [(10,)]


def test_anhoj_findings_name_the_long_runs_and_the_few_crossings_of_the_demo() -> None:
    # Anhøj & Olesen (2014): 26 useful points, longest run limit round(log2(26)) + 3 = 8, crossings limit
    # qbinom(0.05, 25, 0.5) = 8. The demo has two runs of 13 and one crossing.
    chart = analyze_phased_run_chart(DEMO, rule_set="anhoj")
    assert [(f.rule, f.points[0], len(f.points)) for f in chart.findings] == [
        ("long_run", 0, 13),
        ("long_run", 13, 13),
        ("few_crossings", 0, 26),
    ]


def test_a_sustained_shift_is_proposed_at_its_first_point_for_the_demo() -> None:
    # Anhøj: the run of 13 above the median from April 2024 (index 13) exceeds the limit 8; IHI rule 1: 13 >= 6.
    anhoj = find_sustained_shift(DEMO, "anhoj")
    assert anhoj is not None and (anhoj.first, anhoj.length, anhoj.limit, anhoj.above) == (13, 13, 8, True)
    ihi = find_sustained_shift(DEMO, "ihi")
    assert ihi is not None and (ihi.rule, ihi.first, ihi.limit) == ("shift", 13, 6)


def test_no_proposal_for_a_stable_measure() -> None:
    assert find_sustained_shift(STABLE, "anhoj") is None
    assert find_sustained_shift(STABLE, "ihi") is None
    assert analyze_phased_run_chart(STABLE).findings == []


def test_each_phase_has_its_own_median_and_the_demo_is_stable_in_each() -> None:
    # qicharts2's `part`: each phase analysed on its own. The demo's two levels are each common-cause variation.
    chart = analyze_phased_run_chart(DEMO, [13], rule_set="anhoj")
    assert [p.analysis.median for p in chart.phases] == [0.362, 0.578]
    assert chart.centre == [0.362] * 13 + [0.578] * 13
    assert chart.findings == [] and not chart.combined.runs_signal
    assert find_sustained_shift(DEMO[13:], "anhoj") is None


def test_a_frozen_baseline_keeps_the_phase_median_on_its_first_points() -> None:
    # qicharts2's `freeze`: the median of the first n points of the phase.
    chart = analyze_phased_run_chart([1.0, 2.0, 3.0, 10.0, 11.0, 12.0], [3], [None, 1])
    assert [p.analysis.median for p in chart.phases] == [2.0, 10.0]


def test_phase_starts_index_the_first_point_at_or_after_each_start() -> None:
    from datetime import date

    periods = [date(2024, m, 1) for m in range(1, 7)]
    assert phase_starts(periods, [date(2024, 3, 15), date(2023, 1, 1), date(2025, 1, 1), date(2024, 3, 20)]) == [3]


def test_western_electric_zone_rules() -> None:
    # Western Electric (1956) Statistical Quality Control Handbook, tests 2-4; centre 0 and sigma 1 (limits +-3).
    n = 12
    centre, lower, upper = [0.0] * n, [-3.0] * n, [3.0] * n
    two_of_three = [0.1, 2.5, 0.2, 2.1, -0.3, 0.4, -0.5, 0.2, -0.1, 0.3, -0.2, 0.1]
    found = sensitising_findings(two_of_three, centre, lower, upper, part=[0] * n, rules=["western_electric"])
    assert [(f.rule, f.points) for f in found] == [("we_2_of_3_beyond_2_sigma", (1, 3))]
    four_of_five = [0.1, 1.5, 1.2, -0.2, 1.8, 1.1, -0.4, 0.3, -0.5, 0.2, -0.1, 0.3]
    found = sensitising_findings(four_of_five, centre, lower, upper, part=[0] * n, rules=["western_electric"])
    assert [(f.rule, f.points) for f in found] == [("we_4_of_5_beyond_1_sigma", (1, 2, 4, 5))]
    eight = [0.5, 0.2, 0.3, 0.1, 0.4, 0.6, 0.2, 0.3, -0.1, 0.2, -0.3, 0.1]
    found = sensitising_findings(eight, centre, lower, upper, part=[0] * n, rules=["western_electric"])
    assert [(f.rule, f.points) for f in found] == [("we_8_one_side", tuple(range(8)))]


def test_windows_never_cross_a_phase_boundary() -> None:
    # Eight points above the centre line, four in each phase: no "8 in a row" in either.
    values = [0.5] * 8
    found = sensitising_findings(
        values, [0.0] * 8, [-3.0] * 8, [3.0] * 8, part=[0] * 4 + [1] * 4, rules=["western_electric"]
    )
    assert found == []


def test_nelson_fifteen_within_one_sigma() -> None:
    # Nelson (1984) J Qual Technol 16(4): 237-239, test 7: 15 in a row within 1 sigma, on either side.
    values = [0.5, -0.5] * 8  # 16 points, all within 1 sigma
    found = sensitising_findings(values, [0.0] * 16, [-3.0] * 16, [3.0] * 16, part=[0] * 16, rules=["nelson_15"])
    assert [(f.rule, len(f.points)) for f in found] == [("nelson_15_within_1_sigma", 16)]
    found = sensitising_findings(values[:14], [0.0] * 14, [-3.0] * 14, [3.0] * 14, part=[0] * 14, rules=["nelson_15"])
    assert found == []


def test_laney_p_prime_hand_computed() -> None:
    # Laney (2002) Quality Engineering 14(4): 531-537. Hand-computed: p = 10, 20, 30 of 100: centre 0.2,
    # sigma_p = sqrt(0.2 * 0.8 / 100) = 0.04, z = -2.5, 0, 2.5, mean moving range 2.5, sigma_z = 2.5 / 1.128
    # = 2.2163; UCL = 0.2 + 3 * 0.04 * 2.2163 = 0.46596; LCL clipped at 0.
    limits = laney_limits("p", [10, 20, 30], [100, 100, 100])
    assert limits.sigma_z == pytest.approx(2.5 / 1.128)
    assert limits.upper[0] == pytest.approx(0.2 + 3 * 0.04 * 2.5 / 1.128)
    assert limits.lower == [0.0, 0.0, 0.0]
    assert use_laney(limits.sigma_z) and not use_laney(limits.sigma_z, "never")
    assert not use_laney(LANEY_THRESHOLD) and use_laney(0.5, "always")


def test_laney_u_prime_with_no_overdispersion_is_the_u_chart() -> None:
    # Hand-computed: equal rates give z = 0 everywhere, sigma_z = 0: p'/u' limits collapse; "auto" keeps u.
    limits = laney_limits("u", [5, 10], [50, 100])
    assert limits.sigma_z == 0 and not use_laney(limits.sigma_z)
    with pytest.raises(ValueError, match="at least 2"):
        laney_limits("p", [1], [10])
