"""The account lifecycle: invitations, password reset, deactivation (docs/security.md, "Account lifecycle").

Public (no token; listed in the gateway's public paths): ``/auth/invitation/check``, ``/auth/invitation/accept``,
``/auth/password-reset`` and ``/auth/password-reset/confirm``. The network's coordinators:
``POST /networks/{id}/people/{id}/invitation``, ``GET /networks/{id}/accounts`` and
``GET``/``PATCH /networks/{id}/people/{id}/account``.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request, Response

from mejora_common.auth import CurrentPrincipal
from mejora_common.pagination import Page, Pagination

from ..db import DbSession
from ..schemas.account_lifecycle import (
    AccountStatus,
    AccountStatusUpdate,
    InvitationInfo,
    InvitationRead,
    LinkRequest,
    PasswordResetAccepted,
    PasswordResetRequest,
    SetPasswordRequest,
)
from ..service import account_state, invitations, mail
from ..service.access import actor_for
from ..service.networks import require_network
from .versions import IfMatch, guarded, set_etag, tagged

router = APIRouter(prefix="/api/v1", tags=["cuentas"])

LINK_REFUSED: dict[int | str, dict[str, Any]] = {
    400: {"description": "El enlace no es válido, ya se usó o venció (`link_invalid`)"}
}


@router.post(
    "/networks/{network_id}/people/{person_id}/invitation",
    response_model=InvitationRead,
    status_code=201,
    summary="Invitar a una persona de la red por correo",
    description=(
        "Solo la coordinación. Envía al correo de la persona un enlace de un solo uso (vence en "
        "`MEJORA_INVITATION_DAYS` días) para elegir su contraseña; invitar de nuevo anula el enlace anterior. Si el "
        "correo ya es de una cuenta con contraseña (otra red), la persona se agrega a la red y se le avisa."
    ),
    responses={409: {"description": "La persona ya tiene cuenta (`account_exists`)"}},
)
def invite(
    network_id: uuid.UUID,
    person_id: uuid.UUID,
    *,
    request: Request,
    session: DbSession,
    principal: CurrentPrincipal,
    background: BackgroundTasks,
) -> InvitationRead:
    actor = actor_for(principal, network_id)
    require_network(session, network_id)
    settings = request.app.state.settings
    answer, message = invitations.invite(session, actor, principal.account_id, person_id, settings)
    background.add_task(mail.send, settings, message)
    return answer


@router.get(
    "/networks/{network_id}/accounts",
    response_model=Page[AccountStatus],
    summary="Estado de las cuentas de las personas de la red",
)
def list_accounts(
    network_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, page: Pagination
) -> Page[AccountStatus]:
    actor = actor_for(principal, network_id)
    require_network(session, network_id)
    items, total = account_state.list_statuses(session, actor, limit=page.limit, offset=page.offset)
    return Page.of(items, total, page)


@router.get(
    "/networks/{network_id}/people/{person_id}/account",
    response_model=AccountStatus,
    responses=tagged(),
    summary="Estado de la cuenta de una persona",
)
def get_account(
    network_id: uuid.UUID, person_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, response: Response
) -> AccountStatus:
    actor = actor_for(principal, network_id)
    status = account_state.status(session, actor, person_id)
    set_etag(response, status.version)
    return status


@router.patch(
    "/networks/{network_id}/people/{person_id}/account",
    response_model=AccountStatus,
    responses={**guarded(), 409: {"description": "Sin cuenta, la propia o de otra red que no coordinas"}},
    summary="Desactivar o reactivar la cuenta de una persona",
    description=(
        "Solo la coordinación. Desactivar cierra al instante todas sus sesiones (y anula sus enlaces pendientes); "
        "sus datos quedan para la red bajo las mismas reglas de privacidad."
    ),
)
def update_account(
    network_id: uuid.UUID,
    person_id: uuid.UUID,
    body: AccountStatusUpdate,
    *,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> AccountStatus:
    actor = actor_for(principal, network_id)
    status = account_state.set_active(session, actor, principal, person_id, active=body.is_active, if_match=if_match)
    set_etag(response, status.version)
    return status


@router.post(
    "/auth/invitation/check",
    response_model=InvitationInfo,
    responses=LINK_REFUSED,
    summary="Ver una invitación (antes de elegir la contraseña)",
)
def check_invitation(session: DbSession, body: LinkRequest) -> InvitationInfo:
    return invitations.invitation_info(session, body.token)


@router.post(
    "/auth/invitation/accept",
    status_code=204,
    responses=LINK_REFUSED,
    summary="Aceptar una invitación eligiendo la contraseña",
)
def accept_invitation(session: DbSession, body: SetPasswordRequest) -> Response:
    invitations.accept_invitation(session, body.token, body.password)
    return Response(status_code=204)


@router.post(
    "/auth/password-reset",
    response_model=PasswordResetAccepted,
    status_code=202,
    summary="Pedir un enlace para restablecer la contraseña",
    description="La respuesta es la misma exista o no una cuenta con ese correo.",
)
def request_password_reset(
    request: Request, session: DbSession, body: PasswordResetRequest, background: BackgroundTasks
) -> PasswordResetAccepted:
    settings = request.app.state.settings
    answer, message = invitations.request_password_reset(session, body.email, settings)
    if message is not None:
        background.add_task(mail.send, settings, message)
    return answer


@router.post(
    "/auth/password-reset/confirm",
    status_code=204,
    responses=LINK_REFUSED,
    summary="Elegir una contraseña nueva con el enlace recibido (cierra todas las sesiones)",
)
def reset_password(session: DbSession, body: SetPasswordRequest) -> Response:
    invitations.reset_password(session, body.token, body.password)
    return Response(status_code=204)
