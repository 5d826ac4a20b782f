"""One roster row on its own, and the rules that compare rows (same RBD, same RUN); see :mod:`.roster`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from .chile import InvalidRbd, InvalidRun, format_run, normalize_run, validate_rbd
from .levels import LEVEL_LABELS, LevelCode, UnknownLevelError, parse_levels
from .roles import ROLE_LABELS, RoleCode, UnknownRoleError, parse_role

ColumnName = Literal["rbd", "establecimiento", "comuna", "run", "nombre", "email", "rol", "niveles"]

REQUIRED_COLUMNS: Final[tuple[ColumnName, ...]] = (
    "rbd",
    "establecimiento",
    "run",
    "nombre",
    "rol",
)

MISSING_VALUE: Final[Mapping[ColumnName, str]] = {
    "rbd": "Falta el RBD del establecimiento",
    "establecimiento": "Falta el nombre del establecimiento",
    "run": "Falta el RUN",
    "nombre": "Falta el nombre de la persona",
    "rol": "Falta el rol",
}

_EMAIL_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_EMAIL_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


@dataclass(frozen=True)
class RosterError:
    """One problem in the file."""

    line: int
    """1-based line number; the header is line 1."""
    column: ColumnName | None
    """Canonical column name, or ``None`` for a problem with the whole line/file."""
    message: str
    """Spanish (es-CL) explanation."""


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _fold(text: str) -> str:
    """Comparison key: lowercase, no accents, single spaces."""
    return " ".join(strip_accents(text).lower().split())


def _clean(text: str) -> str:
    """Display value: single spaces, no surrounding spaces."""
    return " ".join(text.split())


def _is_email(value: str) -> bool:
    if value.count("@") != 1 or len(value) > 254:
        return False
    local, domain = value.split("@")
    if not local or len(local) > 64 or _EMAIL_LOCAL.match(local) is None:
        return False
    labels = domain.split(".")
    if len(labels) < 2 or not all(_EMAIL_LABEL.match(label) for label in labels):
        return False
    return labels[-1].isalpha() and len(labels[-1]) >= 2


def _levels_text(levels: tuple[LevelCode, ...]) -> str:
    return ", ".join(LEVEL_LABELS[level] for level in levels) or "sin niveles"


@dataclass
class _Row:
    """Values of one data row; ``None`` when empty or invalid."""

    line: int
    rbd: int | None = None
    school_name: str | None = None
    commune: str | None = None
    run: str | None = None
    name: str | None = None
    email: str | None = None
    role: RoleCode | None = None
    levels: tuple[LevelCode, ...] | None = None


@dataclass
class SchoolSeen:
    name: str
    line: int
    commune: str | None
    commune_line: int


@dataclass
class PersonSeen:
    line: int
    rbd: int | None = None
    name: str | None = None
    email: str | None = None
    role: RoleCode | None = None
    levels: tuple[LevelCode, ...] | None = None
    lines: dict[ColumnName, int] = field(default_factory=dict)


# Person columns compared across rows: (column, attribute, Spanish noun phrase).
_PERSON_FIELDS: Final[tuple[tuple[ColumnName, str, str], ...]] = (
    ("rbd", "rbd", "el RBD"),
    ("nombre", "name", "el nombre"),
    ("email", "email", "el correo"),
    ("rol", "role", "el rol"),
    ("niveles", "levels", "los niveles"),
)


def _shown(attribute: str, value: object) -> str:
    if attribute == "role" and isinstance(value, str):
        return next((ROLE_LABELS[r] for r in ROLE_LABELS if r == value), value)
    if attribute == "levels" and isinstance(value, tuple):
        return _levels_text(value)
    return str(value)


def _same(attribute: str, old: object, new: object) -> bool:
    if attribute == "name" and isinstance(old, str) and isinstance(new, str):
        return _fold(old) == _fold(new)
    return old == new


def parse_row(cells: list[str], positions: Mapping[ColumnName, int], line: int) -> tuple[_Row, list[RosterError]]:
    """Validate one row on its own (no cross-row rules)."""
    errors: list[RosterError] = []
    row = _Row(line)

    def value(column: ColumnName) -> str:
        index = positions.get(column)
        if index is None or index >= len(cells):
            return ""
        return cells[index]

    def fail(column: ColumnName, message: str) -> None:
        errors.append(RosterError(line, column, message))

    for column in REQUIRED_COLUMNS:
        if not value(column):
            fail(column, MISSING_VALUE[column])

    _parse_identity(row, value, fail)
    _parse_profile(row, value, fail)
    return row, errors


_Cell = Callable[[ColumnName], str]
_Fail = Callable[[ColumnName, str], None]


def _parse_identity(row: _Row, value: _Cell, fail: _Fail) -> None:
    """The school (RBD, name, commune) and the person (RUN, name) of a row."""
    if value("rbd"):
        try:
            row.rbd = validate_rbd(value("rbd"))
        except InvalidRbd as exc:
            fail("rbd", str(exc))
    row.school_name = _clean(value("establecimiento")) or None
    row.commune = _clean(value("comuna")) or None
    if value("run"):
        try:
            row.run = normalize_run(value("run"))
        except InvalidRun as exc:
            fail("run", str(exc))
    row.name = _clean(value("nombre")) or None


def _parse_profile(row: _Row, value: _Cell, fail: _Fail) -> None:
    """The person's email, role and levels."""
    email = value("email")
    if email:
        if _is_email(email):
            row.email = email.lower()
        else:
            fail(
                "email",
                f"El correo «{email}» no tiene un formato válido (por ejemplo nombre@escuela.cl)",
            )
    if value("rol"):
        try:
            row.role = parse_role(value("rol"))
        except UnknownRoleError as exc:
            fail("rol", str(exc))
    if value("niveles"):
        try:
            row.levels = tuple(parse_levels(value("niveles"))) or None
        except UnknownLevelError as exc:
            fail("niveles", str(exc))


def check_school(row: _Row, schools: dict[int, SchoolSeen]) -> list[RosterError]:
    """Same RBD ⇒ same school name and commune."""
    if row.rbd is None or row.school_name is None:
        return []
    seen = schools.get(row.rbd)
    if seen is None:
        schools[row.rbd] = SchoolSeen(row.school_name, row.line, row.commune, row.line if row.commune else 0)
        return []
    errors: list[RosterError] = []
    if _fold(seen.name) != _fold(row.school_name):
        errors.append(
            RosterError(
                row.line,
                "establecimiento",
                f"El RBD {row.rbd} aparece en la línea {seen.line} como «{seen.name}» y aquí como «{row.school_name}»",
            )
        )
    if row.commune is not None:
        if seen.commune is None:
            seen.commune = row.commune
            seen.commune_line = row.line
        elif _fold(seen.commune) != _fold(row.commune):
            errors.append(
                RosterError(
                    row.line,
                    "comuna",
                    f"El RBD {row.rbd} aparece en la línea {seen.commune_line} "
                    f"en la comuna «{seen.commune}» y aquí en «{row.commune}»",
                )
            )
    return errors


def check_person(row: _Row, people: dict[str, PersonSeen]) -> list[RosterError]:
    """Same RUN ⇒ same data (an empty optional value does not conflict)."""
    if row.run is None:
        return []
    seen = people.get(row.run)
    if seen is None:
        seen = PersonSeen(row.line)
        people[row.run] = seen
    errors: list[RosterError] = []
    for column, attribute, noun in _PERSON_FIELDS:
        new = getattr(row, attribute)
        if new is None:
            continue
        old = getattr(seen, attribute)
        if old is None:
            setattr(seen, attribute, new)
            seen.lines[column] = row.line
        elif not _same(attribute, old, new):
            errors.append(
                RosterError(
                    row.line,
                    column,
                    f"El RUN {format_run(row.run)} aparece en la línea "
                    f"{seen.lines[column]} con {noun} «{_shown(attribute, old)}» "
                    f"y aquí con «{_shown(attribute, new)}»",
                )
            )
    return errors
