"""Who saw a teacher's data: ``GET /api/v1/me/access-log`` (the teacher) and ``GET /api/v1/observations:access-log``
(the network's coordinators). Read only: the log has no endpoint that changes or deletes an entry."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from mejora_common.auth import CurrentPrincipal
from mejora_common.errors import invalid
from mejora_common.pagination import Page, Pagination

from ..db import DbSession
from ..schemas.view_log import ViewLogEntryRead
from ..service import view_log
from ..service.access import require_coordinator

router = APIRouter(tags=["registro de accesos"])

WHAT = (
    " Se registra cada vez que alguien que no es la docente ve una observación suya, sus puntajes, sus "
    "correcciones, su devolución (en cualquier formato) o su trayectoria, o una lista o exportación con filas "
    "suyas: quién, con qué rol, qué, cuándo y por dónde (web, una integración, o el servicio de reportes en nombre "
    "de una persona). No se registran las consultas de la propia docente ni el cálculo de agregados. Más recientes "
    "primero. El registro no se modifica ni se borra por la API; se conserva los días que indica "
    "`MEJORA_VIEW_LOG_RETENTION_DAYS`."
)


def _dates(viewed_from: date | None, viewed_to: date | None) -> None:
    if viewed_from is not None and viewed_to is not None and viewed_from > viewed_to:
        raise invalid("viewed_from", "La fecha inicial no puede ser posterior a la final.")


@router.get(
    "/api/v1/me/access-log",
    response_model=Page[ViewLogEntryRead],
    summary="Quién vio mis datos",
    description="Las veces en que otras personas vieron datos individuales de quien consulta." + WHAT,
)
def my_access_log(
    *,
    session: DbSession,
    principal: CurrentPrincipal,
    page: Pagination,
    viewed_from: Annotated[date | None, Query(description="Desde este día (UTC, incluido)")] = None,
    viewed_to: Annotated[date | None, Query(description="Hasta este día (UTC, incluido)")] = None,
) -> Page[ViewLogEntryRead]:
    _dates(viewed_from, viewed_to)
    people = sorted({m.person_id for m in principal.memberships})
    filters = view_log.LogFilters(teacher_ids=people, viewed_from=viewed_from, viewed_to=viewed_to)
    items, total = view_log.read_entries(session, filters, page.limit, page.offset)
    return Page.of(items, total, page)


@router.get(
    "/api/v1/observations:access-log",
    response_model=Page[ViewLogEntryRead],
    summary="Registro de accesos a datos individuales de la red (coordinación)",
    description="Solo la coordinación de la red; filtrable por docente y por fechas." + WHAT,
    responses={
        403: {"description": "Solo la coordinación de la red"},
        404: {"description": "La red no existe o no eres miembro"},
    },
)
def network_access_log(
    *,
    session: DbSession,
    principal: CurrentPrincipal,
    page: Pagination,
    network_id: uuid.UUID,
    teacher_id: Annotated[uuid.UUID | None, Query(description="Solo los accesos a datos de esta docente")] = None,
    viewed_from: Annotated[date | None, Query(description="Desde este día (UTC, incluido)")] = None,
    viewed_to: Annotated[date | None, Query(description="Hasta este día (UTC, incluido)")] = None,
) -> Page[ViewLogEntryRead]:
    require_coordinator(principal, network_id, "read the access log")
    _dates(viewed_from, viewed_to)
    filters = view_log.LogFilters(
        teacher_ids=[teacher_id] if teacher_id else None,
        network_id=network_id,
        viewed_from=viewed_from,
        viewed_to=viewed_to,
    )
    items, total = view_log.read_entries(session, filters, page.limit, page.offset)
    return Page.of(items, total, page)
