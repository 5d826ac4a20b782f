"""``/api/v1/instruments``: observation instruments as data."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from mejora_common.auth import CurrentPrincipal
from mejora_common.pagination import Page, Pagination

from ..db import DbSession
from ..schemas import InstrumentBody, InstrumentCreate, InstrumentRead
from ..service import instruments
from .preconditions import ETAG_HEADER, PRECONDITIONS, IfMatch, set_etag, with_etag

router = APIRouter(prefix="/api/v1/instruments", tags=["instrumentos"])


@router.get(
    "",
    response_model=Page[InstrumentRead],
    summary="Instrumentos disponibles",
    description=(
        "Los instrumentos incluidos (estructura CLASS® y pauta de visita entre escuelas) y los propios de las redes "
        "de quien consulta. Por omisión, solo la versión más reciente de cada código. CLASS® es una marca registrada "
        "de Teachstone; su uso requiere licencia y observadores certificados."
    ),
)
def list_instruments(
    *,
    session: DbSession,
    principal: CurrentPrincipal,
    page: Pagination,
    network_id: uuid.UUID | None = None,
    code: str | None = None,
    all_versions: Annotated[bool, Query(description="Incluir versiones anteriores")] = False,
) -> Page[InstrumentRead]:
    items, total = instruments.list_instruments(
        session,
        principal,
        network_id=network_id,
        code=code,
        include_old_versions=all_versions,
        limit=page.limit,
        offset=page.offset,
    )
    return Page.of(items, total, page)


@router.post(
    "",
    response_model=InstrumentRead,
    status_code=201,
    summary="Crear un instrumento propio (coordinación)",
    description="Acepta `Idempotency-Key`: un reintento con la misma clave y el mismo cuerpo no crea otro.",
    responses={201: {"description": "Creado", "model": InstrumentRead, "headers": ETAG_HEADER}},
)
def create_instrument(
    body: InstrumentCreate, session: DbSession, principal: CurrentPrincipal, response: Response
) -> InstrumentRead:
    created = instruments.create_instrument(session, principal, body)
    response.headers["Location"] = f"/api/v1/instruments/{created.id}"
    set_etag(response, created.revision)
    return created


@router.get(
    "/{instrument_id}", response_model=InstrumentRead, summary="Un instrumento", responses=with_etag(InstrumentRead)
)
def get_instrument(
    instrument_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, response: Response
) -> InstrumentRead:
    result = instruments.get_instrument(session, principal, instrument_id)
    set_etag(response, result.revision)
    return result


@router.put(
    "/{instrument_id}",
    response_model=InstrumentRead,
    summary="Editar un instrumento propio (coordinación; requiere If-Match)",
    description=(
        "Exige `If-Match` con el ETag leído (428 sin él, 412 si otra persona lo cambió). Si ninguna observación usa "
        "esta versión, se modifica (200). Si ya se usó, no se toca: se crea la versión siguiente con el mismo código "
        "(201, `Location` y `ETag` de la nueva). Enviar exactamente lo guardado no cambia nada (200). Solo se edita "
        "la versión más reciente; los instrumentos incluidos no se editan."
    ),
    responses={
        **with_etag(InstrumentRead, "Modificado (o sin cambios)"),
        201: {"description": "Se creó una nueva versión", "model": InstrumentRead, "headers": ETAG_HEADER},
        **PRECONDITIONS,
    },
)
def update_instrument(
    *,
    instrument_id: uuid.UUID,
    body: InstrumentBody,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> InstrumentRead:
    result, created = instruments.update_instrument(session, principal, instrument_id, body, if_match)
    if created:
        response.status_code = 201
        response.headers["Location"] = f"/api/v1/instruments/{result.id}"
    set_etag(response, result.revision)
    return result
