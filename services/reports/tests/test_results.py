"""Network results aggregation: hand-computed means, sds, bands, suppression."""

from __future__ import annotations

import math

import pytest

from reports_service.domain.comparison import compare_waves
from reports_service.domain.results import (
    BandCounts,
    ClassroomRecord,
    DimensionValue,
    GroupResults,
    aggregate_results,
    band_for,
)

W1, W2 = "2024-1", "2024-2"


def record(
    key: str,
    school: str,
    level: str,
    pc: float,
    nc_raw: float,
    *,
    wave: str = W1,
) -> ClassroomRecord:
    """PC (not reversed) and NC (reversed on 1-7: adjusted = 8 - raw) in domain ES."""
    nc_adjusted = 8 - nc_raw
    return ClassroomRecord(
        classroom_key=key,
        school_id=school,
        level=level,
        wave=wave,
        dimensions={
            "PC": DimensionValue(mean=pc, adjusted=pc),
            "NC": DimensionValue(mean=nc_raw, adjusted=nc_adjusted),
        },
        domains={"ES": (pc + nc_adjusted) / 2},
    )


# Wave 1. ES = (PC + (8 - NC)) / 2:
#   c1 K  A  PC 6.0  NC 1.0  ES (6 + 7)/2   = 6.5
#   c2 K  A  PC 5.0  NC 2.0  ES (5 + 6)/2   = 5.5
#   c3 K  A  PC 4.0  NC 1.5  ES (4 + 6.5)/2 = 5.25
#   c4 K  B  PC 2.0  NC 3.0  ES (2 + 5)/2   = 3.5
#   c5 K  B  PC 3.0  NC 2.5  ES (3 + 5.5)/2 = 4.25
#   c6 1B A  PC 7.0  NC 1.0  ES 7.0
#   c7 1B A  PC 5.5  NC 1.0  ES (5.5 + 7)/2 = 6.25
WAVE1 = [
    record("c1", "A", "kinder", 6.0, 1.0),
    record("c2", "A", "kinder", 5.0, 2.0),
    record("c3", "A", "kinder", 4.0, 1.5),
    record("c4", "B", "kinder", 2.0, 3.0),
    record("c5", "B", "kinder", 3.0, 2.5),
    record("c6", "A", "1-basico", 7.0, 1.0),
    record("c7", "A", "1-basico", 5.5, 1.0),
]


def group(groups: tuple[GroupResults, ...], key: str) -> GroupResults:
    return next(g for g in groups if g.key == key)


def test_network_statistics() -> None:
    results = aggregate_results(WAVE1, wave=W1)
    network = results.network
    assert (network.key, network.suppressed, network.n_classrooms) == ("network", False, 7)
    pc, nc = network.dimensions
    # PC: 6, 5, 4, 2, 3, 7, 5.5 -> sum 32.5, mean 32.5/7
    #   sum of squares 36+25+16+4+9+49+30.25 = 169.25
    #   SS = 169.25 - 32.5^2/7 = (1184.75 - 1056.25)/7 = 128.5/7 ; var = SS/6 = 128.5/42
    assert pc.code == "PC"
    assert pc.n == 7
    assert pc.mean == pytest.approx(32.5 / 7, rel=1e-12)
    assert pc.sd == pytest.approx(math.sqrt(128.5 / 42), rel=1e-12)
    assert pc.adjusted_mean == pytest.approx(32.5 / 7, rel=1e-12)
    # bands: 6 high, 5 mid, 4 mid, 2 low, 3 mid, 7 high, 5.5 high
    assert pc.bands == BandCounts(low=1, mid=3, high=3)
    # NC raw: 1, 2, 1.5, 3, 2.5, 1, 1 -> sum 12, mean 12/7 ; adjusted mean 8 - 12/7 = 44/7
    #   sum of squares 1+4+2.25+9+6.25+1+1 = 24.5 ; SS = 24.5 - 144/7 = 27.5/7
    #   var = 27.5/42 ; bands of RAW: 1 1.5 2 1 1 low (5), 2.5 3 mid (2)
    assert nc.mean == pytest.approx(12 / 7, rel=1e-12)
    assert nc.adjusted_mean == pytest.approx(44 / 7, rel=1e-12)
    assert nc.sd == pytest.approx(math.sqrt(27.5 / 42), rel=1e-12)
    assert nc.bands == BandCounts(low=5, mid=2, high=0)
    (es,) = network.domains
    # ES: 6.5, 5.5, 5.25, 3.5, 4.25, 7, 6.25 -> sum 38.25, mean 38.25/7
    #   sum of squares 42.25+30.25+27.5625+12.25+18.0625+49+39.0625 = 218.4375
    #   SS = 218.4375 - 38.25^2/7 = (1529.0625 - 1463.0625)/7 = 66/7 ; var = 66/42 = 11/7
    #   bands: 6.5 5.5 7 6.25 high (4), 5.25 3.5 4.25 mid (3)
    assert (es.code, es.n, es.suppressed) == ("ES", 7, False)
    assert es.mean == pytest.approx(38.25 / 7, rel=1e-12)
    assert es.sd == pytest.approx(math.sqrt(11 / 7), rel=1e-12)
    assert es.bands == BandCounts(low=0, mid=3, high=4)


def test_groups_by_level_with_suppression() -> None:
    results = aggregate_results(WAVE1, wave=W1)
    assert [g.key for g in results.by_level] == ["1-basico", "kinder"]
    basico = group(results.by_level, "1-basico")
    # Two classrooms < k = 5: kept, marked, no statistics (not even n).
    assert basico == GroupResults(key="1-basico", suppressed=True, n_classrooms=None, domains=(), dimensions=())
    kinder = group(results.by_level, "kinder")
    assert kinder.n_classrooms == 5
    pc = kinder.dimensions[0]
    # PC 6, 5, 4, 2, 3: mean 4 ; deviations 2 1 0 -2 -1 -> SS 10, var 10/4 = 2.5
    assert pc.mean == 4.0
    assert pc.sd == pytest.approx(math.sqrt(2.5), rel=1e-12)
    assert pc.bands == BandCounts(low=1, mid=3, high=1)


def test_groups_by_school() -> None:
    results = aggregate_results(WAVE1, wave=W1)
    assert [g.key for g in results.by_school] == ["A", "B"]
    school_a = group(results.by_school, "A")
    # A = c1 c2 c3 c6 c7: PC 6 5 4 7 5.5 -> 27.5/5 = 5.5 ; ES 6.5 5.5 5.25 7 6.25 -> 6.1
    assert school_a.n_classrooms == 5
    assert school_a.dimensions[0].mean == 5.5
    assert school_a.domains[0].mean == pytest.approx(6.1, rel=1e-12)
    assert group(results.by_school, "B").suppressed is True


def test_custom_k() -> None:
    results = aggregate_results(WAVE1, wave=W1, k=1)
    school_b = group(results.by_school, "B")
    # B = c4, c5: ES 3.5, 4.25 -> mean 3.875 ; sd = |3.5 - 4.25| / sqrt(2)
    assert school_b.suppressed is False
    assert school_b.domains[0].mean == 3.875
    assert school_b.domains[0].sd == pytest.approx(0.75 / math.sqrt(2), rel=1e-12)
    # A group of one has a mean but no sample sd.
    one = aggregate_results(WAVE1[:1], wave=W1, k=1).network
    assert (one.domains[0].mean, one.domains[0].sd) == (6.5, None)
    # k larger than the network suppresses the network too.
    assert aggregate_results(WAVE1, wave=W1, k=8).network.suppressed is True


def test_dimension_with_fewer_than_k_values_is_suppressed() -> None:
    records = [
        ClassroomRecord(
            classroom_key=f"c{i}",
            school_id="A",
            level="kinder",
            wave=W1,
            dimensions={"PC": DimensionValue(5.0, 5.0)} | ({"LM": DimensionValue(3.0, 3.0)} if i < 4 else {}),
            domains={"ES": 5.0},
        )
        for i in range(6)
    ]
    network = aggregate_results(records, wave=W1).network
    assert network.suppressed is False
    pc, lm = network.dimensions
    assert (pc.code, pc.n, pc.suppressed) == ("PC", 6, False)
    assert (lm.code, lm.suppressed, lm.n, lm.mean, lm.sd, lm.adjusted_mean) == (
        "LM",
        True,
        None,
        None,
        None,
        None,
    )
    assert lm.bands is None


def test_other_waves_ignored_and_duplicates_rejected() -> None:
    extra = record("c1", "A", "kinder", 1.0, 7.0, wave=W2)
    results = aggregate_results([*WAVE1, extra], wave=W1)
    assert results.network.n_classrooms == 7
    assert results.network.dimensions[0].mean == pytest.approx(32.5 / 7, rel=1e-12)
    with pytest.raises(ValueError, match="c1 aparece más de una vez"):
        aggregate_results([*WAVE1, WAVE1[0]], wave=W1)
    with pytest.raises(ValueError):
        aggregate_results(WAVE1, wave=W1, k=0)


def test_bands_on_a_four_point_scale() -> None:
    # Thresholds on 1-4: 1.75 and 3.25.
    values = [1.5, 1.75, 3.25, 3.0, 2.0]  # low, mid, high, mid, mid
    records = [
        ClassroomRecord(f"c{i}", "A", "kinder", W1, {"IP": DimensionValue(v, v)}, {"CN": v})
        for i, v in enumerate(values)
    ]
    network = aggregate_results(records, wave=W1, scale_min=1, scale_max=4).network
    assert network.dimensions[0].bands == BandCounts(low=1, mid=3, high=1)
    assert network.domains[0].bands == BandCounts(low=1, mid=3, high=1)
    assert band_for(3.25, 1, 4) == "high"
    assert band_for(3.2, 1, 4) == "mid"


# Wave 2 for c1..c6 (c7 not observed again; c8 is new):
#   c1 PC 6.5 NC 1.0  ES (6.5 + 7)/2   = 6.75
#   c2 PC 6.0 NC 1.5  ES (6 + 6.5)/2   = 6.25
#   c3 PC 4.0 NC 1.0  ES (4 + 7)/2     = 5.5
#   c4 PC 3.5 NC 2.0  ES (3.5 + 6)/2   = 4.75
#   c5 PC 4.0 NC 2.5  ES (4 + 5.5)/2   = 4.75
#   c6 PC 6.5 NC 2.0  ES (6.5 + 6)/2   = 6.25
WAVE2 = [
    record("c1", "A", "kinder", 6.5, 1.0, wave=W2),
    record("c2", "A", "kinder", 6.0, 1.5, wave=W2),
    record("c3", "A", "kinder", 4.0, 1.0, wave=W2),
    record("c4", "B", "kinder", 3.5, 2.0, wave=W2),
    record("c5", "B", "kinder", 4.0, 2.5, wave=W2),
    record("c6", "A", "1-basico", 6.5, 2.0, wave=W2),
    record("c8", "B", "kinder", 1.0, 7.0, wave=W2),
]


def test_paired_comparison() -> None:
    comparison = compare_waves([*WAVE1, *WAVE2], before=W1, after=W2)
    assert (comparison.suppressed, comparison.n_pairs) == (False, 6)
    pc, nc = comparison.dimensions
    # PC changes: +0.5 +1 0 +1.5 +1 -0.5 -> sum 3.5, mean 3.5/6
    #   sum of squares 0.25+1+0+2.25+1+0.25 = 4.75 ; SS = 4.75 - 3.5^2/6 = 16.25/6
    #   var = SS/5 = 16.25/30 ; d_z = (3.5/6) / sqrt(16.25/30)
    assert pc.n_pairs == 6
    assert pc.mean_change == pytest.approx(3.5 / 6, rel=1e-12)
    assert pc.sd_change == pytest.approx(math.sqrt(16.25 / 30), rel=1e-12)
    assert pc.effect_size_dz == pytest.approx((3.5 / 6) / math.sqrt(16.25 / 30))
    # before: 6 5 4 2 3 7 -> 27/6 = 4.5 ; after 6.5 6 4 3.5 4 6.5 -> 30.5/6
    assert pc.before_mean == 4.5
    assert pc.after_mean == pytest.approx(30.5 / 6, rel=1e-12)
    # NC on ADJUSTED values (8 - raw): c1 7->7 (0), c2 6->6.5 (+.5), c3 6.5->7 (+.5),
    #   c4 5->6 (+1), c5 5.5->5.5 (0), c6 7->6 (-1) -> sum 1, mean 1/6 (improvement;
    #   the raw mean went DOWN by 1/6). Sum of squares 0+.25+.25+1+0+1 = 2.5
    #   SS = 2.5 - 1/6 = 7/3 ; var = (7/3)/5 = 7/15
    assert nc.mean_change == pytest.approx(1 / 6, rel=1e-12)
    assert nc.sd_change == pytest.approx(math.sqrt(7 / 15), rel=1e-12)
    assert nc.effect_size_dz == pytest.approx((1 / 6) / math.sqrt(7 / 15))
    (es,) = comparison.domains
    # ES changes: +.25 +.75 +.25 +1.25 +.5 -.75 -> sum 2.25, mean 0.375
    #   sum of squares .0625+.5625+.0625+1.5625+.25+.5625 = 3.0625
    #   SS = 3.0625 - 2.25^2/6 = 3.0625 - 0.84375 = 2.21875 ; var = 0.44375
    assert es.mean_change == pytest.approx(0.375, rel=1e-12)
    assert es.sd_change == pytest.approx(math.sqrt(0.44375), rel=1e-12)
    assert es.effect_size_dz == pytest.approx(0.375 / math.sqrt(0.44375))
    # before 32/6, after 34.25/6
    assert es.before_mean == pytest.approx(32 / 6, rel=1e-12)
    assert es.after_mean == pytest.approx(34.25 / 6, rel=1e-12)


def test_paired_comparison_suppressed_below_k() -> None:
    comparison = compare_waves([*WAVE1, *WAVE2], before=W1, after=W2, k=7)
    assert comparison.suppressed is True
    assert comparison.n_pairs is None
    assert comparison.domains == () and comparison.dimensions == ()


def test_constant_change_has_no_effect_size() -> None:
    before = [record(f"c{i}", "A", "kinder", 3.0, 2.0) for i in range(2)]
    after = [record(f"c{i}", "A", "kinder", 4.0, 2.0, wave=W2) for i in range(2)]
    comparison = compare_waves([*before, *after], before=W1, after=W2, k=2)
    pc = comparison.dimensions[0]
    # Every change is +1: mean 1, sd 0, d_z undefined.
    assert (pc.mean_change, pc.sd_change, pc.effect_size_dz) == (1.0, 0.0, None)


def test_same_wave_rejected() -> None:
    with pytest.raises(ValueError, match="distintas"):
        compare_waves(WAVE1, before=W1, after=W1)
