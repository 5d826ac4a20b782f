"""The words the services and the frontend share, read from ``vocabulary.json`` (the one place they are written).

- :data:`LEVELS`: the school levels (niveles) in their fixed order, with their Spanish labels and the
  folded aliases people write for them; :data:`GRADE_WORDS`: ordinal words and abbreviations for the
  grades of primary school (``"primero"`` → 1, ``"3ro"`` → 3).
- :data:`MONTHS`: the Spanish month names, long and short (index 0 = January).

The frontend imports the same JSON file (``frontend/src/vocabulary.ts``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from types import MappingProxyType
from typing import Any

__all__ = ["GRADE_WORDS", "LEVELS", "MONTHS", "Level", "Month"]


@dataclass(frozen=True, slots=True)
class Level:
    code: str
    label: str
    """Forms, messages and errors (``"NT1 / Prekínder"``)."""
    report_label: str
    """Printed reports (``"Pre-kínder"``)."""
    observation_label: str
    """Observation screens (``"Prekínder (NT1)"``)."""
    grade: int | None
    """The grade of primary school (1..8); ``None`` for early childhood levels."""
    aliases: tuple[str, ...]
    """Other names, folded (lowercase, no accents)."""


@dataclass(frozen=True, slots=True)
class Month:
    name: str
    short: str


def _load() -> dict[str, Any]:
    text = files(__package__).joinpath("vocabulary.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


_DATA = _load()

LEVELS: tuple[Level, ...] = tuple(
    Level(
        code=item["code"],
        label=item["label"],
        report_label=item["report_label"],
        observation_label=item["observation_label"],
        grade=item.get("grade"),
        aliases=tuple(item["aliases"]),
    )
    for item in _DATA["levels"]
)
GRADE_WORDS: Mapping[str, int] = MappingProxyType(dict(_DATA["grade_words"]))
MONTHS: tuple[Month, ...] = tuple(Month(name=item["name"], short=item["short"]) for item in _DATA["months"])
