"""``/api/v1/auth``: login (people and integration clients), refresh, logout and the caller's profile."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import unquote_plus

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.exceptions import RequestValidationError

from mejora_common.auth import CurrentPrincipal
from mejora_common.errors import ProblemError

from ..db import DbSession
from ..schemas import MeRead, RefreshRequest, TokenPair
from ..schemas.integrations import TokenResponse
from ..service import accounts, integrations, mfa, sessions
from .session_cookies import (
    CSRF_REFUSED,
    REFRESH_COOKIE,
    clear_session_cookies,
    require_csrf,
    set_session_cookies,
    wants_cookie,
)

router = APIRouter(prefix="/api/v1/auth", tags=["autenticación"])

CLIENT_CREDENTIALS = "client_credentials"


@dataclass(frozen=True)
class TokenForm:
    """The OAuth2 token request: ``password`` (people; the default, as before) or ``client_credentials``."""

    grant_type: str
    username: str | None
    password: str | None
    scope: str
    client_id: str | None
    client_secret: str | None


def _missing(*fields: str) -> RequestValidationError:
    """The same 422 FastAPI gives for required form fields that are absent."""
    return RequestValidationError(
        [{"type": "missing", "loc": ("body", name), "msg": "Field required", "input": None} for name in fields]
    )


def token_form(
    *,
    grant_type: Annotated[
        str | None,
        Form(
            pattern=f"^(password|{CLIENT_CREDENTIALS})$",
            description="`password` (por omisión: personas) o `client_credentials` (integraciones)",
        ),
    ] = None,
    username: Annotated[str | None, Form(description="Correo (grant `password`)")] = None,
    password: Annotated[str | None, Form(json_schema_extra={"format": "password"})] = None,
    scope: Annotated[str, Form(description="Opcional: permisos pedidos, separados por espacio")] = "",
    client_id: Annotated[str | None, Form(description="Grant `client_credentials` (o en HTTP Basic)")] = None,
    client_secret: Annotated[str | None, Form(json_schema_extra={"format": "password"})] = None,
) -> TokenForm:
    grant = grant_type or "password"
    if grant == "password":
        missing = [name for name, value in (("username", username), ("password", password)) if value is None]
        if missing:
            raise _missing(*missing)
    return TokenForm(grant, username, password, scope, client_id, client_secret)


def client_credentials(request: Request, form: TokenForm) -> tuple[str, str]:
    """``client_id`` and ``client_secret`` from HTTP Basic (RFC 6749 §2.3.1) or else from the form."""
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() == "basic" and encoded.strip():
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise ProblemError(
                401,
                "invalid_client",
                "El encabezado Authorization Basic no es válido.",
                headers={"WWW-Authenticate": 'Basic realm="mejora-en-red"'},
            ) from exc
        client_id, sep, secret = decoded.partition(":")
        if sep:
            return unquote_plus(client_id), unquote_plus(secret)
    missing = [
        name for name, value in (("client_id", form.client_id), ("client_secret", form.client_secret)) if not value
    ]
    if missing:
        raise _missing(*missing)
    assert form.client_id is not None and form.client_secret is not None
    return form.client_id, form.client_secret


@router.post(
    "/token",
    response_model=TokenResponse,
    response_model_exclude_none=True,
    summary="Iniciar sesión (OAuth2 password: username = correo) u obtener un token de integración",
    description=(
        "Personas: `username` (correo) y `password`; responde un token de acceso y uno de renovación. "
        "Con el encabezado `X-Token-Delivery: cookie` (la aplicación web) el token de renovación no va en la "
        "respuesta sino en una cookie HttpOnly (`mejora_refresh`, `Path=/api/v1/auth`, `SameSite=Strict`) junto "
        "a la cookie `mejora_csrf`, cuyo valor se envía como `X-CSRF-Token` al renovar o cerrar la sesión. "
        "Integraciones (sistemas del SLEP): `grant_type=client_credentials` con `client_id` y `client_secret` "
        "en el formulario o en HTTP Basic; responde solo un token de acceso (sin renovación) con sus permisos "
        "en `scope`."
    ),
)
def login(
    request: Request, response: Response, session: DbSession, form: Annotated[TokenForm, Depends(token_form)]
) -> TokenResponse:
    settings, secret = request.app.state.settings, request.app.state.token_keys.signer
    if form.grant_type == CLIENT_CREDENTIALS:
        client_id, client_secret = client_credentials(request, form)
        client = integrations.authenticate_client(session, client_id, client_secret, settings)
        return integrations.issue_client_token(session, client, form.scope, settings, secret)
    assert form.username is not None and form.password is not None
    account = accounts.authenticate(session, form.username, form.password, settings)
    mfa.require_second_factor(session, account, settings)  # 401 mfa_required: a second step (api/mfa.py)
    issued = accounts.issue_tokens(session, account, settings, secret)
    return TokenResponse(**_deliver(request, response, issued, cookie=wants_cookie(request)).model_dump())


def _deliver(request: Request, response: Response, issued: accounts.IssuedTokens, *, cookie: bool) -> TokenPair:
    """The token pair in the body (bearer clients), or the refresh token in the session cookies (the web app)."""
    if not cookie:
        return issued.pair
    assert issued.pair.refresh_token is not None
    set_session_cookies(
        response,
        request,
        request.app.state.settings,
        refresh_token=issued.pair.refresh_token,
        csrf_token=issued.csrf_token,
    )
    return issued.pair.model_copy(update={"refresh_token": None})


def _cookie_session(request: Request, session: DbSession) -> str:
    """The refresh token of the session cookie, once its CSRF token checks (401 without a live session)."""
    token = request.cookies.get(REFRESH_COOKIE, "")
    require_csrf(request, sessions.cookie_csrf_token(session, token))
    return token


@router.post(
    "/refresh",
    response_model=TokenPair,
    response_model_exclude_none=True,
    summary="Renovar el token de acceso",
    description=(
        'Apps e integraciones: `{"refresh_token": …}` en el cuerpo; responde un par nuevo. La aplicación web: '
        "sin cuerpo, con la cookie `mejora_refresh` y el encabezado `X-CSRF-Token`; el token nuevo va en la "
        "cookie. Un token ya rotado presentado de nuevo dentro de unos segundos devuelve el mismo sucesor; "
        "después, cierra todas las sesiones de esa familia."
    ),
    responses=CSRF_REFUSED,
)
def refresh(request: Request, response: Response, session: DbSession, body: RefreshRequest | None = None) -> TokenPair:
    settings, secret = request.app.state.settings, request.app.state.token_keys.signer
    cookie = body is None
    token = _cookie_session(request, session) if body is None else body.refresh_token
    issued = accounts.rotate_refresh_token(session, token, settings, secret)
    return _deliver(request, response, issued, cookie=cookie)


@router.post(
    "/logout",
    status_code=204,
    summary="Cerrar sesión (revoca la familia del token de renovación)",
    description="Como `/refresh`: el token en el cuerpo, o la cookie de la aplicación web con `X-CSRF-Token`.",
    responses=CSRF_REFUSED,
)
def logout(request: Request, session: DbSession, body: RefreshRequest | None = None) -> Response:
    response = Response(status_code=204)
    if body is not None:
        accounts.revoke_refresh_token(session, body.refresh_token)
        return response
    if request.cookies.get(REFRESH_COOKIE):
        try:
            token = _cookie_session(request, session)
        except ProblemError as error:
            if error.status != 401:
                raise
        else:
            accounts.revoke_refresh_token(session, token)
    clear_session_cookies(response, request, request.app.state.settings)
    return response


@router.get("/me", response_model=MeRead, summary="La persona que consulta, su rol y sus redes")
def me(session: DbSession, principal: CurrentPrincipal) -> MeRead:
    return accounts.profile(session, principal)
