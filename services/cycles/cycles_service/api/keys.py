"""Cycles' public keys (JWKS, RFC 7517): what verifies every user and integration token.

Public and routed by the gateway (``/api/v1/auth/…``), for any client that verifies tokens; the services
themselves read the same document at ``mejora_common.keys.JWKS_PATH`` on cycles' own port.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from mejora_common.keys import PUBLIC_JWKS_PATH, jwks

router = APIRouter(tags=["autenticación"])


@router.get(PUBLIC_JWKS_PATH, summary="Claves públicas que firman los tokens de acceso (JWKS)")
def public_jwks(request: Request) -> dict[str, list[dict[str, str]]]:
    """The current signing key and the earlier ones still accepted until their tokens expire, by ``kid``."""
    return jwks(request.app.state.token_keys.own_keys())
