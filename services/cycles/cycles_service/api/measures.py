"""Measures: ``/networks/{id}/measures``, ``/measures/{id}``, ``/measures/{id}/points`` and ``points:import``.

Coordinators and facilitators define measures and record data; leaders record their school's data; every
member and sibling services read (:mod:`cycles_service.domain.access`). The run chart lives in the reports service.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from mejora_common.auth import CurrentPrincipal
from mejora_common.pagination import Cursor, CursorPage, Page, Pagination, keyset_cursor

from ..db import DbSession
from ..schemas.measures import (
    MeasureCreate,
    MeasureKind,
    MeasureRead,
    MeasureUpdate,
    PointChangeRead,
    PointEdit,
    PointImportResult,
    PointIn,
    PointRead,
)
from ..service import measures, point_edits, point_history, point_import
from ..service.access import actor_for
from ..service.networks import require_network
from .uploads import read_upload
from .versions import IfMatch, OptionalIfMatch, guarded, set_etag, tagged

router = APIRouter(prefix="/api/v1", tags=["medidas"])

POINTS_DESCRIPTION = (
    "Ordenados por período (y establecimiento). Paginación por cursor, para series largas: `cursor=` (vacío) pide "
    "la primera página y cambia la respuesta a `{items, next_cursor, limit}` (sin `total` ni `offset`); "
    "`next_cursor` se envía como `cursor` para la página siguiente y es `null` en la última. Un dato agregado "
    "después del cursor aparece en una página siguiente, nunca dos veces. Sin `cursor`, la respuesta es la página "
    "de siempre (`limit`/`offset`). Un cursor que no vino de aquí es 422 en `cursor`; `offset` no se combina con "
    "`cursor` (422)."
)


@router.get("/networks/{network_id}/measures", response_model=Page[MeasureRead], summary="Medidas de la red")
def list_measures(
    network_id: uuid.UUID,
    session: DbSession,
    principal: CurrentPrincipal,
    page: Pagination,
    kind: MeasureKind | None = None,
) -> Page[MeasureRead]:
    actor_for(principal, network_id)
    require_network(session, network_id)
    items, total = measures.list_measures(session, network_id, kind, page.limit, page.offset)
    return Page.of(items, total, page)


@router.post(
    "/networks/{network_id}/measures",
    response_model=MeasureRead,
    status_code=201,
    responses=tagged(201),
    summary="Definir una medida",
)
def create_measure(
    network_id: uuid.UUID, body: MeasureCreate, session: DbSession, principal: CurrentPrincipal, response: Response
) -> MeasureRead:
    actor = actor_for(principal, network_id)
    measure, created = measures.create_measure(session, actor, body)
    if not created:
        response.status_code = 200
    set_etag(response, measure.version)
    return measures.measure_read(session, measure)


@router.get("/measures/{measure_id}", response_model=MeasureRead, responses=tagged(), summary="Una medida")
def get_measure(
    measure_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, response: Response
) -> MeasureRead:
    measure = measures.get_measure(session, measure_id)
    actor_for(principal, measure.network_id, "La medida")
    set_etag(response, measure.version)
    return measures.measure_read(session, measure)


@router.patch("/measures/{measure_id}", response_model=MeasureRead, responses=guarded(), summary="Editar una medida")
def update_measure(
    measure_id: uuid.UUID,
    body: MeasureUpdate,
    *,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> MeasureRead:
    measure = measures.get_measure(session, measure_id)
    actor = actor_for(principal, measure.network_id, "La medida")
    updated = measures.update_measure(session, actor, measure, body, if_match)
    set_etag(response, updated.version)
    return measures.measure_read(session, updated)


@router.get(
    "/measures/{measure_id}/points",
    response_model=Page[PointRead],
    summary="Datos de una medida, por período",
    description=POINTS_DESCRIPTION,
)
def list_points(
    measure_id: uuid.UUID,
    session: DbSession,
    principal: CurrentPrincipal,
    page: Pagination,
    *,
    cursor: Cursor = None,
    school_id: uuid.UUID | None = None,
    network_only: Annotated[bool, Query(description="Solo los datos de toda la red (sin establecimiento)")] = False,
    since: Annotated[date | None, Query(alias="from")] = None,
    until: Annotated[date | None, Query(alias="to")] = None,
) -> Any:
    measure = measures.get_measure(session, measure_id)
    actor_for(principal, measure.network_id, "La medida")
    if cursor is not None:
        points, next_cursor = measures.list_points_after(
            session,
            measure,
            school_id=school_id,
            network_only=network_only,
            since=since,
            until=until,
            cursor=keyset_cursor(cursor, page.offset),
            limit=page.limit,
        )
        keyset = CursorPage[PointRead](items=points, next_cursor=next_cursor, limit=page.limit)
        return JSONResponse(keyset.model_dump(mode="json"))
    items, total = measures.list_points(
        session,
        measure,
        school_id=school_id,
        network_only=network_only,
        since=since,
        until=until,
        limit=page.limit,
        offset=page.offset,
    )
    return Page.of(items, total, page)


@router.post(
    "/measures/{measure_id}/points",
    response_model=PointRead,
    status_code=201,
    responses={
        **tagged(201),
        **tagged(200),
        409: {"description": "El período ya tiene un dato: se muestra en `current`"},
        412: guarded()[412],
    },
    summary="Registrar un dato (un período que ya tiene dato se reemplaza solo con If-Match)",
    description=(
        "Un período que ya tiene un dato del mismo establecimiento responde **409 `point_exists`** con el valor "
        "actual (`current`) y su ETag: para reemplazarlo, se confirma reenviando con `If-Match` (412 si cambió "
        "entretanto). Cada alta, reemplazo, edición o eliminación queda en el historial (`points/history`)."
    ),
)
def record_point(
    measure_id: uuid.UUID,
    body: PointIn,
    *,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
    if_match: OptionalIfMatch = None,
) -> PointRead:
    measure = measures.get_measure(session, measure_id)
    actor = actor_for(principal, measure.network_id, "La medida")
    point, created = measures.record_point(session, actor, measure, body, if_match)
    if not created:
        response.status_code = 200
    set_etag(response, point.version)
    return point


@router.post(
    "/measures/{measure_id}/points:import",
    response_model=PointImportResult,
    summary="Importar datos (lista JSON o CSV); todo o nada",
    description=(
        "Una lista JSON de puntos, o un CSV (`text/csv` o campo `file` multipart) con columnas "
        "`periodo;valor;numerador;denominador;rbd;nota`. Si algún dato es inválido no se importa nada; un período "
        "repetido del mismo establecimiento reemplaza el dato anterior."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/PointIn"}}},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
async def import_points(
    measure_id: uuid.UUID, request: Request, session: DbSession, principal: CurrentPrincipal
) -> PointImportResult:
    measure = measures.get_measure(session, measure_id)
    actor = actor_for(principal, measure.network_id, "La medida")
    point_import.authorize_points_import(actor)
    data = await read_upload(request)
    return point_import.import_points(session, actor, measure, data, request.headers.get("content-type", "").lower())


@router.patch(
    "/measures/{measure_id}/points/{point_id}",
    response_model=PointRead,
    responses=guarded(),
    summary="Editar un dato (If-Match; queda en el historial)",
)
def edit_point(
    measure_id: uuid.UUID,
    point_id: uuid.UUID,
    body: PointEdit,
    *,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> PointRead:
    measure = measures.get_measure(session, measure_id)
    actor = actor_for(principal, measure.network_id, "La medida")
    point = point_edits.get_point(session, measure, point_id)
    updated = point_edits.edit_point(session, actor, measure, point, body, if_match=if_match)
    set_etag(response, updated.version)
    return updated


@router.delete(
    "/measures/{measure_id}/points/{point_id}",
    status_code=204,
    responses=guarded(204),
    summary="Eliminar un dato (If-Match; queda en el historial)",
)
def delete_point(
    measure_id: uuid.UUID,
    point_id: uuid.UUID,
    session: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch = None,
) -> Response:
    measure = measures.get_measure(session, measure_id)
    actor = actor_for(principal, measure.network_id, "La medida")
    point = point_edits.get_point(session, measure, point_id)
    point_edits.delete_point(session, actor, point, if_match)
    return Response(status_code=204)


@router.get(
    "/measures/{measure_id}/points/history",
    response_model=Page[PointChangeRead],
    summary="Historial de los datos: quién registró, reemplazó, editó o eliminó qué valor",
)
def points_history(
    measure_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, page: Pagination
) -> Page[PointChangeRead]:
    measure = measures.get_measure(session, measure_id)
    actor_for(principal, measure.network_id, "La medida")
    items, total = point_history.list_history(session, measure, page.limit, page.offset)
    return Page.of(items, total, page)
