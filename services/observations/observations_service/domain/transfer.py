"""Export and import of observations in long format: one row per observation × dimension × cycle.

Columns (CSV header or JSON keys), in this order:

``observation_id, network_id, school_id, teacher_id, observer_id, instrument_code,
instrument_version, level, observed_on, wave, mode, status, double_codes_id,
cycle_number, cycle_started_at, cycle_duration_minutes, cycle_notes, domain_code,
dimension_code, score, evidence``

Observation-level values repeat on each of its rows, cycle-level values on each row
of the cycle, and ``evidence`` (per dimension) on each row of the dimension. An
import must repeat them identically. ``score`` is empty for a dimension a draft has
not scored yet. The import is all-or-nothing: every problem is listed by row
(1 = the first data row; in a CSV that is line 2) and nothing is written unless
there is none.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from mejora_common.spreadsheets import restore_formula, safe_record

from .completeness import CycleScores, check_completeness
from .instrument import InstrumentSpec
from .vocabulary import LEVELS, MAX_STORED_INTEGER, MODES, observation_date_problem

COLUMNS = (
    "observation_id",
    "network_id",
    "school_id",
    "teacher_id",
    "observer_id",
    "instrument_code",
    "instrument_version",
    "level",
    "observed_on",
    "wave",
    "mode",
    "status",
    "double_codes_id",
    "cycle_number",
    "cycle_started_at",
    "cycle_duration_minutes",
    "cycle_notes",
    "domain_code",
    "dimension_code",
    "score",
    "evidence",
)
REQUIRED = (
    "observation_id",
    "school_id",
    "teacher_id",
    "observer_id",
    "instrument_code",
    "level",
    "observed_on",
    "wave",
    "cycle_number",
    "dimension_code",
)
OBSERVATION_FIELDS = (
    "network_id",
    "school_id",
    "teacher_id",
    "observer_id",
    "instrument_code",
    "instrument_version",
    "level",
    "observed_on",
    "wave",
    "mode",
    "status",
    "double_codes_id",
)
CYCLE_FIELDS = ("cycle_started_at", "cycle_duration_minutes", "cycle_notes")
MAX_ROWS = 100_000


# --- export ----------------------------------------------------------------------------------------


def to_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """UTF-8 CSV with a header, comma-separated, RFC 4180 quoting; empty cells for nulls."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(safe_record({k: "" if v is None else v for k, v in row.items()}))
    return buffer.getvalue()


# --- import: parsing -------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


class FileError(ValueError):
    """The file as a whole cannot be read (the message, in Spanish, says why)."""


def parse_body(raw: bytes, content_type: str) -> list[dict[str, Any]]:
    """Rows from a CSV (``,`` or ``;``, UTF-8 with or without BOM, or Latin-1) or a JSON array / ``{"rows": […]}``."""
    if not raw.strip():
        raise FileError("El archivo está vacío.")
    if "json" in content_type:
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise FileError("El cuerpo no es JSON válido.") from exc
        if isinstance(data, dict):
            data = data.get("rows")
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise FileError('Se espera una lista de filas (objetos) o {"rows": [...]}.')
        rows = [{str(k).strip().lower(): v for k, v in r.items()} for r in data]
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        first = text.splitlines()[0] if text.splitlines() else ""
        delimiter = ";" if first.count(";") > first.count(",") else ","
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        if reader.fieldnames is None:
            raise FileError("El archivo no tiene encabezado.")
        header = [h.strip().lower() for h in reader.fieldnames]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise FileError(f"Faltan columnas: {', '.join(missing)}.")
        rows = [
            {(k or "").strip().lower(): (restore_formula(v.strip()) if isinstance(v, str) else v) for k, v in r.items()}
            for r in reader
        ]
    if not rows:
        raise FileError("El archivo no tiene filas de datos.")
    if len(rows) > MAX_ROWS:
        raise FileError(f"El archivo tiene {len(rows)} filas; el máximo es {MAX_ROWS}.")
    return rows


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any]


UUID_COLUMNS = frozenset({"observation_id", "network_id", "school_id", "teacher_id", "observer_id", "double_codes_id"})
INTEGER_COLUMNS = frozenset({"instrument_version", "cycle_number", "cycle_duration_minutes", "score"})


def _parse_value(name: str, value: Any) -> Any:
    """One cell to its type; raises ValueError with a Spanish message."""
    if _blank(value):
        return None
    text = str(value).strip()
    if name in UUID_COLUMNS:
        return _uuid(text)
    if name in INTEGER_COLUMNS:
        return _integer(value, text)
    if name == "observed_on":
        return _date(text)
    if name == "cycle_started_at":
        return _moment(text)
    if name == "level" and text not in LEVELS:
        raise ValueError(f"Nivel desconocido «{text}».")
    if name == "mode" and text not in MODES:
        raise ValueError("Debe ser live o video.")
    if name == "status" and text not in ("draft", "submitted"):
        raise ValueError("Debe ser draft o submitted.")
    return text


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError as exc:
        raise ValueError("Debe ser un identificador UUID válido.") from exc


def _integer(value: Any, text: str) -> int:
    if isinstance(value, bool):
        raise ValueError("Debe ser un número entero.")
    try:
        number = float(text)
    except ValueError as exc:
        raise ValueError("Debe ser un número entero.") from exc
    if not number.is_integer():
        raise ValueError("Debe ser un número entero.")
    if abs(number) > MAX_STORED_INTEGER:
        raise ValueError(
            f"Debe ser un número entero entre -{MAX_STORED_INTEGER:_} y {MAX_STORED_INTEGER:_}.".replace("_", ".")
        )
    return int(number)


def _date(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError("Debe ser una fecha válida (AAAA-MM-DD).") from exc
    problem = observation_date_problem(day)
    if problem:
        raise ValueError(problem)
    return day


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError("Debe ser una fecha y hora ISO 8601 válida.") from exc
    if moment.tzinfo is None:
        raise ValueError("Debe incluir la zona horaria (p. ej. 2024-05-14T13:05:00Z).")
    return moment


def parse_rows(rows: Sequence[Mapping[str, Any]], errors: list[RowError]) -> list[ParsedRow]:
    parsed: list[ParsedRow] = []
    for index, raw in enumerate(rows, start=1):
        values: dict[str, Any] = {}
        ok = True
        for name in COLUMNS:
            try:
                values[name] = _parse_value(name, raw.get(name))
            except ValueError as exc:
                errors.append(RowError(index, name, str(exc)))
                ok = False
        for name in REQUIRED:
            if name in values and values[name] is None and not any(e.row == index and e.field == name for e in errors):
                errors.append(RowError(index, name, "Este campo es obligatorio."))
                ok = False
        values["mode"] = values.get("mode") or "live"
        values["status"] = values.get("status") or "submitted"
        values["cycle_notes"] = values.get("cycle_notes") or ""
        values["evidence"] = values.get("evidence") or ""
        if ok:
            parsed.append(ParsedRow(index, values))
    return parsed


# --- import: grouping and checks -------------------------------------------------------------------


@dataclass
class ImportedObservation:
    id: uuid.UUID
    first_row: int
    values: dict[str, Any]
    cycles: dict[int, dict[str, Any]] = field(default_factory=dict)
    scores: dict[int, dict[str, int | None]] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    rows: list[int] = field(default_factory=list)
    cells: dict[tuple[int, str], int] = field(default_factory=dict)
    instrument_id: uuid.UUID | None = None  # set once its instrument is found

    def content(self, cycles: list[dict[str, Any]]) -> dict[str, Any]:
        """The observation's stored content, with ``cycles`` already normalised."""
        assert self.instrument_id is not None
        return {
            "instrument_id": self.instrument_id,
            "network_id": self.values["network_id"],
            "school_id": self.values["school_id"],
            "teacher_id": self.values["teacher_id"],
            "observer_id": self.values["observer_id"],
            "level": self.values["level"],
            "observed_on": self.values["observed_on"],
            "wave": self.values["wave"],
            "mode": self.values["mode"],
            "cycles": cycles,
            "evidence": dict(sorted((k, v) for k, v in self.evidence.items() if v)),
            "double_codes_id": self.values["double_codes_id"],
        }

    def cycle_values(self) -> list[dict[str, Any]]:
        """Each cycle's values in number order (to be validated as the API's cycles)."""
        return [
            {
                "number": n,
                "started_at": self.cycles[n]["cycle_started_at"],
                "duration_minutes": self.cycles[n]["cycle_duration_minutes"],
                "scores": self.scores.get(n, {}),
                "notes": self.cycles[n]["cycle_notes"],
            }
            for n in sorted(self.cycles)
        ]


def group_rows(parsed: Sequence[ParsedRow], network_id: uuid.UUID, errors: list[RowError]) -> list[ImportedObservation]:
    groups: dict[uuid.UUID, ImportedObservation] = {}
    seen_cells: dict[tuple[uuid.UUID, int, str], int] = {}
    for row in parsed:
        v = row.values
        if v["network_id"] is None:
            v["network_id"] = network_id
        elif v["network_id"] != network_id:
            errors.append(RowError(row.number, "network_id", "Debe ser la red indicada en la importación."))
            continue
        oid: uuid.UUID = v["observation_id"]
        group = groups.get(oid)
        if group is None:
            group = groups[oid] = ImportedObservation(id=oid, first_row=row.number, values=dict(v))
        else:
            for name in OBSERVATION_FIELDS:
                if v[name] != group.values[name]:
                    errors.append(
                        RowError(
                            row.number,
                            name,
                            f"No coincide con la fila {group.first_row} de la misma observación.",
                        )
                    )
        group.rows.append(row.number)
        number: int = v["cycle_number"]
        if number < 1:
            errors.append(RowError(row.number, "cycle_number", "Debe ser un entero positivo."))
            continue
        cycle = group.cycles.get(number)
        if cycle is None:
            group.cycles[number] = {**{name: v[name] for name in CYCLE_FIELDS}, "row": row.number}
        else:
            for name in CYCLE_FIELDS:
                if v[name] != cycle[name]:
                    errors.append(
                        RowError(row.number, name, f"No coincide con la fila {cycle['row']} del mismo ciclo.")
                    )
        code: str = v["dimension_code"]
        key = (oid, number, code)
        if key in seen_cells:
            errors.append(
                RowError(
                    row.number,
                    "dimension_code",
                    f"Repite la dimensión {code} del ciclo {number} (fila {seen_cells[key]}).",
                )
            )
            continue
        seen_cells[key] = row.number
        group.cells[(number, code)] = row.number
        group.scores.setdefault(number, {})[code] = v["score"]
        if v["evidence"]:
            previous = group.evidence.get(code)
            if previous is not None and previous != v["evidence"]:
                errors.append(RowError(row.number, "evidence", f"La evidencia de {code} no coincide con otra fila."))
            group.evidence[code] = v["evidence"]
    return list(groups.values())


def check_against_instrument(group: ImportedObservation, spec: InstrumentSpec, errors: list[RowError]) -> None:
    """Scores (a draft may be partial) and evidence of ``group`` against its instrument."""
    _check_scores(group, spec, errors)
    unknown = sorted(set(group.evidence) - {d.code for d in spec.dimensions})
    for code in unknown:
        errors.append(RowError(group.first_row, "evidence", f"{code} no es una dimensión de {spec.code}."))


def _check_scores(group: ImportedObservation, spec: InstrumentSpec, errors: list[RowError]) -> None:
    cycles = [CycleScores(number=n, scores=group.scores.get(n, {})) for n in sorted(group.cycles)]
    numbers = sorted(group.cycles)
    for gap in check_completeness(spec, cycles):
        if gap.code in ("missing_score", "too_few_cycles") and group.values["status"] == "draft":
            continue
        row, column = group.first_row, "cycle_number"
        match = re.fullmatch(r"cycles\[(\d+)\](?:\.scores\.(.+))?", gap.path)
        if match:
            number = numbers[int(match.group(1))]
            row = group.cycles[number]["row"]
            if match.group(2):
                column = "dimension_code" if gap.code == "unknown_dimension" else "score"
                row = group.cells.get((number, match.group(2)), row)
        errors.append(RowError(row, column, gap.message))
