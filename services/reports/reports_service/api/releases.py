"""Releases of a wave's network results (``/api/v1/reports/networks/{id}/waves/{wave}/releases``)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Response

from mejora_common.auth import CurrentPrincipal
from mejora_common.db import DbSession
from mejora_common.pagination import Page, Pagination

from ..schemas.releases import ReleaseOut
from ..service.releases import get_release, list_releases, publish_release
from .deps import SIBLING_REPORT_503, CancellationDep, SettingsDep, SiblingsDep
from .results import WAVE_PATTERN

router = APIRouter(prefix="/api/v1/reports/networks", tags=["resultados de la red"])

Wave = Annotated[str, Path(pattern=WAVE_PATTERN, description="Medición, p. ej. 2024-2")]

PUBLISH_DESCRIPTION = """
Congela las observaciones enviadas de la ola (cada una con su versión, el establecimiento y nivel de su aula y sus
puntajes) y guarda las cifras que verán todas las personas de la red salvo la coordinación: la red, cada nivel, cada
establecimiento y la comparación pareada con las otras olas publicadas. Solo la coordinación de la red publica.

Antes de guardar, el control de divulgación mira todo lo publicado de la ola (y las comparaciones de otras olas con
ella) como un sistema de ecuaciones: un grupo cuyo valor nuevo permitiría deducir los puntajes de menos de k aulas
sigue mostrando su valor anterior («según la publicación N») o queda suprimido; `held` dice cuáles y por qué.
Se rechaza (409 `nothing_new_to_publish`, con `findings`) una publicación que no cambiaría ninguna cifra, y
(422 `too_few_classrooms`) una primera publicación con menos de k aulas. Acepta `Idempotency-Key`.
"""


@router.post(
    "/{network_id}/waves/{wave}/releases",
    response_model=ReleaseOut,
    status_code=201,
    summary="Publicar los resultados de una ola",
    description=PUBLISH_DESCRIPTION,
    responses={
        403: {"description": "Solo la coordinación publica (`coordinators_only`)"},
        404: {"description": "La red no existe o no eres miembro"},
        409: {"description": "Nada nuevo que publicar sin revelar aulas, o publicación simultánea; ver `findings`"},
        422: {"description": "La ola no tiene observaciones o tiene menos de k aulas"},
        503: SIBLING_REPORT_503,
    },
)
async def publish(
    network_id: uuid.UUID,
    wave: Wave,
    *,
    response: Response,
    principal: CurrentPrincipal,
    session: DbSession,
    siblings: SiblingsDep,
    settings: SettingsDep,
    cancel: CancellationDep,
) -> ReleaseOut:
    release = await publish_release(
        session, siblings, principal, network_id, wave, k=settings.min_group_size, cancel=cancel
    )
    response.headers["Location"] = f"/api/v1/reports/networks/{network_id}/waves/{wave}/releases/{release.number}"
    return release


@router.get(
    "/{network_id}/waves/{wave}/releases",
    response_model=Page[ReleaseOut],
    summary="Publicaciones de resultados de una ola",
    description="La más reciente primero. Toda persona de la red ve número, fecha y quién publicó; la coordinación "
    "ve además cuántas observaciones incluye y qué grupos no pudieron actualizarse (`held`).",
    responses={404: {"description": "La red no existe o no eres miembro"}},
)
def releases(
    network_id: uuid.UUID, wave: Wave, principal: CurrentPrincipal, session: DbSession, page: Pagination
) -> Page[ReleaseOut]:
    return list_releases(session, principal, network_id, wave, page)


@router.get(
    "/{network_id}/waves/{wave}/releases/{number}",
    response_model=ReleaseOut,
    summary="Una publicación de resultados",
    description="Sus cifras se leen en `GET …/results?wave=<ola>&release=<número>`.",
    responses={404: {"description": "La red o la publicación no existen, o no eres miembro"}},
)
def release(
    network_id: uuid.UUID,
    wave: Wave,
    number: Annotated[int, Path(ge=1, le=1_000_000)],
    principal: CurrentPrincipal,
    session: DbSession,
) -> ReleaseOut:
    return get_release(session, principal, network_id, wave, number)
