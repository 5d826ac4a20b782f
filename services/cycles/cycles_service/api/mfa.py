"""``/api/v1/auth/mfa``: the second factor (TOTP) of the caller, and the second step of a login that needs it.

The second step (``/auth/mfa/challenge`` and ``/auth/mfa/challenge/enrolment``) is public: it is authorised by the
``mfa_token`` of the login's 401 ``mfa_required``. Its answer is the login's: the token pair in the body, or with
``X-Token-Delivery: cookie`` the refresh token in the session cookies (``api/session_cookies.py``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import Field

from mejora_common.auth import CurrentPrincipal

from ..db import DbSession
from ..schemas import TokenPair
from ..schemas.account_lifecycle import MfaChallenge, MfaChallengeCode, MfaCode, MfaEnrolment, MfaStatus, RecoveryCodes
from ..service import accounts, mfa
from .session_cookies import set_session_cookies, wants_cookie

router = APIRouter(prefix="/api/v1/auth/mfa", tags=["autenticación"])

CODE_REFUSED: dict[int | str, dict[str, Any]] = {
    400: {"description": "Código incorrecto o ya usado (`mfa_code_invalid`)"}
}


class MfaLogin(TokenPair):
    recovery_codes: list[str] | None = Field(
        default=None, description="Si este paso confirmó la inscripción: los diez códigos de respaldo (una sola vez)"
    )


@router.get("", response_model=MfaStatus, summary="Mi segundo factor")
def get_status(request: Request, session: DbSession, principal: CurrentPrincipal) -> MfaStatus:
    return mfa.status(session, principal, request.app.state.settings)


@router.post(
    "/enrolment",
    response_model=MfaEnrolment,
    summary="Empezar la inscripción del segundo factor (una clave nueva)",
    responses={409: {"description": "Ya tiene segundo factor"}},
)
def start_enrolment(session: DbSession, principal: CurrentPrincipal) -> MfaEnrolment:
    return mfa.start_enrolment(session, principal)


@router.post(
    "/enrolment/confirm",
    response_model=RecoveryCodes,
    responses=CODE_REFUSED,
    summary="Confirmar la inscripción con un código; entrega los códigos de respaldo",
)
def confirm_enrolment(session: DbSession, principal: CurrentPrincipal, body: MfaCode) -> RecoveryCodes:
    return mfa.confirm_enrolment(session, principal, body.code)


@router.post(
    "/recovery-codes",
    response_model=RecoveryCodes,
    responses=CODE_REFUSED,
    summary="Generar diez códigos de respaldo nuevos (anula los anteriores)",
)
def regenerate_recovery_codes(session: DbSession, principal: CurrentPrincipal, body: MfaCode) -> RecoveryCodes:
    return mfa.regenerate_recovery_codes(session, principal, body.code)


@router.post(
    "/disable",
    status_code=204,
    responses={**CODE_REFUSED, 409: {"description": "Su rol exige segundo factor"}},
    summary="Quitar el segundo factor (con un código)",
)
def disable(request: Request, session: DbSession, principal: CurrentPrincipal, body: MfaCode) -> Response:
    mfa.disable(session, principal, body.code, request.app.state.settings)
    return Response(status_code=204)


@router.post(
    "/challenge/enrolment",
    response_model=MfaEnrolment,
    summary="Inscribir el segundo factor durante el inicio de sesión (cuando el rol lo exige)",
    responses={401: {"description": "El paso de verificación venció (`mfa_challenge_invalid`)"}},
)
def challenge_enrolment(session: DbSession, body: MfaChallenge) -> MfaEnrolment:
    return mfa.challenge_enrolment(session, body.mfa_token)


@router.post(
    "/challenge",
    response_model=MfaLogin,
    response_model_exclude_none=True,
    summary="Segundo paso del inicio de sesión: el código de la aplicación o un código de respaldo",
    responses={
        **CODE_REFUSED,
        401: {"description": "El paso de verificación venció (`mfa_challenge_invalid`)"},
        429: {"description": "Demasiados intentos fallidos"},
    },
)
def complete_login(request: Request, response: Response, session: DbSession, body: MfaChallengeCode) -> MfaLogin:
    settings, secret = request.app.state.settings, request.app.state.token_keys.signer
    account, codes = mfa.complete_login(session, body.mfa_token, body.code, body.recovery_code, settings)
    issued = accounts.issue_tokens(session, account, settings, secret)
    pair = issued.pair
    if wants_cookie(request) and pair.refresh_token is not None:
        set_session_cookies(response, request, settings, refresh_token=pair.refresh_token, csrf_token=issued.csrf_token)
        pair = pair.model_copy(update={"refresh_token": None})
    return MfaLogin(**pair.model_dump(), recovery_codes=codes)
