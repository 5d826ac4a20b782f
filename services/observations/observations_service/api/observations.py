"""``/api/v1/observations``: classroom observations (offline-safe PUT), submit, amendments, scores."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from mejora_common.auth import CurrentPrincipal, bearer_token
from mejora_common.pagination import MAX_OFFSET, Cursor, CursorPage, Page, Pagination, keyset_cursor

from ..db import DbSession
from ..schemas import (
    AmendmentCreate,
    AmendmentRead,
    ObservationRead,
    ObservationScoresRow,
    ObservationWrite,
    ScoresRead,
    Status,
)
from ..schemas.aggregates import NetworkAggregate
from ..service import aggregates, amendments, drafts, observations, scores
from ..service.access import require_coordinator
from ..service.scores import SCORES_RULE
from .preconditions import ETAG_HEADER, PRECONDITIONS, IfMatch, IfNoneMatch, set_etag, with_etag

router = APIRouter(prefix="/api/v1/observations", tags=["observaciones"])
actions = APIRouter(tags=["observaciones"])

CURSOR_MODE = (
    " Paginación por cursor, para recorrer listas largas: `cursor=` (vacío) pide la primera página y cambia la "
    "respuesta a `{items, next_cursor, limit}` (sin `total` ni `offset`), en orden ascendente por fecha de "
    "observación e id; `next_cursor` se envía como `cursor` para la página siguiente y es `null` en la última. "
    "Una fila agregada después del cursor aparece en una página siguiente, nunca dos veces. Sin `cursor`, la "
    "respuesta es la página de siempre (`limit`/`offset`). Un cursor que no vino de aquí es 422 en `cursor`; "
    "`offset` no se combina con `cursor` (422)."
)
PRIVACY = (
    " Privacidad: una observación individual la ven la persona observada (ya enviada), quien observó y la "
    "coordinación de la red; para cualquier otra persona no existe (404)."
)


@router.get(
    "",
    response_model=Page[ObservationRead],
    summary="Observaciones que quien consulta puede ver",
    description="Filtros opcionales; sin `network_id`, todas las redes de quien consulta." + PRIVACY + CURSOR_MODE,
)
def list_observations(
    *,
    session: DbSession,
    principal: CurrentPrincipal,
    page: Pagination,
    cursor: Cursor = None,
    network_id: uuid.UUID | None = None,
    school_id: uuid.UUID | None = None,
    teacher_id: uuid.UUID | None = None,
    observer_id: uuid.UUID | None = None,
    instrument_id: uuid.UUID | None = None,
    wave: str | None = None,
    status: Status | None = None,
    observed_from: Annotated[date | None, Query(description="Desde esta fecha (incluida)")] = None,
    observed_to: Annotated[date | None, Query(description="Hasta esta fecha (incluida)")] = None,
    double_coding: Annotated[
        bool | None, Query(description="true: solo segundas codificaciones; false: solo originales")
    ] = None,
) -> Any:
    filters = observations.ObservationFilters(
        network_id=network_id,
        school_id=school_id,
        teacher_id=teacher_id,
        observer_id=observer_id,
        instrument_id=instrument_id,
        wave=wave,
        status=status,
        observed_from=observed_from,
        observed_to=observed_to,
        double_coding=double_coding,
    )
    if cursor is not None:
        after = keyset_cursor(cursor, page.offset)
        rows, next_cursor = observations.list_observations_after(session, principal, filters, after, page.limit)
        keyset = CursorPage[ObservationRead](items=rows, next_cursor=next_cursor, limit=page.limit)
        return JSONResponse(keyset.model_dump(mode="json"))
    items, total = observations.list_observations(session, principal, filters, page.limit, page.offset)
    return Page.of(items, total, page)


@actions.get(
    "/api/v1/observations:scores",
    response_model=Page[ObservationScoresRow],
    summary="Puntajes por observación y dimensión, para agregar (servicio de reportes y coordinación)",
    description=(
        "Una fila por observación ENVIADA de la red (y ola), con la media y el valor ajustado de cada dimensión y "
        "la media de cada dominio, SIN redondear (para agregar). Por omisión excluye las segundas codificaciones "
        "(no son otra aula). Pensado para el servicio de reportes (token de servicio); también lo usa la "
        "coordinación. `limit` hasta 5000. " + SCORES_RULE + CURSOR_MODE
    ),
)
def observation_scores(
    *,
    session: DbSession,
    principal: CurrentPrincipal,
    network_id: uuid.UUID,
    wave: str | None = None,
    instrument_id: uuid.UUID | None = None,
    include_double_coding: bool = False,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    cursor: Cursor = None,
) -> Any:
    require_coordinator(principal, network_id, "read")
    if cursor is not None:
        keyset = scores.network_scores_after(
            session,
            principal,
            network_id,
            wave=wave,
            instrument_id=instrument_id,
            include_double_coding=include_double_coding,
            cursor=keyset_cursor(cursor, offset),
            limit=limit,
        )
        return JSONResponse(keyset)
    page = scores.network_scores(
        session,
        principal,
        network_id,
        wave=wave,
        instrument_id=instrument_id,
        include_double_coding=include_double_coding,
        limit=limit,
        offset=offset,
    )
    # Built as JSON directly (thousands of rows; the shape is ``Page[ObservationScoresRow]``, or ``CursorPage``).
    return JSONResponse(page)


@actions.get(
    "/api/v1/observations:aggregate",
    response_model=NetworkAggregate,
    summary="Puntajes guardados de una ola, compactos y agregados en SQL (servicio de reportes)",
    description=(
        "Los puntajes guardados al enviar o enmendar cada observación ENVIADA de la red (y ola): `observations`, "
        "una lista compacta (arreglos con las columnas de `observation_columns`: id y versión —las unidades que "
        "congela una publicación—, establecimiento, docente, nivel, fecha, instrumento, medias y ajustados de las "
        "dimensiones y medias de los dominios, en el orden del instrumento), y `groups`, sumas por establecimiento, "
        "nivel, instrumento e ítem calculadas en SQL sobre la última observación de cada aula (docente en un nivel). "
        "Por omisión excluye las segundas codificaciones. Sin redondear. " + SCORES_RULE
    ),
)
def observation_aggregate(
    *,
    session: DbSession,
    principal: CurrentPrincipal,
    network_id: uuid.UUID,
    wave: str | None = None,
    include_double_coding: bool = False,
    include_groups: Annotated[bool, Query(description="`false`: sin `groups` (solo la lista compacta)")] = True,
) -> Any:
    require_coordinator(principal, network_id, "read")
    answer = aggregates.network_aggregate(
        session,
        principal,
        network_id,
        wave=wave,
        include_double_coding=include_double_coding,
        include_groups=include_groups,
    )
    # Built as JSON directly (many rows; the shape is ``NetworkAggregate``).
    return JSONResponse(answer)


@router.put(
    "/{observation_id}",
    response_model=ObservationRead,
    summary="Crear o reemplazar un borrador (idempotente, id elegido por el cliente)",
    description=(
        "El cliente elige el UUID (la tableta lo crea sin conexión). Crear: sin If-Match (o con "
        "`If-None-Match: *`), 201. Reemplazar un borrador existente exige `If-Match` con el ETag leído (428 sin él, "
        "412 si otra persona lo cambió: no se guarda nada). Reenviar exactamente lo guardado es un reintento: 200 "
        "sin cambios, cualquiera sea su If-Match (una tableta que perdió la respuesta reenvía sin riesgo). Un "
        "borrador puede estar incompleto, pero cada puntaje enviado debe ser un entero de la escala del "
        "instrumento. La red, el establecimiento y las personas se verifican en el servicio de ciclos (422 si no "
        "existen; 503 si ese servicio no responde, y no se guarda nada). Una observación enviada no se modifica "
        "(409), salvo que se reenvíe exactamente lo mismo (200)."
    ),
    responses={
        **with_etag(ObservationRead, "Reemplazada, o el mismo contenido ya guardado (reintento)"),
        201: {"description": "Creada", "model": ObservationRead, "headers": ETAG_HEADER},
        **PRECONDITIONS,
    },
)
async def put_observation(
    *,
    observation_id: uuid.UUID,
    body: ObservationWrite,
    request: Request,
    response: Response,
    session: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch = None,
    if_none_match: IfNoneMatch = None,
) -> ObservationRead:
    result, created = await drafts.put_observation(
        session,
        principal,
        observation_id,
        body,
        conditions=drafts.Preconditions(if_match=if_match, if_none_match=if_none_match),
        cycles_client=request.app.state.cycles,
        token=bearer_token(request),
    )
    if created:
        response.status_code = 201
        response.headers["Location"] = f"/api/v1/observations/{observation_id}"
    set_etag(response, result.revision)
    return result


@router.get(
    "/{observation_id}",
    response_model=ObservationRead,
    summary="Una observación",
    description=PRIVACY,
    responses=with_etag(ObservationRead),
)
def get_observation(
    observation_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, response: Response
) -> ObservationRead:
    result = observations.get_observation(session, principal, observation_id)
    set_etag(response, result.revision)
    return result


@router.post(
    "/{observation_id}/submit",
    response_model=ObservationRead,
    summary="Enviar (cerrar) una observación completa (requiere If-Match)",
    description=(
        "Exige `If-Match` con el ETag leído (428 sin él; 412 si cambió, con `status` y `current_version` en el "
        "problema: si `status` es `submitted`, ya fue enviada). Verifica que esté completa: al menos el mínimo de "
        "ciclos del instrumento, cada dimensión puntuada en cada ciclo con un entero de la escala. Si falta algo "
        "responde 422 con `errors` listando cada pendiente (`field` p. ej. `cycles[1].scores.QF`). Enviada, ya no "
        "cambia (ver enmiendas). Enviar de nuevo con el ETag actual no hace nada (200)."
    ),
    responses={**with_etag(ObservationRead), **PRECONDITIONS},
)
def submit_observation(
    observation_id: uuid.UUID,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> ObservationRead:
    result = drafts.submit_observation(session, principal, observation_id, if_match)
    set_etag(response, result.revision)
    return result


@router.get(
    "/{observation_id}/scores",
    response_model=ScoresRead,
    summary="Puntajes por dimensión y dominio",
    description=SCORES_RULE + " En un borrador, cada media es sobre los ciclos que puntuaron la dimensión." + PRIVACY,
)
def get_scores(
    observation_id: uuid.UUID,
    session: DbSession,
    principal: CurrentPrincipal,
    rounded: Annotated[bool, Query(description="false: valores exactos, sin redondear")] = True,
) -> ScoresRead:
    return scores.get_scores(session, principal, observation_id, rounded=rounded)


@router.get(
    "/{observation_id}/amendments",
    response_model=list[AmendmentRead],
    summary="Correcciones de una observación enviada (historial)",
)
def list_amendments(observation_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal) -> list[AmendmentRead]:
    return amendments.list_amendments(session, principal, observation_id)


@router.post(
    "/{observation_id}/amendments",
    response_model=AmendmentRead,
    status_code=201,
    summary="Corregir una observación enviada, con motivo",
    description=(
        "Cambia solo los campos enviados (`level`, `observed_on`, `mode`, `cycles`, `evidence`) y guarda en la "
        "enmienda los valores anteriores y nuevos: el original no se pierde. Los ciclos corregidos deben quedar "
        "completos. Cambia la observación, así que exige `If-Match` con el ETag de la observación (428 sin él, 412 "
        "si cambió). Con un `id` elegido por el cliente, un reintento devuelve la misma enmienda (200) cualquiera "
        "sea su If-Match; también acepta `Idempotency-Key`."
    ),
    responses={200: {"description": "Ya registrada (reintento)", "model": AmendmentRead}, **PRECONDITIONS},
)
def create_amendment(
    *,
    observation_id: uuid.UUID,
    body: AmendmentCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> AmendmentRead:
    amendment, created = amendments.amend(session, principal, observation_id, body, if_match)
    if not created:
        response.status_code = 200
    return amendment
