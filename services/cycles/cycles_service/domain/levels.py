"""School levels (niveles) a network member works with.

The list is fixed and ordered (early childhood, then primary); codes, labels, aliases and ordinal
words are written once, in the shared vocabulary (``libs/vocabulary``, ``mejora_vocabulary``):

==============  =====================
code            label (es-CL)
==============  =====================
``sala_cuna``   Sala cuna
``medio``       Nivel medio
``prekinder``   NT1 / Prekínder
``kinder``      NT2 / Kínder
``1basico``     1° básico
...             ...
``8basico``     8° básico
==============  =====================

:func:`parse_levels` reads a list written by people: codes, labels or common
spellings (``"1° básico"``, ``"primero basico"``, ``"1ro básico"``, ``"NT1"``,
``"pre-kinder"``, ``"kínder"``), separated by ``,``, ``|`` or ``;``, and
returns the codes without duplicates in the order above.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Literal, get_args

from mejora_vocabulary import GRADE_WORDS, Level
from mejora_vocabulary import LEVELS as VOCABULARY_LEVELS

__all__ = [
    "LEVELS",
    "LEVEL_LABELS",
    "LevelCode",
    "UnknownLevelError",
    "level_label",
    "parse_level",
    "parse_levels",
    "sort_levels",
]

LevelCode = Literal[
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
]

LEVELS: tuple[LevelCode, ...] = get_args(LevelCode)
"""All level codes, in order."""

_BY_CODE: Mapping[str, Level] = {level.code: level for level in VOCABULARY_LEVELS}

# The codes are typed here (a Literal) and written in the shared vocabulary: both must say the same.
if tuple(_BY_CODE) != LEVELS:  # pragma: no cover - a broken vocabulary.json
    raise RuntimeError(f"vocabulary.json levels {tuple(_BY_CODE)} differ from LevelCode {LEVELS}")

LEVEL_LABELS: Mapping[LevelCode, str] = {code: _BY_CODE[code].label for code in LEVELS}

_ORDER: Mapping[str, int] = {code: index for index, code in enumerate(LEVELS)}

_BASICO: tuple[LevelCode, ...] = tuple(code for code in LEVELS if _BY_CODE[code].grade is not None)

_SEPARATORS = re.compile(r"[,|;]")

# Ordinal words and abbreviations for 1..8 (after folding: lowercase, no accents), and the digits
# themselves with an optional ordinal letter ("1", "1o", "1a").
_ORDINALS: Mapping[str, int] = {
    **GRADE_WORDS,
    **{f"{n}{suffix}": n for n in range(1, len(_BASICO) + 1) for suffix in ("", "o", "a")},
}

_BASICO_RE = re.compile(
    r"^(?P<n>[a-z0-9]+?)\s*(?:ano\s+)?(?:de\s+)?"
    r"(?:basico|basica|educacion basica|ensenanza basica|_basico)$"
)

_ALIASES: Mapping[str, LevelCode] = {alias: code for code in LEVELS for alias in _BY_CODE[code].aliases}


class UnknownLevelError(ValueError):
    """One or more level names that could not be recognised.

    ``values`` holds the offending texts as written.
    """

    def __init__(self, values: Iterable[str]) -> None:
        self.values: tuple[str, ...] = tuple(values)
        quoted = ", ".join(f"«{value}»" for value in self.values)
        noun = "Nivel desconocido" if len(self.values) == 1 else "Niveles desconocidos"
        valid = ", ".join(LEVEL_LABELS[code] for code in LEVELS)
        super().__init__(f"{noun}: {quoted}. Los niveles válidos son: {valid}")


def _fold(text: str) -> str:
    """Lowercase, strip accents and ordinal marks, collapse whitespace."""
    decomposed = unicodedata.normalize("NFKD", text)
    no_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # "°" (degree) and the ordinal indicators (which NFKD turns into o/a) are
    # written after numbers: "1°", "1º", "1ª". Drop them, and dots ("1er.").
    cleaned = re.sub(r"(?<=\d)[°oa]\b", "", no_marks.lower().replace("\u00b0", ""))
    cleaned = cleaned.replace(".", " ")
    return " ".join(cleaned.split())


def parse_level(text: str) -> LevelCode:
    """Return the code of one level name; raise :class:`UnknownLevelError` otherwise."""
    key = _fold(text)
    if key in _ORDER:
        return LEVELS[_ORDER[key]]
    alias = _ALIASES.get(key)
    if alias is not None:
        return alias
    match = _BASICO_RE.match(key)
    if match is not None:
        number = _ORDINALS.get(match.group("n"))
        if number is not None and 1 <= number <= 8:
            return _BASICO[number - 1]
    raise UnknownLevelError([text.strip()])


def parse_levels(value: str | Iterable[str] | None) -> list[LevelCode]:
    """Parse a list of levels into codes (no duplicates, canonical order).

    ``value`` is either one text with items separated by ``,``, ``|`` or
    ``;`` (``"NT1 | kínder | 1° básico"``), or an iterable of such texts.
    Empty items are ignored; ``None`` or an empty text give ``[]``.
    Raises :class:`UnknownLevelError` listing every unknown item.
    """
    if value is None:
        return []
    texts = [value] if isinstance(value, str) else list(value)
    found: set[LevelCode] = set()
    unknown: list[str] = []
    for text in texts:
        if not isinstance(text, str):
            unknown.append(str(text))
            continue
        for item in _SEPARATORS.split(text):
            if not item.strip():
                continue
            try:
                found.add(parse_level(item))
            except UnknownLevelError:
                unknown.append(item.strip())
    if unknown:
        raise UnknownLevelError(unknown)
    return sort_levels(found)


def sort_levels(codes: Iterable[LevelCode]) -> list[LevelCode]:
    """Codes in canonical order, without duplicates."""
    return sorted(set(codes), key=_ORDER.__getitem__)


def level_label(code: str) -> str:
    """Spanish label of a level code (``"kinder"`` → ``"NT2 / Kínder"``)."""
    index = _ORDER.get(code)
    if index is None:
        raise UnknownLevelError([code])
    return LEVEL_LABELS[LEVELS[index]]
