"""Completeness (:func:`check_completeness`)
-----------------------------------------
An observation is complete when it has at least ``min_cycles`` cycles, cycle
numbers are unique positive integers, every dimension is scored in every
cycle, every score is an integer within the scale, and no score names a
dimension the instrument does not have. Every gap is listed, each with a
field path (``cycles[1].scores.QF``; the index is the position in the list,
the message names the cycle's ``number``) and a Spanish message.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from .instrument import InstrumentSpec

__all__ = ["CycleScores", "Gap", "GapCode", "check_completeness"]

GapCode = Literal[
    "too_few_cycles",
    "invalid_cycle_number",
    "duplicate_cycle",
    "missing_score",
    "score_not_a_number",
    "score_not_integer",
    "score_out_of_scale",
    "unknown_dimension",
    "dimension_without_scores",
]


@dataclass(frozen=True, slots=True)
class CycleScores:
    """The scores of one observation cycle.

    ``number`` is the cycle's number as shown to users (1, 2, ...).
    ``scores`` maps dimension code → score. Scores are expected to be integers;
    ``None`` means "not scored", and non-integers are reported as gaps.
    """

    number: int
    scores: Mapping[str, float | None]


@dataclass(frozen=True, slots=True)
class Gap:
    """Something that keeps an observation from being complete."""

    path: str
    code: GapCode
    message: str


def _format_number(value: float) -> str:
    """Spanish number formatting: ``4.5`` → ``"4,5"``, ``9.0`` → ``"9"``."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:g}".replace(".", ",")


def _cycles_word(n: int) -> str:
    return "ciclo" if n == 1 else "ciclos"


def check_completeness(instrument: InstrumentSpec, cycles: Sequence[CycleScores]) -> list[Gap]:
    """Every gap that keeps the observation from being complete (see module doc).

    Order: the cycle count first, then cycle by cycle (in list order): the
    cycle number, then the instrument's dimensions in order, then scores for
    unknown dimension codes (sorted). An empty list means complete.
    """
    gaps: list[Gap] = []
    scale = instrument.scale_label
    if len(cycles) < instrument.min_cycles:
        required = "Se requiere" if instrument.min_cycles == 1 else "Se requieren"
        gaps.append(
            Gap(
                "cycles",
                "too_few_cycles",
                f"{required} al menos {instrument.min_cycles} {_cycles_word(instrument.min_cycles)}; hay {len(cycles)}",
            )
        )

    known = {dim.code for dim in instrument.dimensions}
    seen_numbers: set[int] = set()
    for index, cycle in enumerate(cycles):
        number = cycle.number
        base = f"cycles[{index}]"
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            gaps.append(
                Gap(
                    f"{base}.number",
                    "invalid_cycle_number",
                    f"El número de ciclo {number} no es válido; debe ser un entero positivo",
                )
            )
        elif number in seen_numbers:
            gaps.append(
                Gap(
                    f"{base}.number",
                    "duplicate_cycle",
                    f"El ciclo {number} está repetido",
                )
            )
        else:
            seen_numbers.add(number)

        for dim in instrument.dimensions:
            path = f"{base}.scores.{dim.code}"
            value = cycle.scores.get(dim.code)
            if value is None:
                gaps.append(
                    Gap(
                        path,
                        "missing_score",
                        f"Falta el puntaje de {dim.code} en el ciclo {number}",
                    )
                )
            elif isinstance(value, bool) or not isinstance(value, int | float):
                gaps.append(
                    Gap(
                        path,
                        "score_not_a_number",
                        f"El puntaje de {dim.code} en el ciclo {number} no es un número",
                    )
                )
            elif not math.isfinite(value) or not float(value).is_integer():
                shown = _format_number(value) if math.isfinite(value) else str(value)
                gaps.append(
                    Gap(
                        path,
                        "score_not_integer",
                        f"El puntaje {shown} de {dim.code} en el ciclo {number} no es un número entero",
                    )
                )
            elif not instrument.scale_min <= value <= instrument.scale_max:
                gaps.append(
                    Gap(
                        path,
                        "score_out_of_scale",
                        f"El puntaje {_format_number(value)} de {dim.code} en el "
                        f"ciclo {number} está fuera de la escala {scale}",
                    )
                )

        for code in sorted(set(cycle.scores) - known):
            gaps.append(
                Gap(
                    f"{base}.scores.{code}",
                    "unknown_dimension",
                    f"La dimensión {code} del ciclo {number} no pertenece al instrumento {instrument.code}",
                )
            )
    return gaps
