"""The closed vocabularies of an observation (the API's schemas use the same literals)."""

from __future__ import annotations

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
