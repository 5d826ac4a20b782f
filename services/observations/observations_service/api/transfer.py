"""``/api/v1/observations:export`` and ``:import``: the long format for SLEP systems and researchers."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from mejora_common.auth import CurrentPrincipal, bearer_token

from ..db import DbSession
from ..domain import transfer as long_format
from ..schemas import ImportResult
from ..service import transfer
from ..service.access import require_coordinator

router = APIRouter(tags=["observaciones"])

FORMAT_DOC = long_format.__doc__ or ""
ROW_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {name: {"type": ["string", "integer", "null"]} for name in long_format.COLUMNS},
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
    rows = transfer.export_observations(session, principal, network_id, wave=wave, include_drafts=include_drafts)
    suffix = f"-{wave}" if wave else ""
    if format == "json":
        return JSONResponse(rows)
    return Response(
        long_format.to_csv(rows),
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
    return await transfer.import_observations(
        session,
        principal,
        network_id,
        raw=await request.body(),
        content_type=request.headers.get("content-type", ""),
        dry_run=dry_run,
        cycles_client=request.app.state.cycles,
        token=bearer_token(request),
    )
