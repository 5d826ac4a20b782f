"""The caller, as this service resolves it: the verified token (``mejora_common.auth.current_principal``) and then
the account's state, so a deactivation or a password reset ends the access tokens already issued at once here.

Installed by ``main.create_app`` as the app's override of ``current_principal``: every router of this service
keeps declaring ``CurrentPrincipal`` and gets this check, without a change to each route or to the shared library.
"""

from __future__ import annotations

from typing import Annotated

import jwt
from fastapi import Depends, FastAPI, Request

from mejora_common.auth import Principal, bearer_token, current_principal, oauth2_scheme

from ..db import DbSession
from ..service import account_state


def _issued_at(request: Request) -> int | None:
    """``iat`` of the token ``current_principal`` has just verified (read again without checking it twice)."""
    claims = jwt.decode(bearer_token(request), options={"verify_signature": False})
    issued = claims.get("iat")
    return int(issued) if isinstance(issued, int | float) else None


def active_principal(
    request: Request, session: DbSession, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Principal:
    principal = current_principal(request, token)
    account_state.check_principal(session, principal, _issued_at(request))
    return principal


def install(app: FastAPI) -> None:
    app.dependency_overrides[current_principal] = active_principal
