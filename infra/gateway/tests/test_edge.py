"""At the edge: odd paths are 400 (never 500), bodies are bounded while they stream, redirects stay public."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from gateway.paths import MAX_PATH_BYTES, PathGuardMiddleware, path_problem
from gateway.proxy import public_location
from mejora_common.testing import ServerThread, auth_header, make_token

MIB = 1024 * 1024
CHUNK = b"x" * 65536

ODD_PATHS = [
    "/a%00b",
    "/api/v1/networks/%00",
    "/api/v1/networks/a%0Ab",
    "/api/v1/networks/%7F",
    "/api/v1/networks/%C2%85",  # a C1 control character (NEL)
    "/api/v1/networks/%zz",
    "/api/v1/networks/%4",
    "/api/v1/networks/100%",
    "/api/v1/networks/%FF",  # not UTF-8 once decoded
    "/api/v1/networks/%C3",  # a truncated UTF-8 sequence
    "/api/v1/" + "a" * (MAX_PATH_BYTES + 1),
    "/" + "x/" * MAX_PATH_BYTES,
]


@pytest.mark.parametrize("path", ODD_PATHS)
@pytest.mark.parametrize("authenticated", [False, True], ids=["anonymous", "authenticated"])
def test_odd_paths_are_400_problems(start_gateway: Any, path: str, authenticated: bool) -> None:
    client = start_gateway()
    headers = auth_header(make_token()) if authenticated else {}
    response = client.get(path, headers=headers)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_path"


@pytest.mark.parametrize(
    ("raw_path", "refused"),
    [
        (b"/api/v1/networks/../../ready", True),
        (b"/api/v1/networks/%2E%2E/ready", True),
        (b"/./index.html", True),
        (b"/api/v1/networks/..a", False),
        (b"/api/v1/networks/%F0%90%BF%98", False),
        (b"/api/v1/observations:export", False),
        (b"/redes/%C3%B1and%C3%BA", False),
        (b"/" + b"a" * (MAX_PATH_BYTES - 1), False),
    ],
)
def test_path_rules(raw_path: bytes, refused: bool) -> None:
    assert (path_problem(raw_path) is not None) == refused


def test_dot_segments_never_reach_a_service() -> None:
    # httpx would normalise ``..`` away, so the raw path is given to the middleware directly.
    reached: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(scope["path"])
        await Response("ok")(scope, receive, send)

    sent: list[Any] = []

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> Any:
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {"type": "http", "method": "GET", "path": "/api/v1/networks/../../ready", "headers": []}
    scope["raw_path"] = b"/api/v1/networks/../../ready"
    asyncio.run(PathGuardMiddleware(app)(scope, receive, send))
    assert reached == []
    assert sent[0]["status"] == 400


def test_a_name_the_file_system_refuses_gets_the_app(start_gateway: Any, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<html>app</html>")
    client = start_gateway()
    response = client.get("/" + "a" * 300)  # longer than a file name may be
    assert response.status_code == 200
    assert response.text == "<html>app</html>"


def redirecting_upstream(own_url: list[str]) -> Starlette:
    async def to_itself(request: Request) -> Response:
        return RedirectResponse(f"{own_url[0]}/api/v1/networks?page=2", status_code=307)

    async def elsewhere(request: Request) -> Response:
        return RedirectResponse("https://example.org/ayuda", status_code=302)

    async def networks(request: Request) -> Response:
        return JSONResponse([])

    return Starlette(
        routes=[
            Route("/api/v1/networks", networks),
            Route("/api/v1/networks/moved", to_itself),
            Route("/api/v1/networks/elsewhere", elsewhere),
        ]
    )


def test_redirects_to_a_service_address_become_public_paths(start_gateway: Any) -> None:
    own_url: list[str] = []
    with ServerThread(redirecting_upstream(own_url)) as upstream:
        own_url.append(upstream.url)
        client = start_gateway(cycles=upstream.url)
        headers = auth_header(make_token())
        moved = client.get("/api/v1/networks/moved", headers=headers)
        assert moved.status_code == 307
        assert moved.headers["location"] == "/api/v1/networks?page=2"
        # Starlette's trailing-slash redirect is built from the Host the gateway sent the service.
        slash = client.get("/api/v1/networks/", headers=headers)
        assert slash.status_code == 307
        assert slash.headers["location"] == "/api/v1/networks"
        elsewhere = client.get("/api/v1/networks/elsewhere", headers=headers)
        assert elsewhere.headers["location"] == "https://example.org/ayuda"


@pytest.mark.parametrize(
    ("location", "public"),
    [
        ("http://127.0.0.1:8001/api/v1/networks", "/api/v1/networks"),
        ("HTTP://127.0.0.1:8001/api/v1/networks?a=1#x", "/api/v1/networks?a=1#x"),
        ("http://cycles:80/api/v1/aims", "/api/v1/aims"),
        ("http://cycles/api/v1/aims", "/api/v1/aims"),
        ("//127.0.0.1:8001/api/v1/networks", "/api/v1/networks"),
        ("http://127.0.0.1:8001", "/"),
        ("/api/v1/networks", "/api/v1/networks"),
        ("http://127.0.0.1:9999/api/v1/networks", "http://127.0.0.1:9999/api/v1/networks"),
        ("https://example.org/x", "https://example.org/x"),
        ("http://127.0.0.1:notaport/x", "http://127.0.0.1:notaport/x"),
    ],
)
def test_public_location(location: str, public: str) -> None:
    assert public_location(location, ["http://127.0.0.1:8001", "http://cycles"]) == public


def counting_upstream(seen: dict[str, Any], aborted: threading.Event) -> Starlette:
    async def upload(request: Request) -> JSONResponse:
        seen["called"] = True
        total = 0
        try:
            async for chunk in request.stream():
                total += len(chunk)
        except ClientDisconnect:
            seen["received_before_abort"] = total
            aborted.set()
            raise
        seen["completed"] = total
        return JSONResponse({"received": total})

    return Starlette(
        routes=[
            Route("/api/v1/networks/upload", upload, methods=["POST"]),
            Route("/api/v1/auth/token", upload, methods=["POST"]),
            Route("/api/v1/networks/{network_id}/roster:import", upload, methods=["POST"]),
        ]
    )


def test_a_declared_length_over_the_limit_is_413_before_proxying(start_gateway: Any) -> None:
    seen: dict[str, Any] = {}
    with ServerThread(counting_upstream(seen, threading.Event())) as upstream:
        client = start_gateway(cycles=upstream.url)
        response = client.post("/api/v1/networks/upload", content=b"{" * (MIB + 1), headers=auth_header(make_token()))
        assert response.status_code == 413
        assert response.json()["code"] == "payload_too_large"
        login = client.post("/api/v1/auth/token", content=b"u" * (16 * 1024 + 1))  # public, 16 KiB
        assert login.status_code == 413
        assert seen == {}  # the service was never called


def test_a_streamed_body_over_the_limit_is_413_and_the_upstream_request_is_dropped(start_gateway: Any) -> None:
    seen: dict[str, Any] = {}
    aborted = threading.Event()
    with ServerThread(counting_upstream(seen, aborted)) as upstream:
        client = start_gateway(cycles=upstream.url)

        def body(chunks: int) -> Iterator[bytes]:
            for _ in range(chunks):
                yield CHUNK

        response = client.post("/api/v1/networks/upload", content=body(40), headers=auth_header(make_token()))
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"
        assert aborted.wait(5), "the upstream request was not dropped"
        assert "completed" not in seen
        assert seen["received_before_abort"] <= MIB
        # An import may be larger (16 MiB): 2.5 MiB streams through whole.
        seen.clear()
        imported = client.post("/api/v1/networks/n1/roster:import", content=body(40), headers=auth_header(make_token()))
        assert imported.status_code == 200
        assert imported.json() == {"received": 40 * len(CHUNK)}


def test_a_redirect_from_a_second_instance_is_a_public_path_too(start_gateway: Any) -> None:
    from mejora_common.testing import free_port

    own_url: list[str] = []
    with ServerThread(redirecting_upstream(own_url)) as second:
        own_url.append(second.url)
        stopped_first = f"http://127.0.0.1:{free_port()}"  # refuses: the pool sends the request to the second
        client = start_gateway(cycles=f"{stopped_first},{second.url}")
        moved = client.get("/api/v1/networks/moved", headers=auth_header(make_token()))
        assert moved.status_code == 307
        assert moved.headers["location"] == "/api/v1/networks?page=2"
