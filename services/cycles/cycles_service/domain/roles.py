"""Roles a person plays in a network.

=================  ======================  ==========================================
code               label (es-CL)           who
=================  ======================  ==========================================
``coordinator``    Coordinador/a           SLEP technical-pedagogical unit (UATP)
``facilitator``    Facilitador/a           university / expert partner
``coach``          Acompañante             coach, classroom observer
``leader``         Directivo/a             school director, head of UTP
``teacher``        Docente / Educadora     educadora, profesora
=================  ======================  ==========================================

:func:`parse_role` accepts the English code or common Spanish words, in any
case, with or without accents and with gender endings (``"Coordinador/a"``,
``"coordinadora"``, ``"Jefa UTP"``, ``"profesor(a)"``, ``"Educadora de
párvulos"``...).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Literal, get_args

__all__ = [
    "ROLES",
    "ROLE_LABELS",
    "RoleCode",
    "UnknownRoleError",
    "parse_role",
    "role_label",
]

RoleCode = Literal["coordinator", "facilitator", "coach", "leader", "teacher"]

ROLES: tuple[RoleCode, ...] = get_args(RoleCode)
"""All role codes."""

ROLE_LABELS: Mapping[RoleCode, str] = {
    "coordinator": "Coordinador/a",
    "facilitator": "Facilitador/a",
    "coach": "Acompañante",
    "leader": "Directivo/a",
    "teacher": "Docente / Educadora",
}

_WORDS: Mapping[RoleCode, tuple[str, ...]] = {
    "coordinator": (
        "coordinator",
        "coordinador",
        "coordinadora",
        "coordinacion",
        "coordinador de red",
        "coordinadora de red",
        "coordinador uatp",
        "coordinadora uatp",
    ),
    "facilitator": (
        "facilitator",
        "facilitador",
        "facilitadora",
        "facilitacion",
        "experto",
        "experta",
    ),
    "coach": (
        "coach",
        "acompanante",
        "acompanamiento",
        "observador",
        "observadora",
    ),
    "leader": (
        "leader",
        "lider",
        "lider escolar",
        "director",
        "directora",
        "directivo",
        "directiva",
        "equipo directivo",
        "subdirector",
        "subdirectora",
        "jefe utp",
        "jefa utp",
        "jefe de utp",
        "jefa de utp",
        "jefe tecnico",
        "jefa tecnica",
        "utp",
    ),
    "teacher": (
        "teacher",
        "docente",
        "docente de aula",
        "profesor",
        "profesora",
        "profesor jefe",
        "profesora jefa",
        "profesora jefe",
        "educador",
        "educadora",
        "educadora de parvulos",
        "educador de parvulos",
        "educador diferencial",
        "educadora diferencial",
        "profesor diferencial",
        "profesora diferencial",
        "maestro",
        "maestra",
    ),
}

_ALIASES: Mapping[str, RoleCode] = {word: code for code, words in _WORDS.items() for word in words}

# Gender endings written as "/a", "(a)", "/o", "(as)", "/es"...
_GENDER_ENDING = re.compile(r"\s*(?:/\s*(?:a|o|as|os|es)\b|\(\s*(?:a|o|as|os|es)\s*\))")


class UnknownRoleError(ValueError):
    """A role name that could not be recognised; ``value`` is the text as written."""

    def __init__(self, value: str) -> None:
        self.value = value
        valid = ", ".join(ROLE_LABELS[code] for code in ROLES)
        shown = value.strip()
        if shown:
            message = f"Rol desconocido: «{shown}». Los roles válidos son: {valid}"
        else:
            message = f"Falta el rol. Los roles válidos son: {valid}"
        super().__init__(message)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    no_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    without_gender = _GENDER_ENDING.sub("", no_marks.lower())
    cleaned = without_gender.replace(".", " ").replace("_", " ").replace("-", " ")
    return " ".join(cleaned.split())


def parse_role(text: str) -> RoleCode:
    """Return the role code for ``text``; raise :class:`UnknownRoleError` otherwise."""
    if not isinstance(text, str):
        raise UnknownRoleError(str(text))
    code = _ALIASES.get(_fold(text))
    if code is None:
        raise UnknownRoleError(text)
    return code


def role_label(code: str) -> str:
    """Spanish label of a role code (``"coach"`` → ``"Acompañante"``)."""
    for role in ROLES:
        if role == code:
            return ROLE_LABELS[role]
    raise UnknownRoleError(code)
