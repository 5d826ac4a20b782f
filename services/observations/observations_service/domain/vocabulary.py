"""The closed vocabularies of an observation (the API's schemas use the same literals)."""

from __future__ import annotations

from datetime import date
from typing import Literal, get_args

Level = Literal[
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
Mode = Literal["live", "video"]
Status = Literal["draft", "submitted"]

LEVELS: frozenset[str] = frozenset(get_args(Level))
MODES: frozenset[str] = frozenset(get_args(Mode))
STATUSES: frozenset[str] = frozenset(get_args(Status))

# Bounds of what is stored, so no value can make a later read or computation fail (issue 9, point 8).
EARLIEST_OBSERVATION = date(2000, 1, 1)
LATEST_OBSERVATION = date(2100, 12, 31)
MAX_STORED_INTEGER = 1_000_000
"""Largest absolute integer an import cell may hold (finer ranges are checked after: scale, cycles, minutes)."""
OBSERVATION_DATE_RANGE = f"entre {EARLIEST_OBSERVATION.isoformat()} y {LATEST_OBSERVATION.isoformat()}"


def observation_date_problem(day: date) -> str | None:
    """Spanish message when ``day`` is outside the dates an observation may have."""
    if EARLIEST_OBSERVATION <= day <= LATEST_OBSERVATION:
        return None
    return f"La fecha de observación debe estar {OBSERVATION_DATE_RANGE}."
