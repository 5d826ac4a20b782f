"""CSV (UTF-8 with BOM, ``;`` separated, decimal comma: Chilean spreadsheets open it directly) and XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from mejora_common.spreadsheets import neutralise_formula

from .fmt import number

Cell = str | int | float | None

BOM = "\ufeff"
# The one neutralisation of spreadsheet formulas (OWASP CSV injection), shared with every export.
safe_text = neutralise_formula


def _csv_cell(value: Cell, digits: int) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "sí" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number(value, digits).replace(".", "")
    return safe_text(value)


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Cell]], *, digits: int = 3) -> bytes:
    """UTF-8 with BOM, ``;`` as separator, CRLF line ends, decimal comma."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(v, digits) for v in row])
    return (BOM + buffer.getvalue()).encode("utf-8")


HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F5F8B")


def to_xlsx(sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Cell]]]], *, title: str = "") -> bytes:
    """A workbook with one sheet per ``(name, header, rows)``; numbers stay numbers."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    if title:
        workbook.properties.title = title
    for name, header, rows in sheets:
        sheet = workbook.create_sheet(title=name[:31])
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
        for row in rows:
            sheet.append([_xlsx_cell(v) for v in row])
        sheet.freeze_panes = "A2"
        for index, column in enumerate(header, start=1):
            width = max([len(str(column)), *(len(str(r[index - 1] or "")) for r in rows[:200])])
            sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, width + 2))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(value: Cell) -> Any:
    if isinstance(value, str):
        return safe_text(value)
    return value
