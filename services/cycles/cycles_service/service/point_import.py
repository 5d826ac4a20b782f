"""Import many points of a measure at once (a JSON list or a CSV), all or nothing.

A repeated period of the same school replaces the stored point (the answer counts what it replaced, and each
replacement is written to the points' history).
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func
from sqlmodel import Session, select

from mejora_common.errors import ProblemError, translate_validation_errors

from ..domain.access import Actor
from ..models import NETWORK_SCOPE, Measure, MeasurePoint
from ..schemas.measures import PointImportResult, PointIn
from .access import require
from .measures import EDIT, check_point, normalise_period, schools_of, upsert

_CSV_ALIASES = {
    "period": "period",
    "periodo": "period",
    "fecha": "period",
    "value": "value",
    "valor": "value",
    "numerator": "numerator",
    "numerador": "numerator",
    "denominator": "denominator",
    "denominador": "denominator",
    "school_id": "school_id",
    "rbd": "rbd",
    "note": "note",
    "nota": "note",
}


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _number(text: str) -> str | None:
    text = text.strip()
    return text.replace(",", ".") if text else None


def parse_points(data: bytes, content_type: str, rbds: dict[int, uuid.UUID]) -> list[tuple[str, dict[str, Any]]]:
    """Raw points from a JSON array or a CSV, each with its location prefix (``[3].`` or ``línea 4: ``)."""
    if "json" in content_type:
        try:
            parsed = json.loads(data or b"null")
        except ValueError as exc:
            raise ProblemError(422, "validation_error", "El cuerpo no es JSON válido.") from exc
        if not isinstance(parsed, list):
            raise ProblemError(422, "validation_error", "Envía una lista JSON de puntos o un CSV.")
        return [(f"[{i}].", item if isinstance(item, dict) else {"_": item}) for i, item in enumerate(parsed)]
    text = _decode(data)
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise ProblemError(422, "validation_error", "El archivo está vacío.")
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [_CSV_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in next(reader)]
    if "period" not in header:
        raise ProblemError(
            422,
            "validation_error",
            "Falta la columna «periodo» en el encabezado (columnas: periodo;valor;numerador;denominador;rbd;nota).",
        )
    rows: list[tuple[str, dict[str, Any]]] = []
    for number, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        cells = dict(zip(header, (c.strip() for c in record), strict=False))
        item: dict[str, Any] = {"period": cells.get("period", "")}
        for name in ("value", "numerator", "denominator"):
            item[name] = _number(cells.get(name, ""))
        if cells.get("note"):
            item["note"] = cells["note"]
        if cells.get("school_id"):
            item["school_id"] = cells["school_id"]
        elif cells.get("rbd"):
            rbd = cells["rbd"]
            item["school_id"] = str(rbds[int(rbd)]) if rbd.isdigit() and int(rbd) in rbds else f"rbd-{rbd}"
        rows.append((f"línea {number}: ", item))
    return rows


def authorize_points_import(actor: Actor) -> None:
    """Who may send an import at all (checked before the upload is read); each row is checked again."""
    require(actor, actor.imports_points, EDIT)


def import_points(
    session: Session, actor: Actor, measure: Measure, data: bytes, content_type: str
) -> PointImportResult:
    schools = schools_of(session, measure.network_id)
    raw = parse_points(data, content_type, {rbd: sid for sid, rbd in schools.items()})
    errors: list[dict[str, Any]] = []
    valid: list[tuple[PointIn, float]] = []
    seen: dict[tuple[date, str], str] = {}
    for prefix, raw_item in raw:
        item = raw_item
        if isinstance(item.get("school_id"), str) and item["school_id"].startswith("rbd-"):
            errors.append(
                {"field": f"{prefix}rbd", "message": f"No hay un establecimiento con RBD {item['school_id'][4:]}."}
            )
            item = {k: v for k, v in item.items() if k != "school_id"}
        try:
            point = PointIn.model_validate(item)
        except ValidationError as exc:
            for error in translate_validation_errors(exc.errors()):
                errors.append({"field": f"{prefix}{error['field']}", "message": error["message"]})
            continue
        if not actor.records_points_for(point.school_id):
            errors.append(
                {"field": f"{prefix}school_id", "message": "No puedes registrar datos de ese establecimiento."}
            )
            continue
        point_errors, value = check_point(measure, point, set(schools), prefix)
        errors.extend(point_errors)
        if point_errors or value is None:
            continue
        key = (normalise_period(measure.frequency, point.period), str(point.school_id or NETWORK_SCOPE))
        if key in seen:
            errors.append(
                {
                    "field": f"{prefix}period",
                    "message": f"El período se repite en el archivo ({seen[key].strip(': .')}).",
                }
            )
            continue
        seen[key] = prefix
        valid.append((point, value))
    if errors:
        raise ProblemError(
            422, "points_invalid", f"Hay {len(errors)} error(es); no se importó ningún dato.", errors=errors
        )
    if not valid:
        raise ProblemError(422, "points_invalid", "No hay datos para importar.")
    created = replaced = 0
    for point, value in valid:
        _, is_new = upsert(session, actor, measure, point, value, replace_silently=True)
        session.flush()
        created += is_new
        replaced += not is_new
    session.commit()
    total = session.exec(
        select(func.count()).select_from(MeasurePoint).where(MeasurePoint.measure_id == measure.id)
    ).one()
    return PointImportResult(created=created, replaced=replaced, total=total)
