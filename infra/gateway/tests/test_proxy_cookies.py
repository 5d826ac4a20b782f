"""The gateway passes each ``Set-Cookie`` of a service on its own, and the API docs keep no authorization."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from mejora_common.testing import ServerThread

COOKIES = [
    "mejora_refresh=abc; HttpOnly; Max-Age=2592000; Path=/api/v1/auth; SameSite=strict",
    "mejora_csrf=def; Max-Age=2592000; Path=/; SameSite=strict",
    "third=x; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/",
]


def upstream_app() -> Starlette:
    async def token(request: Request) -> JSONResponse:
        response = JSONResponse({"access_token": "t"})
        for cookie in COOKIES:
            response.headers.append("set-cookie", cookie)
        response.headers.append("vary", "Origin")
        return response

    return Starlette(routes=[Route("/api/v1/auth/token", token, methods=["POST"])])


def test_several_set_cookie_headers_pass_unmerged(start_gateway: Any) -> None:
    with ServerThread(upstream_app()) as upstream:
        client = start_gateway(cycles=upstream.url)
        response = client.post("/api/v1/auth/token", data={"username": "a", "password": "b"})
        assert response.status_code == 200
        assert response.headers.get_list("set-cookie") == COOKIES
        assert response.json() == {"access_token": "t"}


def test_swagger_ui_does_not_persist_authorization(start_gateway: Any) -> None:
    client = start_gateway()
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert '"persistAuthorization": false' in page.text
    assert '"persistAuthorization": true' not in page.text
