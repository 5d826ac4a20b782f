"""score_observation and bands: expected values computed by hand in comments."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

from observations_service.domain.scoring import (
    CycleScores,
    InstrumentSpec,
    ScoringError,
    band_for,
    band_thresholds,
    load_instrument,
    score_observation,
)


def class_prek_k3() -> InstrumentSpec:
    text = (
        resources.files("observations_service.instruments").joinpath("class-prek-k3.json").read_text(encoding="utf-8")
    )
    return load_instrument(json.loads(text))


def cycles_from_columns(columns: dict[str, list[int]]) -> list[CycleScores]:
    """{"PC": [c1, c2, ...]} → one CycleScores per cycle, numbered from 1."""
    n = len(next(iter(columns.values())))
    return [CycleScores(number=i + 1, scores={code: v[i] for code, v in columns.items()}) for i in range(n)]


# Four cycles on CLASS Pre-K/K-3 (1-7). Hand computation:
#   PC  6 7 6 5 -> 24/4 = 6.00   adjusted 6.00   band(raw) high
#   NC  1 2 2 3 -> 8/4  = 2.00   adjusted 1+7-2 = 6.00   band(raw) low
#   TS  5 5 6 6 -> 22/4 = 5.50   high (5.5 is the mid/high boundary)
#   RSP 4 4 5 4 -> 17/4 = 4.25   mid
#   ES = (6 + 6 + 5.5 + 4.25) / 4 = 21.75 / 4 = 5.4375 -> mid
#        (without reversing NC it would be (6+2+5.5+4.25)/4 = 4.4375)
#   BM  6 6 6 7 -> 25/4 = 6.25   high
#   PD  5 6 5 6 -> 22/4 = 5.50   high
#   ILF 4 5 4 4 -> 17/4 = 4.25   mid
#   CO = (6.25 + 5.5 + 4.25) / 3 = 16/3 = 5.3333... -> mid
#   CD  2 3 2 2 -> 9/4  = 2.25   low
#   QF  2 2 3 3 -> 10/4 = 2.50   mid (2.5 is the low/mid boundary)
#   LM  3 3 3 4 -> 13/4 = 3.25   mid
#   IS = (2.25 + 2.5 + 3.25) / 3 = 8/3 = 2.6666... -> mid
CLASS_SCORES = {
    "PC": [6, 7, 6, 5],
    "NC": [1, 2, 2, 3],
    "TS": [5, 5, 6, 6],
    "RSP": [4, 4, 5, 4],
    "BM": [6, 6, 6, 7],
    "PD": [5, 6, 5, 6],
    "ILF": [4, 5, 4, 4],
    "CD": [2, 3, 2, 2],
    "QF": [2, 2, 3, 3],
    "LM": [3, 3, 3, 4],
}


def test_class_observation_dimensions() -> None:
    result = score_observation(class_prek_k3(), cycles_from_columns(CLASS_SCORES))
    expected = {
        # code: (mean, adjusted, band)
        "PC": (6.0, 6.0, "high"),
        "NC": (2.0, 6.0, "low"),
        "TS": (5.5, 5.5, "high"),
        "RSP": (4.25, 4.25, "mid"),
        "BM": (6.25, 6.25, "high"),
        "PD": (5.5, 5.5, "high"),
        "ILF": (4.25, 4.25, "mid"),
        "CD": (2.25, 2.25, "low"),
        "QF": (2.5, 2.5, "mid"),
        "LM": (3.25, 3.25, "mid"),
    }
    got = {d.code: (d.mean, d.adjusted, d.band) for d in result.dimensions}
    assert got == expected
    assert [d.code for d in result.dimensions] == list(CLASS_SCORES)
    assert all(d.n_cycles == 4 for d in result.dimensions)
    assert result.n_cycles == 4
    assert result.dimension("NC").reverse is True
    assert result.dimension("NC").domain_code == "ES"


def test_class_observation_domains() -> None:
    result = score_observation(class_prek_k3(), cycles_from_columns(CLASS_SCORES))
    assert result.domain("ES").mean == 5.4375
    assert result.domain("ES").band == "mid"
    assert result.domain("CO").mean == pytest.approx(16 / 3, rel=1e-12)
    assert result.domain("CO").band == "mid"
    assert result.domain("IS").mean == pytest.approx(8 / 3, rel=1e-12)
    assert result.domain("IS").band == "mid"
    assert result.domain("CO").dimension_codes == ("BM", "PD", "ILF")
    # No rounding inside: 16/3 is kept at full precision.
    assert result.domain("CO").mean != round(result.domain("CO").mean, 2)


def test_reverse_dimension_with_high_raw_score() -> None:
    # NC 6 6 6 6 -> raw mean 6 (band high: a lot of negativity), adjusted 8-6 = 2.
    scores = dict(CLASS_SCORES, NC=[6, 6, 6, 6])
    result = score_observation(class_prek_k3(), cycles_from_columns(scores))
    nc = result.dimension("NC")
    assert (nc.mean, nc.adjusted, nc.band) == (6.0, 2.0, "high")
    # ES = (6 + 2 + 5.5 + 4.25) / 4 = 17.75 / 4 = 4.4375
    assert result.domain("ES").mean == 4.4375


def test_low_and_high_domain_bands() -> None:
    low = {code: [1, 2, 2, 1] for code in CLASS_SCORES}
    low["NC"] = [7, 6, 6, 7]  # raw 6.5 -> adjusted 8 - 6.5 = 1.5
    result = score_observation(class_prek_k3(), cycles_from_columns(low))
    # Every adjusted value is 1.5, so every domain mean is 1.5 -> low.
    assert {d.code: (d.mean, d.band) for d in result.domains} == {
        "ES": (1.5, "low"),
        "CO": (1.5, "low"),
        "IS": (1.5, "low"),
    }
    high = {code: [7, 6, 6, 6] for code in CLASS_SCORES}
    high["NC"] = [1, 1, 1, 2]  # raw 1.25 -> adjusted 6.75
    result = score_observation(class_prek_k3(), cycles_from_columns(high))
    assert {d.code: d.band for d in result.domains} == {
        "ES": "high",
        "CO": "high",
        "IS": "high",
    }
    assert result.dimension("NC").band == "low"


def four_point_instrument() -> InstrumentSpec:
    data: dict[str, Any] = {
        "code": "cuatro",
        "name": "Escala 1 a 4",
        "version": 1,
        "scale": {"min": 1, "max": 4},
        "min_cycles": 2,
        "domains": [
            {
                "code": "A",
                "name": "Dominio A",
                "order": 1,
                "dimensions": [
                    {"code": "X", "name": "Equis", "order": 1},
                    {"code": "Y", "name": "Ye", "reverse": True, "order": 2},
                    {"code": "Z", "name": "Zeta", "order": 3},
                ],
            },
            {
                "code": "B",
                "name": "Dominio B",
                "order": 2,
                "dimensions": [
                    {"code": "W", "name": "Doble ve", "order": 4},
                    {"code": "V", "name": "Ve", "order": 5},
                ],
            },
        ],
    }
    return load_instrument(data)


def test_non_class_scale_one_to_four() -> None:
    # Scale 1-4: thresholds 1 + 1.5*(3/6) = 1.75 and 1 + 4.5*(3/6) = 3.25.
    #   X 4 3 -> 3.5                       band high (>= 3.25)
    #   Y 1 2 -> 1.5, reverse: 1+4-1.5 = 3.5, band of raw 1.5 -> low (< 1.75)
    #   Z 2 2 -> 2.0                       band mid
    #   A = (3.5 + 3.5 + 2.0) / 3 = 3.0    band mid (< 3.25)
    #   W 3 4 -> 3.5 ; V 3 3 -> 3.0
    #   B = (3.5 + 3.0) / 2 = 3.25         band high (exactly the threshold)
    cycles = [
        CycleScores(1, {"X": 4, "Y": 1, "Z": 2, "W": 3, "V": 3}),
        CycleScores(2, {"X": 3, "Y": 2, "Z": 2, "W": 4, "V": 3}),
    ]
    result = score_observation(four_point_instrument(), cycles)
    got = {d.code: (d.mean, d.adjusted, d.band) for d in result.dimensions}
    assert got == {
        "X": (3.5, 3.5, "high"),
        "Y": (1.5, 3.5, "low"),
        "Z": (2.0, 2.0, "mid"),
        "W": (3.5, 3.5, "high"),
        "V": (3.0, 3.0, "mid"),
    }
    assert (result.domain("A").mean, result.domain("A").band) == (3.0, "mid")
    assert (result.domain("B").mean, result.domain("B").band) == (3.25, "high")
    assert (result.scale_min, result.scale_max) == (1, 4)


def test_band_thresholds() -> None:
    assert band_thresholds(1, 7) == (2.5, 5.5)
    assert band_thresholds(1, 4) == (1.75, 3.25)
    # 0-10: 0 + 1.5*10/6 = 2.5 ; 0 + 4.5*10/6 = 7.5
    assert band_thresholds(0, 10) == pytest.approx((2.5, 7.5))
    # 1-5: 1 + 1.5*4/6 = 2.0 ; 1 + 4.5*4/6 = 4.0
    assert band_thresholds(1, 5) == pytest.approx((2.0, 4.0))
    with pytest.raises(ValueError, match="debe ser menor"):
        band_thresholds(3, 3)


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (1.0, "low"),
        (2.0, "low"),
        (2.49, "low"),
        (2.5, "mid"),
        (3.0, "mid"),
        (5.0, "mid"),
        (5.49, "mid"),
        (5.5, "high"),
        (7.0, "high"),
        (5.5 - 1e-12, "high"),  # float noise below the threshold still reaches it
        (5.5 - 1e-6, "mid"),
    ],
)
def test_band_for_on_class_scale(value: float, band: str) -> None:
    assert band_for(value, 1, 7) == band


def test_missing_score_gives_provisional_mean_over_scored_cycles() -> None:
    cycles = cycles_from_columns(CLASS_SCORES)
    # Remove QF from cycle 2: QF scores 2, 3, 3 -> 8/3.
    cycles[1] = CycleScores(2, {k: v for k, v in cycles[1].scores.items() if k != "QF"})
    result = score_observation(class_prek_k3(), cycles)
    qf = result.dimension("QF")
    assert qf.n_cycles == 3
    assert qf.mean == pytest.approx(8 / 3, rel=1e-12)
    # IS = (2.25 + 8/3 + 3.25) / 3 = (27/12 + 32/12 + 39/12) / 3 = 98/36
    assert result.domain("IS").mean == pytest.approx(98 / 36, rel=1e-12)
    with pytest.raises(ScoringError) as info:
        score_observation(class_prek_k3(), cycles, require_complete=True)
    assert [g.code for g in info.value.gaps] == ["missing_score"]


def test_too_few_cycles_is_tolerated_unless_complete_required() -> None:
    cycles = cycles_from_columns({k: v[:2] for k, v in CLASS_SCORES.items()})
    result = score_observation(class_prek_k3(), cycles)
    assert result.dimension("PC").mean == 6.5  # (6 + 7) / 2
    with pytest.raises(ScoringError, match="Se requieren al menos 4 ciclos; hay 2"):
        score_observation(class_prek_k3(), cycles, require_complete=True)


def test_out_of_scale_score_refuses_scoring() -> None:
    cycles = cycles_from_columns(dict(CLASS_SCORES, PC=[9, 7, 6, 5]))
    with pytest.raises(ScoringError) as info:
        score_observation(class_prek_k3(), cycles)
    assert [(g.path, g.message) for g in info.value.gaps] == [
        (
            "cycles[0].scores.PC",
            "El puntaje 9 de PC en el ciclo 1 está fuera de la escala 1–7",
        )
    ]


def test_dimension_without_any_score_refuses_scoring() -> None:
    columns = {k: v for k, v in CLASS_SCORES.items() if k != "LM"}
    with pytest.raises(ScoringError) as info:
        score_observation(class_prek_k3(), cycles_from_columns(columns))
    assert [(g.code, g.message) for g in info.value.gaps] == [
        ("dimension_without_scores", "La dimensión LM no tiene puntajes en ningún ciclo")
    ]


def test_unknown_dimension_and_duplicate_cycle_refuse_scoring() -> None:
    cycles = cycles_from_columns(CLASS_SCORES)
    cycles[3] = CycleScores(3, dict(cycles[3].scores, XX=4))
    with pytest.raises(ScoringError) as info:
        score_observation(class_prek_k3(), cycles)
    assert [g.code for g in info.value.gaps] == ["duplicate_cycle", "unknown_dimension"]
