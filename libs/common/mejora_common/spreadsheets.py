"""Cells a spreadsheet would run as a formula, neutralised (OWASP "CSV Injection"), for every CSV and XLSX export.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel, LibreOffice
and Google Sheets as a formula (``=HYPERLINK(...)``, DDE ``=cmd|...``), so a teacher's note or a school's name
could run in a coordinator's spreadsheet. Such a cell gets a leading apostrophe, which spreadsheets take as
"this is text". Only strings are touched: numbers stay numbers (a negative score is not a formula).

Exports that are imported again (the observations' long format) read their cells back with
:func:`restore_formula`. So that the round trip is exact, a text that already starts with apostrophes before a
formula character gets one more, and ``restore_formula`` takes exactly one away.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TypeVar, cast

#: Leading characters that make a spreadsheet read a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")

Cell = TypeVar("Cell")
Key = TypeVar("Key")


def neutralise_formula(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet would read it as a formula."""
    return "'" + text if _NEEDS_QUOTE.match(text) else text


def restore_formula(text: str) -> str:
    """The original of a cell written by :func:`neutralise_formula` (any other text is returned unchanged)."""
    return text[1:] if _QUOTED.match(text) else text


def safe_cell(value: Cell) -> Cell:
    """A cell ready for a CSV or XLSX file: strings neutralised, anything else as it is."""
    if isinstance(value, str):
        return cast(Cell, neutralise_formula(value))
    return value


def safe_row(values: Iterable[Cell]) -> list[Cell]:
    """A row (``csv.writer.writerow``, ``Worksheet.append``) with every cell made safe."""
    return [safe_cell(value) for value in values]


def safe_record(record: Mapping[Key, Cell]) -> dict[Key, Cell]:
    """A record (``csv.DictWriter.writerow``) with every cell made safe."""
    return {key: safe_cell(value) for key, value in record.items()}


__all__ = ["FORMULA_PREFIXES", "neutralise_formula", "restore_formula", "safe_cell", "safe_record", "safe_row"]
