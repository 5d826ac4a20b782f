"""check_completeness: every gap, with field path and Spanish message."""

from __future__ import annotations

from typing import Any

import pytest

from observations_service.domain.completeness import CycleScores, check_completeness
from observations_service.domain.instrument import InstrumentSpec, load_instrument


def instrument(min_cycles: int = 4, scale: tuple[int, int] = (1, 7)) -> InstrumentSpec:
    data: dict[str, Any] = {
        "code": "mini-class",
        "name": "Mini",
        "version": 1,
        "scale": {"min": scale[0], "max": scale[1]},
        "min_cycles": min_cycles,
        "domains": [
            {
                "code": "ES",
                "name": "Apoyo emocional",
                "order": 1,
                "dimensions": [
                    {"code": "PC", "name": "Clima positivo", "order": 1},
                    {"code": "NC", "name": "Clima negativo", "order": 2, "reverse": True},
                ],
            },
            {
                "code": "IS",
                "name": "Apoyo pedagógico",
                "order": 2,
                "dimensions": [{"code": "QF", "name": "Calidad de la retroalimentación", "order": 3}],
            },
        ],
    }
    return load_instrument(data)


def full(n: int) -> list[CycleScores]:
    return [CycleScores(i + 1, {"PC": 5, "NC": 2, "QF": 3}) for i in range(n)]


def gaps_of(cycles: list[CycleScores], **kwargs: Any) -> list[tuple[str, str, str]]:
    return [(g.path, g.code, g.message) for g in check_completeness(instrument(**kwargs), cycles)]


def test_complete_observation_has_no_gaps() -> None:
    assert gaps_of(full(4)) == []
    assert gaps_of(full(6)) == []


def test_too_few_cycles() -> None:
    assert gaps_of(full(2)) == [("cycles", "too_few_cycles", "Se requieren al menos 4 ciclos; hay 2")]


def test_too_few_cycles_singular() -> None:
    assert gaps_of([], min_cycles=1) == [("cycles", "too_few_cycles", "Se requiere al menos 1 ciclo; hay 0")]


def test_missing_score() -> None:
    cycles = full(4)
    cycles[1] = CycleScores(2, {"PC": 5, "NC": 2})
    assert gaps_of(cycles) == [("cycles[1].scores.QF", "missing_score", "Falta el puntaje de QF en el ciclo 2")]


def test_none_counts_as_missing() -> None:
    cycles = full(4)
    cycles[0] = CycleScores(1, {"PC": None, "NC": 2, "QF": 3})
    assert gaps_of(cycles) == [("cycles[0].scores.PC", "missing_score", "Falta el puntaje de PC en el ciclo 1")]


@pytest.mark.parametrize("value", [9, 0, 8, -1])
def test_out_of_scale(value: int) -> None:
    cycles = full(4)
    cycles[0] = CycleScores(1, {"PC": value, "NC": 2, "QF": 3})
    assert gaps_of(cycles) == [
        (
            "cycles[0].scores.PC",
            "score_out_of_scale",
            f"El puntaje {value} de PC en el ciclo 1 está fuera de la escala 1–7",
        )
    ]


def test_out_of_scale_on_other_scale() -> None:
    cycles = [CycleScores(1, {"PC": 5, "NC": 2, "QF": 3})]
    assert gaps_of(cycles, min_cycles=1, scale=(1, 4)) == [
        (
            "cycles[0].scores.PC",
            "score_out_of_scale",
            "El puntaje 5 de PC en el ciclo 1 está fuera de la escala 1–4",
        )
    ]


def test_non_integer_score() -> None:
    cycles = full(4)
    cycles[0] = CycleScores(1, {"PC": 4.5, "NC": 2, "QF": 3})
    assert gaps_of(cycles) == [
        (
            "cycles[0].scores.PC",
            "score_not_integer",
            "El puntaje 4,5 de PC en el ciclo 1 no es un número entero",
        )
    ]


def test_integral_float_is_accepted() -> None:
    cycles = full(4)
    cycles[0] = CycleScores(1, {"PC": 5.0, "NC": 2, "QF": 3})
    assert gaps_of(cycles) == []


def test_bool_and_text_are_not_numbers() -> None:
    cycles = full(4)
    cycles[0] = CycleScores(1, {"PC": True, "NC": "2", "QF": 3})  # type: ignore[dict-item]
    assert gaps_of(cycles) == [
        (
            "cycles[0].scores.PC",
            "score_not_a_number",
            "El puntaje de PC en el ciclo 1 no es un número",
        ),
        (
            "cycles[0].scores.NC",
            "score_not_a_number",
            "El puntaje de NC en el ciclo 1 no es un número",
        ),
    ]


def test_duplicate_and_invalid_cycle_numbers() -> None:
    cycles = full(4)
    cycles[2] = CycleScores(2, dict(cycles[2].scores))
    cycles[3] = CycleScores(0, dict(cycles[3].scores))
    assert gaps_of(cycles) == [
        ("cycles[2].number", "duplicate_cycle", "El ciclo 2 está repetido"),
        (
            "cycles[3].number",
            "invalid_cycle_number",
            "El número de ciclo 0 no es válido; debe ser un entero positivo",
        ),
    ]


def test_unknown_dimension() -> None:
    cycles = full(4)
    cycles[0] = CycleScores(1, dict(cycles[0].scores, LM=4))
    assert gaps_of(cycles) == [
        (
            "cycles[0].scores.LM",
            "unknown_dimension",
            "La dimensión LM del ciclo 1 no pertenece al instrumento mini-class",
        )
    ]


def test_every_gap_is_listed_in_order() -> None:
    cycles = [
        CycleScores(1, {"PC": 9, "NC": 2}),  # PC out of scale, QF missing
        CycleScores(1, {"PC": 4.5, "NC": 2, "QF": 3, "ZZ": 1}),  # dup, PC, ZZ
    ]
    assert gaps_of(cycles) == [
        ("cycles", "too_few_cycles", "Se requieren al menos 4 ciclos; hay 2"),
        (
            "cycles[0].scores.PC",
            "score_out_of_scale",
            "El puntaje 9 de PC en el ciclo 1 está fuera de la escala 1–7",
        ),
        ("cycles[0].scores.QF", "missing_score", "Falta el puntaje de QF en el ciclo 1"),
        ("cycles[1].number", "duplicate_cycle", "El ciclo 1 está repetido"),
        (
            "cycles[1].scores.PC",
            "score_not_integer",
            "El puntaje 4,5 de PC en el ciclo 1 no es un número entero",
        ),
        (
            "cycles[1].scores.ZZ",
            "unknown_dimension",
            "La dimensión ZZ del ciclo 1 no pertenece al instrumento mini-class",
        ),
    ]
