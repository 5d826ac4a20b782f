"""Feedback selection (three strengths, one priority area) and Spanish wording."""

from __future__ import annotations

import random

import pytest

from reports_service.domain.feedback import (
    DimensionResult,
    compare_with_previous,
    feedback_text,
    join_names,
    priority_sentence,
    select_feedback,
    strengths_sentence,
)


def dim(
    code: str,
    order: int,
    adjusted: float,
    domain: str,
    *,
    mean: float | None = None,
    name: str | None = None,
    reverse: bool = False,
) -> DimensionResult:
    return DimensionResult(
        code=code,
        name=name or code,
        domain_code=domain,
        order=order,
        adjusted=adjusted,
        mean=adjusted if mean is None else mean,
        band="mid",
        reverse=reverse,
    )


# CLASS Pre-K/K-3 example (adjusted values; NC raw mean 2.0 -> adjusted 6.0).
CLASS = [
    dim("PC", 1, 6.0, "ES", name="Clima positivo"),
    dim("NC", 2, 6.0, "ES", mean=2.0, name="Clima negativo", reverse=True),
    dim("TS", 3, 5.5, "ES", name="Sensibilidad docente"),
    dim("RSP", 4, 4.25, "ES"),
    dim("BM", 5, 6.25, "CO", name="Manejo del comportamiento"),
    dim("PD", 6, 5.5, "CO"),
    dim("ILF", 7, 4.25, "CO"),
    dim("CD", 8, 2.25, "IS", name="Desarrollo de conceptos"),
    dim("QF", 9, 2.5, "IS"),
    dim("LM", 10, 3.25, "IS"),
]


def codes(dims: tuple[DimensionResult, ...]) -> list[str]:
    return [d.code for d in dims]


def test_strengths_and_priority_without_focus() -> None:
    # Highest: BM 6.25, then PC 6.0 and NC 6.0 tie -> PC (order 1) before NC (2).
    # TS 5.5 and PD 5.5 stay out. Lowest of the rest: CD 2.25.
    selection = select_feedback(CLASS)
    assert codes(selection.strengths) == ["BM", "PC", "NC"]
    assert selection.priority is not None
    assert selection.priority.code == "CD"
    assert selection.focus_applied is False


def test_input_order_does_not_matter() -> None:
    shuffled = list(CLASS)
    random.Random(7).shuffle(shuffled)
    selection = select_feedback(shuffled)
    assert codes(selection.strengths) == ["BM", "PC", "NC"]
    assert selection.priority is not None
    assert selection.priority.code == "CD"


def test_focus_domain_restricts_priority() -> None:
    # ES not among strengths: TS 5.5, RSP 4.25 -> RSP
    es = select_feedback(CLASS, "ES")
    assert es.priority is not None
    assert (es.priority.code, es.focus_applied) == ("RSP", True)
    # CO not among strengths: PD 5.5, ILF 4.25 -> ILF
    co = select_feedback(CLASS, "CO")
    assert co.priority is not None
    assert (co.priority.code, co.focus_domain_code) == ("ILF", "CO")
    # Strengths are the same whatever the focus.
    assert codes(es.strengths) == codes(co.strengths) == ["BM", "PC", "NC"]


def test_focus_domain_all_strengths_falls_back() -> None:
    dims = [
        dim("A1", 1, 6.0, "A"),
        dim("A2", 2, 5.0, "A"),
        dim("B1", 3, 4.0, "B"),
        dim("B2", 4, 2.0, "B"),
        dim("B3", 5, 3.0, "B"),
    ]
    # Strengths A1, A2, B1: domain A has nothing left -> fall back to B2 (2.0).
    selection = select_feedback(dims, "A")
    assert codes(selection.strengths) == ["A1", "A2", "B1"]
    assert selection.priority is not None
    assert selection.priority.code == "B2"
    assert selection.focus_applied is False


def test_unknown_focus_domain_falls_back() -> None:
    selection = select_feedback(CLASS, "ZZ")
    assert selection.priority is not None
    assert selection.priority.code == "CD"
    assert selection.focus_applied is False


def test_priority_tie_broken_by_instrument_order() -> None:
    dims = [
        dim("X", 4, 6.0, "A"),
        dim("Y", 3, 6.0, "A"),
        dim("Z", 2, 6.0, "A"),
        dim("Q9", 9, 2.0, "B"),  # listed first but higher order
        dim("Q8", 8, 2.0, "B"),
        dim("W", 1, 5.0, "A"),
    ]
    selection = select_feedback(dims)
    # Strength ties at 6.0 by order: Z (2), Y (3), X (4).
    assert codes(selection.strengths) == ["Z", "Y", "X"]
    assert selection.priority is not None
    assert selection.priority.code == "Q8"


def test_float_noise_does_not_break_ties() -> None:
    # 16/3 and 8 - 8/3 (a reversed dimension) are the same number, but differ in
    # floating point; the lower order must still win.
    a, b = 16 / 3, 8 - 8 / 3
    assert a != b and b > a  # precondition: float noise favours b
    low_c, low_d = 8 - 16 / 3, 8 / 3
    assert low_c != low_d and low_d < low_c  # float noise favours d as lowest
    dims = [
        dim("A", 1, a, "S"),
        dim("B", 2, b, "S"),
        dim("E", 3, 5.0, "S"),
        dim("C", 5, low_c, "T"),
        dim("D", 6, low_d, "T"),
    ]
    selection = select_feedback(dims)
    assert codes(selection.strengths) == ["A", "B", "E"]
    assert selection.priority is not None
    assert selection.priority.code == "C"


def test_three_or_fewer_dimensions_have_no_priority() -> None:
    selection = select_feedback(CLASS[:3])
    assert codes(selection.strengths) == ["PC", "NC", "TS"]
    assert selection.priority is None
    assert select_feedback([]).strengths == ()


def test_duplicate_codes_rejected() -> None:
    with pytest.raises(ValueError, match="repetidas"):
        select_feedback([CLASS[0], CLASS[0]])


def test_compare_with_previous() -> None:
    current = [
        dim("TS", 3, 5.5, "ES"),
        dim("PC", 1, 6.0, "ES"),
        dim("NC", 2, 6.0, "ES", mean=2.0, reverse=True),
        dim("CD", 8, 2.25, "IS"),
    ]
    previous = [
        dim("PC", 1, 5.0, "ES"),
        dim("NC", 2, 5.0, "ES", mean=3.0, reverse=True),
        dim("TS", 3, 5.5, "ES"),
        dim("XX", 11, 1.0, "ES"),  # not in current: ignored
    ]
    changes = compare_with_previous(current, previous)
    assert [c.code for c in changes] == ["PC", "NC", "TS", "CD"]
    pc, nc, ts, cd = changes
    assert (pc.change, pc.raw_change, pc.direction) == (1.0, 1.0, "improved")
    # NC raw 3.0 -> 2.0 (less negativity): adjusted 5.0 -> 6.0, an improvement.
    assert (nc.change, nc.raw_change, nc.direction) == (1.0, -1.0, "improved")
    assert (nc.previous_adjusted, nc.current_adjusted) == (5.0, 6.0)
    assert (ts.change, ts.direction) == (0.0, "unchanged")
    assert (cd.previous_adjusted, cd.change, cd.direction) == (None, None, None)


def test_compare_with_previous_decline() -> None:
    changes = compare_with_previous([dim("PC", 1, 4.0, "ES")], [dim("PC", 1, 4.5, "ES")])
    assert (changes[0].change, changes[0].direction) == (-0.5, "declined")


# --- wording ---------------------------------------------------------------


def test_strengths_sentence_three() -> None:
    selection = select_feedback(CLASS)
    assert strengths_sentence(selection.strengths) == (
        "Destacamos tres fortalezas en tu práctica: Manejo del comportamiento, "
        "Clima positivo y Clima negativo (puntaje bajo)."
    )


def test_strengths_sentence_with_scores() -> None:
    selection = select_feedback(CLASS)
    assert strengths_sentence(selection.strengths, with_scores=True) == (
        "Destacamos tres fortalezas en tu práctica: Manejo del comportamiento "
        "(6,25), Clima positivo (6,00) y Clima negativo (puntaje bajo: 2,00)."
    )


def test_strengths_sentence_one_and_two() -> None:
    pc = dim("PC", 1, 6.0, "ES", name="Clima positivo")
    ip = dim("IP", 2, 3.5, "CN", name="Interacción entre pares en la tarea")
    assert strengths_sentence([pc]) == ("Destacamos una fortaleza en tu práctica: Clima positivo.")
    # "y" becomes "e" before a word starting with the sound /i/.
    assert strengths_sentence([pc, ip]) == (
        "Destacamos dos fortalezas en tu práctica: Clima positivo e Interacción entre pares en la tarea."
    )
    with pytest.raises(ValueError):
        strengths_sentence([])


@pytest.mark.parametrize(
    ("names", "text"),
    [
        ([], ""),
        (["A"], "A"),
        (["A", "B"], "A y B"),
        (["A", "B", "C"], "A, B y C"),
        (["padres", "hijos"], "padres e hijos"),
        (["agua", "hielo"], "agua y hielo"),
        (["Apoyo", "Ídolos"], "Apoyo e Ídolos"),
    ],
)
def test_join_names(names: list[str], text: str) -> None:
    assert join_names(names) == text


def test_priority_sentence() -> None:
    cd = dim("CD", 8, 2.25, "IS", name="Desarrollo de conceptos")
    assert priority_sentence(cd) == (
        "Como área prioritaria para seguir creciendo te proponemos Desarrollo de conceptos."
    )
    assert priority_sentence(cd, domain_name="Apoyo pedagógico", with_scores=True) == (
        "Como área prioritaria para seguir creciendo te proponemos "
        "Desarrollo de conceptos (2,25), del dominio Apoyo pedagógico."
    )


def test_feedback_text_names_strengths_before_priority() -> None:
    text = feedback_text(select_feedback(CLASS), domain_names={"IS": "Apoyo pedagógico"})
    assert text == (
        "Destacamos tres fortalezas en tu práctica: Manejo del comportamiento, "
        "Clima positivo y Clima negativo (puntaje bajo). Como área prioritaria "
        "para seguir creciendo te proponemos Desarrollo de conceptos, del dominio "
        "Apoyo pedagógico."
    )
    assert text.index("fortalezas") < text.index("área prioritaria")


def test_feedback_text_without_priority() -> None:
    text = feedback_text(select_feedback(CLASS[:1]))
    assert text == "Destacamos una fortaleza en tu práctica: Clima positivo."
