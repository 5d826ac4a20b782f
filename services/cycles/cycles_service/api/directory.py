"""Directory: ``/networks/{id}/schools``, ``/schools/{id}``, ``/networks/{id}/people``, ``/people/{id}``, roster import.

Rules: see :mod:`cycles_service.domain.access` (coordinators manage; every member and sibling services read;
integration clients read with ``directory:read``, without RUNs, and import the roster with ``roster:import``).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from mejora_common.auth import CurrentPrincipal, accepts_integrations
from mejora_common.pagination import Page, Pagination

from ..db import DbSession
from ..domain.access import DIRECTORY_READ, ROSTER_IMPORT
from ..schemas.directory import (
    PersonCreate,
    PersonRead,
    PersonUpdate,
    RoleCode,
    RosterReport,
    SchoolCreate,
    SchoolRead,
    SchoolUpdate,
)
from ..service import directory
from ..service.access import actor_for
from ..service.networks import require_network
from .uploads import read_upload
from .versions import IfMatch, guarded, set_etag, tagged

router = APIRouter(prefix="/api/v1", tags=["directorio"])


@router.get("/networks/{network_id}/schools", response_model=Page[SchoolRead], summary="Establecimientos de la red")
@accepts_integrations
def list_schools(
    network_id: uuid.UUID,
    *,
    session: DbSession,
    principal: CurrentPrincipal,
    page: Pagination,
    q: Annotated[str | None, Query(max_length=100, description="Busca en el nombre")] = None,
    commune: Annotated[str | None, Query(max_length=100)] = None,
) -> Page[SchoolRead]:
    actor_for(principal, network_id, scope=DIRECTORY_READ)
    require_network(session, network_id)
    items, total = directory.list_schools(
        session, network_id, q=q, commune=commune, limit=page.limit, offset=page.offset
    )
    return Page.of(items, total, page)


@router.post(
    "/networks/{network_id}/schools",
    response_model=SchoolRead,
    status_code=201,
    responses=tagged(201),
    summary="Agregar un establecimiento",
)
def create_school(
    network_id: uuid.UUID, body: SchoolCreate, session: DbSession, principal: CurrentPrincipal, response: Response
) -> SchoolRead:
    actor = actor_for(principal, network_id)
    school, created = directory.create_school(session, actor, body)
    if not created:
        response.status_code = 200
    set_etag(response, school.version)
    return school


@router.get("/schools/{school_id}", response_model=SchoolRead, responses=tagged(), summary="Un establecimiento")
@accepts_integrations
def get_school(school_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, response: Response) -> SchoolRead:
    school = directory.get_school(session, school_id)
    actor_for(principal, school.network_id, "El establecimiento", scope=DIRECTORY_READ)
    set_etag(response, school.version)
    return directory.school_read(school)


@router.patch(
    "/schools/{school_id}", response_model=SchoolRead, responses=guarded(), summary="Editar un establecimiento"
)
def update_school(
    school_id: uuid.UUID,
    body: SchoolUpdate,
    *,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> SchoolRead:
    school = directory.get_school(session, school_id)
    actor = actor_for(principal, school.network_id, "El establecimiento")
    updated = directory.update_school(session, actor, school, body, if_match)
    set_etag(response, updated.version)
    return updated


@router.delete(
    "/schools/{school_id}",
    status_code=204,
    responses=guarded(204),
    summary="Eliminar un establecimiento sin datos asociados (If-Match)",
)
def delete_school(
    school_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, if_match: IfMatch = None
) -> Response:
    school = directory.get_school(session, school_id)
    actor = actor_for(principal, school.network_id, "El establecimiento")
    directory.delete_school(session, actor, school, if_match)
    return Response(status_code=204)


@router.get("/networks/{network_id}/people", response_model=Page[PersonRead], summary="Personas de la red")
@accepts_integrations
def list_people(
    network_id: uuid.UUID,
    *,
    session: DbSession,
    principal: CurrentPrincipal,
    page: Pagination,
    role: RoleCode | None = None,
    school_id: uuid.UUID | None = None,
    q: Annotated[str | None, Query(max_length=100, description="Busca en nombre y correo")] = None,
) -> Page[PersonRead]:
    actor = actor_for(principal, network_id, scope=DIRECTORY_READ)
    require_network(session, network_id)
    items, total = directory.list_people(
        session, actor, role=role, school_id=school_id, q=q, limit=page.limit, offset=page.offset
    )
    return Page.of(items, total, page)


@router.post(
    "/networks/{network_id}/people",
    response_model=PersonRead,
    status_code=201,
    responses=tagged(201),
    summary="Agregar una persona",
)
def create_person(
    network_id: uuid.UUID, body: PersonCreate, session: DbSession, principal: CurrentPrincipal, response: Response
) -> PersonRead:
    actor = actor_for(principal, network_id)
    person, created = directory.create_person(session, actor, body)
    if not created:
        response.status_code = 200
    set_etag(response, person.version)
    return person


@router.get("/people/{person_id}", response_model=PersonRead, responses=tagged(), summary="Una persona")
@accepts_integrations
def get_person(person_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, response: Response) -> PersonRead:
    person = directory.get_person(session, person_id)
    actor = actor_for(principal, person.network_id, "La persona", scope=DIRECTORY_READ)
    set_etag(response, person.version)
    return directory.person_read(person, actor)


@router.patch("/people/{person_id}", response_model=PersonRead, responses=guarded(), summary="Editar una persona")
def update_person(
    person_id: uuid.UUID,
    body: PersonUpdate,
    *,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> PersonRead:
    person = directory.get_person(session, person_id)
    actor = actor_for(principal, person.network_id, "La persona")
    updated = directory.update_person(session, actor, person, body, if_match)
    set_etag(response, updated.version)
    return updated


@router.post(
    "/networks/{network_id}/roster:import",
    response_model=RosterReport,
    summary="Importar la nómina (CSV de establecimientos y personas); todo o nada",
    description=(
        "CSV con columnas `rbd;establecimiento;comuna;run;nombre;email;rol;niveles` (UTF-8 o Latin-1, `;` o `,`), "
        "como cuerpo `text/csv` o en el campo `file` de un formulario multipart. Con `dry_run=true` informa lo que "
        "cambiaría sin escribir. Si alguna fila es inválida responde 422 con todos los errores por línea y columna "
        "y no escribe nada."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
                },
            },
        }
    },
)
@accepts_integrations
async def import_roster(
    network_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CurrentPrincipal,
    dry_run: bool = False,
) -> RosterReport:
    actor = actor_for(principal, network_id, scope=ROSTER_IMPORT)
    directory.authorize_roster_import(session, actor, principal.account_id)
    data = await read_upload(request)
    return directory.import_roster(session, network_id, data, dry_run)
