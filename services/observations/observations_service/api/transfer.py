"""``/api/v1/observations:export`` and ``:import``: the long format for SLEP systems and researchers."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlmodel import col, select

from mejora_common.auth import CurrentPrincipal, bearer_token
from mejora_common.errors import ProblemError

from ..access import require_coordinator
from ..crud import transfer
from ..crud.directory import in_network, lookup_many
from ..db import DbSession
from ..models import Instrument, Observation
from ..schemas import ImportResult

router = APIRouter(tags=["observaciones"])

FORMAT_DOC = transfer.__doc__ or ""
ROW_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {name: {"type": ["string", "integer", "null"]} for name in transfer.COLUMNS},
}


@router.get(
    "/api/v1/observations:export",
    summary="Exportar observaciones de la red en formato largo (CSV o JSON)",
    description=(
        "Para sistemas del SLEP e investigación; solo coordinación (o un servicio). Por omisión solo las "
        "observaciones enviadas. " + FORMAT_DOC
    ),
    responses={
        200: {
            "description": "Una fila por observación × dimensión × ciclo",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "array", "items": ROW_SCHEMA}},
            },
        }
    },
)
def export_observations(
    *,
    session: DbSession,
    principal: CurrentPrincipal,
    network_id: uuid.UUID,
    format: Literal["csv", "json"] = "csv",
    wave: str | None = None,
    include_drafts: bool = False,
) -> Response:
    require_coordinator(principal, network_id, "read")
    query = select(Observation).where(Observation.network_id == network_id)
    if wave is not None:
        query = query.where(Observation.wave == wave)
    if not include_drafts:
        query = query.where(Observation.status == "submitted")
    observations = session.exec(
        query.order_by(col(Observation.observed_on), col(Observation.teacher_id), col(Observation.id))
    ).all()
    ids = {o.instrument_id for o in observations}
    instruments = {i.id: i for i in session.exec(select(Instrument).where(col(Instrument.id).in_(ids))).all()}
    rows = transfer.export_rows(observations, instruments)
    suffix = f"-{wave}" if wave else ""
    if format == "json":
        return JSONResponse(rows)
    return Response(
        transfer.to_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="observaciones{suffix}.csv"'},
    )


@router.post(
    "/api/v1/observations:import",
    response_model=ImportResult,
    summary="Importar observaciones en formato largo (todo o nada)",
    description=(
        "El cuerpo es el mismo formato de la exportación: un CSV (`Content-Type: text/csv`, `,` o `;`) o JSON "
        '(una lista de filas o `{"rows": [...]}`). Solo coordinación. `dry_run=true` valida sin guardar. Si hay '
        "algún error responde 422 con `errors` listando cada uno (`row`, `field`, `message`) y no guarda nada. "
        "Establecimientos y personas se verifican en el servicio de ciclos (503 si no responde). Reimportar las "
        "mismas observaciones no las duplica (cuentan como `unchanged`). " + FORMAT_DOC
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "array", "items": ROW_SCHEMA}},
            },
        }
    },
)
async def import_observations(
    *,
    request: Request,
    session: DbSession,
    principal: CurrentPrincipal,
    network_id: uuid.UUID,
    dry_run: bool = False,
) -> ImportResult:
    require_coordinator(principal, network_id, "write")
    raw = await request.body()
    rows = transfer.parse_body(raw, request.headers.get("content-type", ""))
    errors: list[transfer.RowError] = []
    parsed = transfer.parse_rows(rows, errors)
    groups = transfer.group_rows(parsed, network_id, errors)
    to_create, unchanged = await run_in_threadpool(transfer.check_groups, session, network_id, groups, errors)
    if to_create:
        client = request.app.state.cycles
        token = bearer_token(request)
        schools = await lookup_many(client, token, "schools", {g.values["school_id"] for g in to_create})
        people_ids = {g.values["teacher_id"] for g in to_create} | {g.values["observer_id"] for g in to_create}
        people = await lookup_many(client, token, "people", people_ids)
        for group in to_create:
            school = schools.get(group.values["school_id"])
            if not in_network(school, network_id):
                errors.append(
                    transfer.RowError(group.first_row, "school_id", "El establecimiento no existe en esta red.")
                )
            teacher = people.get(group.values["teacher_id"])
            if not in_network(teacher, network_id):
                errors.append(
                    transfer.RowError(group.first_row, "teacher_id", "La persona observada no existe en esta red.")
                )
            elif teacher and teacher.get("school_id") and str(teacher["school_id"]) != str(group.values["school_id"]):
                errors.append(
                    transfer.RowError(
                        group.first_row, "teacher_id", "La persona observada no pertenece a ese establecimiento."
                    )
                )
            if not in_network(people.get(group.values["observer_id"]), network_id):
                errors.append(
                    transfer.RowError(group.first_row, "observer_id", "La persona observadora no existe en esta red.")
                )
    if errors:
        errors.sort(key=lambda e: (e.row, transfer.COLUMNS.index(e.field) if e.field in transfer.COLUMNS else 99))
        raise ProblemError(
            422,
            "import_rejected",
            f"La importación tiene {len(errors)} error(es); no se guardó nada.",
            errors=[e.as_dict() for e in errors],
        )
    created: list[uuid.UUID] = []
    if not dry_run and to_create:
        created = await run_in_threadpool(transfer.apply_import, session, to_create, principal.account_id)
    return ImportResult(
        dry_run=dry_run,
        rows=len(rows),
        observations=len(groups),
        created=len(to_create),
        unchanged=unchanged,
        observation_ids=created if not dry_run else [g.id for g in to_create],
    )
