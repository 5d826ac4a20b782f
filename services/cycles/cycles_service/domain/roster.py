"""Roster CSV parsing for ``POST /networks/{id}/roster:import``.

A roster lists the people of a network, one per row, with their school::

    rbd;establecimiento;comuna;run;nombre;email;rol;niveles
    10203;Esc. Los Aromos;Peñalolén;12.345.678-5;María Pérez;mp@aromos.cl;educadora;NT2

Input
    Raw bytes. Decoded as UTF-8 (with or without BOM), UTF-16 when it starts
    with a UTF-16 BOM, otherwise as Latin-1 (Windows-1252, what Excel on
    Windows writes). The delimiter (``;``, ``,`` or tab) is sniffed from the
    header line. Blank rows are skipped.

Columns (header = line 1; names are case-, accent-, space- and
underscore-insensitive; a few synonyms are accepted, e.g. ``RUT`` for
``run``, ``correo`` for ``email``, ``nivel`` for ``niveles``)

    ==================  ==========  ===========================================
    column              required    value
    ==================  ==========  ===========================================
    ``rbd``             yes         school RBD, positive integer
    ``establecimiento`` yes         school name
    ``comuna``          no          commune
    ``run``             yes         RUN/RUT with check digit
    ``nombre``          yes         person's full name
    ``email``           no          e-mail (stored lowercase)
    ``rol``             yes         role, English code or Spanish word
    ``niveles``         no          levels separated by ``|`` (or ``,`` ``;``)
    ==================  ==========  ===========================================

    Other columns are ignored and reported in :attr:`Roster.ignored_columns`.

Output
    :func:`parse_roster` returns either a :class:`Roster` (schools keyed by
    RBD, people keyed by normalised RUN ``"12345678-5"``) or
    :class:`RosterErrors` with *every* problem found, each with its line
    (1-based, header = 1), canonical column name (or ``None`` when the
    problem is the whole line/file) and a Spanish message.

Cross-row rules: the same RBD must always carry the same school name and
commune (compared ignoring case, accents and extra spaces); the same RUN may
appear more than once only with the same name, role, school, e-mail and levels
(an empty optional value does not conflict and is filled from another row).

Pure: nothing is stored; the caller decides how to upsert.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from .levels import LevelCode
from .roles import RoleCode
from .roster_rows import (
    REQUIRED_COLUMNS,
    ColumnName,
    PersonSeen,
    RosterError,
    SchoolSeen,
    check_person,
    check_school,
    parse_row,
    strip_accents,
)

__all__ = [
    "REQUIRED_COLUMNS",
    "ROSTER_COLUMNS",
    "ColumnName",
    "Roster",
    "RosterError",
    "RosterErrors",
    "RosterPerson",
    "RosterSchool",
    "parse_roster",
]


ROSTER_COLUMNS: Final[tuple[ColumnName, ...]] = (
    "rbd",
    "establecimiento",
    "comuna",
    "run",
    "nombre",
    "email",
    "rol",
    "niveles",
)

_HEADER_ALIASES: Final[Mapping[str, ColumnName]] = {
    "rbd": "rbd",
    "establecimiento": "establecimiento",
    "nombreestablecimiento": "establecimiento",
    "escuela": "establecimiento",
    "colegio": "establecimiento",
    "comuna": "comuna",
    "run": "run",
    "rut": "run",
    "nombre": "nombre",
    "nombrecompleto": "nombre",
    "email": "email",
    "correo": "email",
    "correoelectronico": "email",
    "mail": "email",
    "rol": "rol",
    "role": "rol",
    "cargo": "rol",
    "niveles": "niveles",
    "nivel": "niveles",
}


_EXAMPLE_HEADER: Final = ";".join(ROSTER_COLUMNS)


@dataclass(frozen=True)
class RosterSchool:
    """A school found in the roster (first spelling of its name wins)."""

    rbd: int
    name: str
    commune: str | None
    line: int
    """Line where the school first appears."""


@dataclass(frozen=True)
class RosterPerson:
    """A person found in the roster."""

    run: str
    """Normalised RUN, e.g. ``"12345678-5"``."""
    name: str
    email: str | None
    role: RoleCode
    levels: tuple[LevelCode, ...]
    rbd: int
    line: int
    """Line where the person first appears."""


@dataclass(frozen=True)
class Roster:
    """A roster with no errors."""

    schools: Mapping[int, RosterSchool]
    people: Mapping[str, RosterPerson]
    encoding: str
    """``"utf-8"``, ``"utf-8-sig"``, ``"utf-16"``, ``"cp1252"`` or ``"latin-1"``."""
    delimiter: str
    data_rows: int
    """Number of non-blank data rows read (duplicated people counted each time)."""
    ignored_columns: tuple[str, ...] = ()
    """Header cells that are not roster columns, as written."""


@dataclass(frozen=True)
class RosterErrors:
    """Every problem found; nothing from the file should be imported."""

    errors: tuple[RosterError, ...]


# --------------------------------------------------------------------------- reading the file


def _header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", strip_accents(text).lower())


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _sniff_delimiter(header_line: str) -> str:
    counts = {delimiter: header_line.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ";"


# --------------------------------------------------------------------------- parser


def _read_header(header: list[str], line: int) -> tuple[dict[ColumnName, int], list[str], list[RosterError]]:
    positions: dict[ColumnName, int] = {}
    ignored: list[str] = []
    errors: list[RosterError] = []
    for index, cell in enumerate(header):
        column = _HEADER_ALIASES.get(_header_key(cell))
        if column is None:
            if cell.strip():
                ignored.append(cell.strip())
        elif column in positions:
            errors.append(
                RosterError(
                    line,
                    column,
                    f"La columna «{column}» aparece más de una vez en el encabezado",
                )
            )
        else:
            positions[column] = index
    if not positions:
        return (
            positions,
            ignored,
            [
                RosterError(
                    line,
                    None,
                    "No se reconoció el encabezado. La primera línea debe tener los "
                    f"nombres de las columnas: {_EXAMPLE_HEADER}",
                )
            ],
        )
    for column in REQUIRED_COLUMNS:
        if column not in positions:
            errors.append(
                RosterError(
                    line,
                    column,
                    f"Falta la columna obligatoria «{column}» en el encabezado",
                )
            )
    return positions, ignored, errors


def _error_order(error: RosterError) -> tuple[int, int]:
    column = -1 if error.column is None else ROSTER_COLUMNS.index(error.column)
    return error.line, column


def parse_roster(data: bytes) -> Roster | RosterErrors:
    """Parse a roster CSV; see the module docstring for the format and rules."""
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return RosterErrors(
            (
                RosterError(
                    1,
                    None,
                    "El archivo parece ser una planilla Excel y no un CSV. Guárdelo "
                    "como «CSV UTF-8» o «CSV (delimitado por punto y coma)» e "
                    "inténtelo de nuevo",
                ),
            )
        )
    text, encoding = _decode(data)
    if not text.strip():
        return RosterErrors((RosterError(1, None, "El archivo está vacío"),))

    first_line = next(line for line in text.splitlines() if line.strip())
    delimiter = _sniff_delimiter(first_line)
    shown_delimiter = "tabulador" if delimiter == "\t" else f"«{delimiter}»"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    header: list[str] | None = None
    header_line = 1
    positions: dict[ColumnName, int] = {}
    ignored: list[str] = []
    errors: list[RosterError] = []
    schools: dict[int, SchoolSeen] = {}
    people: dict[str, PersonSeen] = {}
    data_rows = 0
    previous_line = 0

    while True:
        line = previous_line + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            message = f"La línea no se pudo leer como CSV: {exc}"
            errors.append(RosterError(line, None, message))
            break
        previous_line = reader.line_num
        cells = [cell.strip() for cell in record]
        if not any(cells):
            continue

        if header is None:
            header = cells
            header_line = line
            positions, ignored, header_errors = _read_header(header, line)
            if header_errors:
                return RosterErrors(tuple(header_errors))
            continue

        data_rows += 1
        if len(cells) > len(header) and any(cells[len(header) :]):
            errors.append(
                RosterError(
                    line,
                    None,
                    f"La fila tiene {len(cells)} valores pero el encabezado tiene "
                    f"{len(header)} columnas; revise si algún valor contiene el "
                    f"separador {shown_delimiter} sin comillas",
                )
            )
            continue
        row, row_errors = parse_row(cells, positions, line)
        errors.extend(row_errors)
        errors.extend(check_school(row, schools))
        errors.extend(check_person(row, people))

    if data_rows == 0 and not errors:
        errors.append(
            RosterError(
                header_line + 1,
                None,
                "El archivo solo tiene el encabezado; no hay filas con personas",
            )
        )
    if errors:
        return RosterErrors(tuple(sorted(errors, key=_error_order)))

    result_people: dict[str, RosterPerson] = {}
    for run, person in people.items():
        # No errors ⇒ every row had a valid rbd, name and role.
        if person.rbd is None or person.name is None or person.role is None:
            raise AssertionError(f"incomplete person {run} without errors")
        result_people[run] = RosterPerson(
            run=run,
            name=person.name,
            email=person.email,
            role=person.role,
            levels=person.levels or (),
            rbd=person.rbd,
            line=person.line,
        )
    return Roster(
        schools={rbd: RosterSchool(rbd, seen.name, seen.commune, seen.line) for rbd, seen in schools.items()},
        people=result_people,
        encoding=encoding,
        delimiter=delimiter,
        data_rows=data_rows,
        ignored_columns=tuple(ignored),
    )
