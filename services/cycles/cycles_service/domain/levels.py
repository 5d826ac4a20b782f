"""School levels (niveles) a network member works with.

The list is fixed and ordered (early childhood, then primary):

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

LEVEL_LABELS: Mapping[LevelCode, str] = {
    "sala_cuna": "Sala cuna",
    "medio": "Nivel medio",
    "prekinder": "NT1 / Prekínder",
    "kinder": "NT2 / Kínder",
    "1basico": "1° básico",
    "2basico": "2° básico",
    "3basico": "3° básico",
    "4basico": "4° básico",
    "5basico": "5° básico",
    "6basico": "6° básico",
    "7basico": "7° básico",
    "8basico": "8° básico",
}

_ORDER: Mapping[str, int] = {code: index for index, code in enumerate(LEVELS)}

_BASICO: tuple[LevelCode, ...] = LEVELS[4:]

_SEPARATORS = re.compile(r"[,|;]")

# Ordinal words and abbreviations for 1..8 (after folding: lowercase, no accents).
_ORDINALS: Mapping[str, int] = {
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
    **{f"{n}{suffix}": n for n in range(1, 9) for suffix in ("", "o", "a")},
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

_BASICO_RE = re.compile(
    r"^(?P<n>[a-z0-9]+?)\s*(?:ano\s+)?(?:de\s+)?"
    r"(?:basico|basica|educacion basica|ensenanza basica|_basico)$"
)

_ALIASES: Mapping[str, LevelCode] = {
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
