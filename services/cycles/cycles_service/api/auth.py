"""``/api/v1/auth``: login, refresh, logout and the caller's profile."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from mejora_common.auth import CurrentPrincipal

from ..crud import accounts
from ..db import DbSession
from ..schemas import MeRead, RefreshRequest, TokenPair

router = APIRouter(prefix="/api/v1/auth", tags=["autenticación"])


@router.post("/token", response_model=TokenPair, summary="Iniciar sesión (OAuth2 password: username = correo)")
def login(request: Request, session: DbSession, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> TokenPair:
    account = accounts.authenticate(session, form.username, form.password)
    return accounts.issue_tokens(session, account, request.app.state.settings, request.app.state.jwt_secret)


@router.post("/refresh", response_model=TokenPair, summary="Renovar el token de acceso")
def refresh(request: Request, session: DbSession, body: RefreshRequest) -> TokenPair:
    return accounts.rotate_refresh_token(
        session, body.refresh_token, request.app.state.settings, request.app.state.jwt_secret
    )


@router.post("/logout", status_code=204, summary="Cerrar sesión (revoca el token de renovación)")
def logout(session: DbSession, body: RefreshRequest) -> Response:
    accounts.revoke_refresh_token(session, body.refresh_token)
    return Response(status_code=204)


@router.get("/me", response_model=MeRead, summary="La persona que consulta, su rol y sus redes")
def me(session: DbSession, principal: CurrentPrincipal) -> MeRead:
    return accounts.profile(session, principal)
