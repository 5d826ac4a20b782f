from __future__ import annotations

import pytest

from cycles_service.domain.levels import (
    LEVEL_LABELS,
    LEVELS,
    UnknownLevelError,
    level_label,
    parse_level,
    parse_levels,
    sort_levels,
)
from mejora_vocabulary import GRADE_WORDS
from mejora_vocabulary import LEVELS as VOCABULARY_LEVELS


def test_levels_in_order() -> None:
    assert LEVELS == (
        "sala_cuna",
        "medio",
        "prekinder",
        "kinder",
        "1basico",
        "2basico",
        "3basico",
        "4basico",
        "5basico",
        "6basico",
        "7basico",
        "8basico",
    )


def test_labels() -> None:
    assert LEVEL_LABELS["sala_cuna"] == "Sala cuna"
    assert LEVEL_LABELS["medio"] == "Nivel medio"
    assert LEVEL_LABELS["prekinder"] == "NT1 / Prekínder"
    assert LEVEL_LABELS["kinder"] == "NT2 / Kínder"
    assert LEVEL_LABELS["1basico"] == "1° básico"
    assert LEVEL_LABELS["8basico"] == "8° básico"
    assert level_label("7basico") == "7° básico"
    assert set(LEVEL_LABELS) == set(LEVELS)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("sala_cuna", "sala_cuna"),
        ("Sala cuna", "sala_cuna"),
        ("SALA CUNA MAYOR", "sala_cuna"),
        ("medio", "medio"),
        ("Nivel Medio Menor", "medio"),
        ("prekinder", "prekinder"),
        ("NT1", "prekinder"),
        ("nt 1", "prekinder"),
        ("pre-kinder", "prekinder"),
        ("Pre-Kínder", "prekinder"),
        ("Prekínder", "prekinder"),
        ("NT1 / Prekínder", "prekinder"),
        ("Primer nivel de transición", "prekinder"),
        ("kinder", "kinder"),
        ("Kínder", "kinder"),
        ("NT2", "kinder"),
        ("NT2 / Kínder", "kinder"),
        ("1basico", "1basico"),
        ("1° básico", "1basico"),
        ("1º Básico", "1basico"),
        ("1 basico", "1basico"),
        ("primero basico", "1basico"),
        ("Primero Básico", "1basico"),
        ("1ro básico", "1basico"),
        ("1er año básico", "1basico"),
        ("primer año de enseñanza básica", "1basico"),
        ("2do básico", "2basico"),
        ("segundo básico", "2basico"),
        ("3° básico", "3basico"),
        ("cuarto basico", "4basico"),
        ("5to básico", "5basico"),
        ("sexto básico", "6basico"),
        ("Séptimo básico", "7basico"),
        ("8° básico", "8basico"),
        ("octavo basico", "8basico"),
        ("  kinder  ", "kinder"),
    ],
)
def test_parse_level(text: str, code: str) -> None:
    assert parse_level(text) == code


@pytest.mark.parametrize("text", ["1° medio", "primero medio", "9° básico", "noveno basico", "jardín", ""])
def test_parse_level_unknown(text: str) -> None:
    with pytest.raises(UnknownLevelError):
        parse_level(text)


def test_parse_levels_separators_order_and_duplicates() -> None:
    assert parse_levels("1° básico, NT1 | kinder;Kínder") == [
        "prekinder",
        "kinder",
        "1basico",
    ]


def test_parse_levels_from_list() -> None:
    assert parse_levels(["2° básico", "pre-kinder|NT2"]) == ["prekinder", "kinder", "2basico"]


@pytest.mark.parametrize("value", [None, "", "  ", " | , "])
def test_parse_levels_empty(value: str | None) -> None:
    assert parse_levels(value) == []


def test_parse_levels_reports_every_unknown_item() -> None:
    with pytest.raises(UnknownLevelError) as info:
        parse_levels("kinder | 1° medio | cuarto medio")
    assert info.value.values == ("1° medio", "cuarto medio")
    message = str(info.value)
    assert message.startswith("Niveles desconocidos: «1° medio», «cuarto medio».")
    assert "Los niveles válidos son: Sala cuna, Nivel medio, NT1 / Prekínder" in message


def test_parse_levels_single_unknown_message() -> None:
    with pytest.raises(UnknownLevelError, match=r"^Nivel desconocido: «jardín»"):
        parse_levels("jardín")


def test_sort_levels() -> None:
    assert sort_levels(["8basico", "sala_cuna", "kinder", "kinder"]) == [
        "sala_cuna",
        "kinder",
        "8basico",
    ]


def test_level_label_unknown() -> None:
    with pytest.raises(UnknownLevelError):
        level_label("9basico")


def test_shared_vocabulary_holds_what_levels_used_to_hard_code() -> None:
    """The levels, labels, aliases and ordinal words moved to libs/vocabulary unchanged."""
    assert tuple(level.code for level in VOCABULARY_LEVELS) == LEVELS
    assert {level.code: level.label for level in VOCABULARY_LEVELS} == {
        "sala_cuna": "Sala cuna",
        "medio": "Nivel medio",
        "prekinder": "NT1 / Prekínder",
        "kinder": "NT2 / Kínder",
        **{f"{n}basico": f"{n}° básico" for n in range(1, 9)},
    }
    # What reports (reports_service.reports.labels) and the observation screens print.
    assert {level.code: level.report_label for level in VOCABULARY_LEVELS} == {
        "sala_cuna": "Sala cuna",
        "medio": "Nivel medio",
        "prekinder": "Pre-kínder",
        "kinder": "Kínder",
        **{f"{n}basico": f"{n}.° básico" for n in range(1, 9)},
    }
    assert {level.code: level.observation_label for level in VOCABULARY_LEVELS} == {
        "sala_cuna": "Sala cuna",
        "medio": "Nivel medio",
        "prekinder": "Prekínder (NT1)",
        "kinder": "Kínder (NT2)",
        **{f"{n}basico": f"{n}.° básico" for n in range(1, 9)},
    }
    assert [level.grade for level in VOCABULARY_LEVELS] == [None] * 4 + list(range(1, 9))
    aliases = {alias: level.code for level in VOCABULARY_LEVELS for alias in level.aliases}
    assert aliases == {
        "sala cuna": "sala_cuna",
        "salacuna": "sala_cuna",
        "sala_cuna": "sala_cuna",
        "sala cuna menor": "sala_cuna",
        "sala cuna mayor": "sala_cuna",
        "medio": "medio",
        "nivel medio": "medio",
        "medio menor": "medio",
        "medio mayor": "medio",
        "nivel medio menor": "medio",
        "nivel medio mayor": "medio",
        "prekinder": "prekinder",
        "pre-kinder": "prekinder",
        "pre kinder": "prekinder",
        "pre_kinder": "prekinder",
        "pk": "prekinder",
        "nt1": "prekinder",
        "nt 1": "prekinder",
        "nt1 / prekinder": "prekinder",
        "nt1 prekinder": "prekinder",
        "primer nivel de transicion": "prekinder",
        "primer nivel transicion": "prekinder",
        "kinder": "kinder",
        "k": "kinder",
        "nt2": "kinder",
        "nt 2": "kinder",
        "nt2 / kinder": "kinder",
        "nt2 kinder": "kinder",
        "segundo nivel de transicion": "kinder",
        "segundo nivel transicion": "kinder",
    }
    assert dict(GRADE_WORDS) == {
        "primero": 1,
        "primer": 1,
        "segundo": 2,
        "tercero": 3,
        "tercer": 3,
        "cuarto": 4,
        "quinto": 5,
        "sexto": 6,
        "septimo": 7,
        "setimo": 7,
        "octavo": 8,
        "1ro": 1,
        "1ero": 1,
        "1er": 1,
        "2do": 2,
        "3ro": 3,
        "3ero": 3,
        "3er": 3,
        "4to": 4,
        "5to": 5,
        "6to": 6,
        "7mo": 7,
        "8vo": 8,
    }


@pytest.mark.parametrize(
    ("text", "code"),
    [("1 básico", "1basico"), ("1o básico", "1basico"), ("1a básico", "1basico"), ("8 basico", "8basico")],
)
def test_grades_written_with_digits_and_an_ordinal_letter(text: str, code: str) -> None:
    assert parse_level(text) == code
