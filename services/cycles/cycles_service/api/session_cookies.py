"""The web app's session cookies: the refresh token (HttpOnly) and its CSRF token (readable by the app).

* ``mejora_refresh``: the refresh token; ``HttpOnly``, ``SameSite=Strict``, ``Path=/api/v1/auth`` (sent only to
  refresh and logout), ``Secure`` under HTTPS (the request's scheme, ``X-Forwarded-Proto`` from the gateway, or
  ``MEJORA_COOKIE_SECURE``).
* ``mejora_csrf``: the session's CSRF token, ``SameSite=Strict``, ``Path=/``, not HttpOnly: the app reads it and
  sends it back as ``X-CSRF-Token`` with a cookie refresh or logout. It is an HMAC bound to the session family
  (``service.sessions.csrf_token``), so a cookie planted by another site cannot be paired with a guess, and a
  custom header cannot be sent cross-origin without a CORS preflight the gateway never grants.
"""

from __future__ import annotations

import hmac

from fastapi import Request, Response

from mejora_common.errors import ProblemError

from ..settings import Settings

REFRESH_COOKIE = "mejora_refresh"
CSRF_COOKIE = "mejora_csrf"
CSRF_HEADER = "X-CSRF-Token"
AUTH_PATH = "/api/v1/auth"
DELIVERY_HEADER = "X-Token-Delivery"
"""``X-Token-Delivery: cookie`` on login asks for the refresh token in a cookie instead of the JSON body."""


CSRF_REFUSED: dict[int | str, dict[str, object]] = {
    403: {
        "description": "Falta `X-CSRF-Token` o no corresponde a la sesión (cookie)",
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
}


def wants_cookie(request: Request) -> bool:
    return request.headers.get(DELIVERY_HEADER, "").strip().lower() == "cookie"


def is_https(request: Request, settings: Settings) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return settings.cookie_secure or request.url.scheme == "https" or forwarded == "https"


def set_session_cookies(
    response: Response, request: Request, settings: Settings, *, refresh_token: str, csrf_token: str
) -> None:
    secure = is_https(request, settings)
    max_age = settings.refresh_token_days * 24 * 3600
    response.set_cookie(
        REFRESH_COOKIE,
        refresh_token,
        max_age=max_age,
        path=AUTH_PATH,
        secure=secure,
        httponly=True,
        samesite="strict",
    )
    response.set_cookie(
        CSRF_COOKIE, csrf_token, max_age=max_age, path="/", secure=secure, httponly=False, samesite="strict"
    )


def clear_session_cookies(response: Response, request: Request, settings: Settings) -> None:
    secure = is_https(request, settings)
    response.delete_cookie(REFRESH_COOKIE, path=AUTH_PATH, secure=secure, httponly=True, samesite="strict")
    response.delete_cookie(CSRF_COOKIE, path="/", secure=secure, httponly=False, samesite="strict")


def require_csrf(request: Request, expected: str) -> None:
    """403 unless ``X-CSRF-Token`` carries the session's CSRF token."""
    presented = request.headers.get(CSRF_HEADER, "")
    if not presented or not hmac.compare_digest(presented.encode(), expected.encode()):
        raise ProblemError(
            403,
            "csrf_failed",
            "La solicitud no trae la verificación de la aplicación (X-CSRF-Token). Recarga la página.",
        )
