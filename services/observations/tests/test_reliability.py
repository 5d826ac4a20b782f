"""Double-coding reliability against values computed by hand (arithmetic in comments).

Hand formula used for the quadratic-weighted kappa: with agreement weights
w_ij = 1 - (i-j)^2/(K-1)^2,
    kappa_w = (p_o - p_e)/(1 - p_e) = 1 - D_o / D_e
where D_o = mean over pairs of (a-b)^2 and D_e = expected (X-Y)^2 if the two
observers were independent with their own marginals
    = Var(X) + Var(Y) + (mean X - mean Y)^2   (population variances);
the (K-1)^2 cancels in the ratio.
"""

from __future__ import annotations

import pytest

from observations_service.domain.reliability import (
    AgreementStats,
    agreement_stats,
    flag_observer,
    icc_2_1,
    percent_exact,
    percent_within_one,
    reliability_by_dimension,
    weighted_kappa,
)

# Dataset A (scale 1-7): diffs 0, 1, 0, 2, 1
A = [(3, 3), (4, 5), (5, 5), (6, 4), (2, 3)]
# Dataset B: the second observer always scores one point higher.
B = [(1, 2), (2, 3), (3, 4), (4, 5)]


def test_percentages_dataset_a() -> None:
    # exact: (3,3), (5,5) -> 2/5 = 40 %
    assert percent_exact(A) == 40.0
    # within one: all but (6,4) -> 4/5 = 80 %
    assert percent_within_one(A) == 80.0


def test_weighted_kappa_dataset_a() -> None:
    # D_o = (0 + 1 + 0 + 4 + 1) / 5 = 6/5 = 1.2
    # X = 3,4,5,6,2: mean 4, Var = (1+0+1+4+4)/5 = 2
    # Y = 3,5,5,4,3: mean 4, Var = (1+1+1+0+1)/5 = 0.8
    # D_e = 2 + 0.8 + 0 = 2.8
    # kappa = 1 - 1.2/2.8 = 1 - 3/7 = 4/7
    # (Full form, K = 7: p_o = 1 - 1.2/36, p_e = 1 - 2.8/36,
    #  (p_o - p_e)/(1 - p_e) = (1.6/36)/(2.8/36) = 4/7.)
    assert weighted_kappa(A, 1, 7) == pytest.approx(4 / 7, rel=1e-12)


def test_icc_dataset_a() -> None:
    # n = 5 targets, k = 2 raters, grand mean = 40/10 = 4
    # row means 3, 4.5, 5, 5, 2.5
    #   SSR = 2 * (1 + 0.25 + 1 + 1 + 2.25) = 11      MSR = 11/4 = 2.75
    # column means 4, 4 -> SSC = 0                      MSC = 0
    # SST = X: 1+0+1+4+4 = 10, Y: 1+1+1+0+1 = 4 -> 14
    # SSE = 14 - 11 - 0 = 3                             MSE = 3/(4*1) = 0.75
    # ICC = (2.75 - 0.75) / (2.75 + 0.75 + 2*(0 - 0.75)/5) = 2 / 3.2 = 0.625
    assert icc_2_1(A) == pytest.approx(0.625, rel=1e-12)


def test_dataset_b_systematic_bias() -> None:
    # exact 0 %, within one 100 %
    assert percent_exact(B) == 0.0
    assert percent_within_one(B) == 100.0
    # D_o = 1; X = 1..4 mean 2.5 Var 1.25; Y = 2..5 mean 3.5 Var 1.25
    # D_e = 1.25 + 1.25 + (2.5 - 3.5)^2 = 3.5 ; kappa = 1 - 1/3.5 = 5/7
    assert weighted_kappa(B, 1, 7) == pytest.approx(5 / 7, rel=1e-12)
    # grand mean = (10 + 14)/8 = 3
    # row means 1.5, 2.5, 3.5, 4.5: SSR = 2*(2.25+0.25+0.25+2.25) = 10, MSR = 10/3
    # column means 2.5, 3.5: SSC = 4*(0.25+0.25) = 2, MSC = 2/1 = 2
    # SST = X: 4+1+0+1 = 6, Y: 1+0+1+4 = 6 -> 12 ; SSE = 12 - 10 - 2 = 0, MSE = 0
    # ICC = (10/3) / (10/3 + 0 + 2*2/4) = (10/3)/(13/3) = 10/13
    # (a consistency ICC would be 1: absolute agreement penalises the bias)
    assert icc_2_1(B) == pytest.approx(10 / 13, rel=1e-12)


def test_perfect_agreement_with_variance() -> None:
    pairs = [(1, 1), (4, 4), (7, 7)]
    # D_o = 0 -> kappa = 1 ; MSE = MSC = 0 -> ICC = MSR/MSR = 1
    assert weighted_kappa(pairs, 1, 7) == 1.0
    assert icc_2_1(pairs) == 1.0


def test_zero_pairs() -> None:
    assert agreement_stats([], 1, 7) == AgreementStats(
        n_pairs=0, exact_pct=None, within_one_pct=None, weighted_kappa=None, icc=None
    )


def test_zero_variance_is_undefined() -> None:
    # Every pair (4, 4): p_o = p_e = 1 -> kappa 0/0 ; all mean squares 0 -> ICC 0/0
    stats = agreement_stats([(4, 4)] * 3, 1, 7)
    assert stats == AgreementStats(n_pairs=3, exact_pct=100.0, within_one_pct=100.0, weighted_kappa=None, icc=None)


def test_single_pair() -> None:
    # Kappa: D_o = 4, D_e = (3 - 5)^2 = 4 -> 1 - 4/4 = 0 ; ICC needs n >= 2.
    assert weighted_kappa([(3, 5)], 1, 7) == 0.0
    assert icc_2_1([(3, 5)]) is None


def test_two_pairs_with_zero_denominator_icc() -> None:
    # (1,2), (2,1): row means 1.5, 1.5 and column means 1.5, 1.5 -> MSR = MSC = 0,
    # denominator = 0 + MSE*(1) + 2*(0 - MSE)/2 = 0 -> undefined.
    assert icc_2_1([(1, 2), (2, 1)]) is None
    # Kappa: D_o = 1 ; X, Y = {1, 2} mean 1.5 Var 0.25 -> D_e = 0.5 ; 1 - 1/0.5 = -1
    assert weighted_kappa([(1, 2), (2, 1)], 1, 7) == pytest.approx(-1.0)


def test_other_scale_bounds_are_used_for_validation() -> None:
    assert weighted_kappa([(0, 0), (4, 3), (2, 2)], 0, 4) is not None
    with pytest.raises(ValueError, match="fuera de la escala 1–7"):
        weighted_kappa([(8, 7)], 1, 7)
    with pytest.raises(ValueError, match="no es entero"):
        agreement_stats([(4.5, 4)], 1, 7)  # type: ignore[list-item]
    with pytest.raises(ValueError, match="no es entero"):
        agreement_stats([(True, 1)], 1, 7)


def test_by_dimension_and_pooled_overall() -> None:
    report = reliability_by_dimension({"PC": A, "QF": B}, 1, 7)
    assert list(report.dimensions) == ["PC", "QF"]
    pc, qf = report.dimensions["PC"], report.dimensions["QF"]
    assert (pc.n_pairs, pc.exact_pct, pc.within_one_pct) == (5, 40.0, 80.0)
    assert pc.weighted_kappa == pytest.approx(4 / 7, rel=1e-12)
    assert pc.icc == pytest.approx(0.625, rel=1e-12)
    assert (qf.n_pairs, qf.exact_pct, qf.within_one_pct) == (4, 0.0, 100.0)

    overall = report.overall
    # 9 pooled pairs: exact 2/9, within one (4 + 4)/9
    assert overall.n_pairs == 9
    assert overall.exact_pct == pytest.approx(200 / 9, rel=1e-12)
    assert overall.within_one_pct == pytest.approx(800 / 9, rel=1e-12)
    # Kappa: D_o = (6 + 4)/9 = 10/9
    # X = 3,4,5,6,2,1,2,3,4: sum 30, mean 10/3, sum sq 120 -> Var = 120/9 - 100/9 = 20/9
    # Y = 3,5,5,4,3,2,3,4,5: sum 34, mean 34/9, sum sq 138 -> Var = 1242/81 - 1156/81
    #   = 86/81 ; (mean X - mean Y)^2 = (4/9)^2 = 16/81
    # D_e = 180/81 + 86/81 + 16/81 = 282/81
    # kappa = 1 - (10/9)/(282/81) = 1 - 90/282 = 1 - 15/47 = 32/47
    assert overall.weighted_kappa == pytest.approx(32 / 47, rel=1e-12)
    # ICC: grand mean = 64/18 = 32/9
    # row means 3, 4.5, 5, 5, 2.5, 1.5, 2.5, 3.5, 4.5 ; sum of squares 126.5
    #   sum (rm - g)^2 = 126.5 - 9*(32/9)^2 = 126.5 - 1024/9 = 229/18
    #   SSR = 2 * 229/18 = 229/9 ; MSR = (229/9)/8 = 229/72
    # column means 30/9, 34/9: SSC = 9 * 2 * (2/9)^2 = 8/9 ; MSC = 8/9
    # SST = 120 + 138 - 18*(32/9)^2 = 258 - 2048/9 = 274/9
    # SSE = 274/9 - 229/9 - 8/9 = 37/9 ; MSE = (37/9)/8 = 37/72
    # ICC = (229/72 - 37/72) / (229/72 + 37/72 + 2*(64/72 - 37/72)/9)
    #     = (192/72) / (266/72 + 6/72) = 192/272 = 12/17
    assert overall.icc == pytest.approx(12 / 17, rel=1e-12)


def test_by_dimension_error_names_the_dimension() -> None:
    with pytest.raises(ValueError, match=r"Dimensión NC: .*fuera de la escala"):
        reliability_by_dimension({"PC": A, "NC": [(0, 1)]}, 1, 7)


def test_empty_dimension_in_report() -> None:
    report = reliability_by_dimension({"PC": A, "LM": []}, 1, 7)
    assert report.dimensions["LM"].n_pairs == 0
    assert report.dimensions["LM"].weighted_kappa is None
    assert report.overall.n_pairs == 5


@pytest.mark.parametrize(
    ("within_one", "threshold", "flagged"),
    [
        (79.9, 80.0, True),
        (80.0, 80.0, False),
        (100.0, 80.0, False),
        (85.0, 90.0, True),
        (None, 80.0, False),
    ],
)
def test_flag_observer(within_one: float | None, threshold: float, flagged: bool) -> None:
    assert flag_observer(within_one, threshold) is flagged


def test_flag_observer_default_threshold_is_80() -> None:
    assert flag_observer(79.0) is True
    assert flag_observer(80.0) is False
