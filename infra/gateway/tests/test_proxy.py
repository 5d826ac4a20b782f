"""The gateway streams bodies both ways and names a service that is down or slow."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from mejora_common.testing import ServerThread, auth_header, make_token

CHUNK = b"x" * 65536


def upstream_app(events: dict[str, threading.Event], seen: dict[str, Any]) -> Starlette:
    async def upload(request: Request) -> JSONResponse:
        total = 0
        async for chunk in request.stream():
            if chunk and not events["upload_first"].is_set():
                events["upload_first"].set()
            total += len(chunk)
        seen["headers"] = dict(request.headers)
        return JSONResponse({"received": total})

    async def download(request: Request) -> StreamingResponse:
        async def body() -> Any:
            yield CHUNK
            # Only continue once the client has the first chunk: a buffering proxy never gets there.
            got = await asyncio.to_thread(events["download_first"].wait, 5)
            yield b"ok" if got else b"buffered"

        return StreamingResponse(body(), media_type="application/pdf")

    async def slow(request: Request) -> JSONResponse:
        await asyncio.sleep(5)
        return JSONResponse({})

    return Starlette(
        routes=[
            Route("/api/v1/networks/upload", upload, methods=["POST"]),
            Route("/api/v1/networks/download", download),
            Route("/api/v1/networks/slow", slow),
        ]
    )


def test_streams_upload_and_download(start_gateway: Any) -> None:
    events = {"upload_first": threading.Event(), "download_first": threading.Event()}
    seen: dict[str, Any] = {}
    with ServerThread(upstream_app(events, seen)) as upstream:
        client = start_gateway(cycles=upstream.url)
        headers = auth_header(make_token()) | {"X-Request-ID": "req-stream-1"}

        def body() -> Iterator[bytes]:
            yield CHUNK
            assert events["upload_first"].wait(5), "the gateway held the upload instead of streaming it"
            for _ in range(15):
                yield CHUNK

        response = client.post("/api/v1/networks/upload", content=body(), headers=headers)
        assert response.status_code == 200
        assert response.json() == {"received": 16 * len(CHUNK)}
        assert seen["headers"]["x-request-id"] == "req-stream-1"
        assert seen["headers"]["authorization"].startswith("Bearer ")
        assert response.headers["x-request-id"] == "req-stream-1"

        with client.stream("GET", "/api/v1/networks/download", headers=headers) as streamed:
            chunks = streamed.iter_raw()
            received = b""
            while len(received) < len(CHUNK):
                received += next(chunks)
            events["download_first"].set()
            rest = b"".join(chunks)
        assert (received + rest).endswith(b"ok")


def test_down_service_is_503_naming_it_and_slow_is_504(start_gateway: Any) -> None:
    events = {"upload_first": threading.Event(), "download_first": threading.Event()}
    with ServerThread(upstream_app(events, {})) as upstream:
        client = start_gateway(cycles=upstream.url)
        headers = auth_header(make_token())
        down = client.get("/api/v1/instruments", headers=headers)
        assert down.status_code == 503
        assert down.headers["content-type"] == "application/problem+json"
        assert down.json()["service"] == "observations"
        assert "observaciones" in down.json()["detail"]
        slow = client.get("/api/v1/networks/slow", headers=headers)
        assert slow.status_code == 504
        assert slow.json()["service"] == "cycles"


def test_edge_authentication_and_unknown_paths(start_gateway: Any) -> None:
    client = start_gateway()
    assert client.get("/api/v1/networks").status_code == 401
    assert client.get("/api/v1/networks", headers={"Authorization": "Bearer nope"}).json()["code"] == "token_invalid"
    unknown = client.get("/api/v1/nada", headers=auth_header(make_token()))
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
    # Login is public: with cycles down it is a 503, not a 401.
    assert client.post("/api/v1/auth/token", data={"username": "a", "password": "b"}).status_code == 503


def test_health_names_services_that_are_not_ready(start_gateway: Any) -> None:
    client = start_gateway()
    response = client.get("/api/v1/health")
    assert response.status_code == 503
    body = response.json()
    assert set(body["unavailable"]) == {"cycles", "observations", "reports"}
    assert "ciclos" in body["detail"]


def test_frontend_not_built_page_and_cors(start_gateway: Any, tmp_path: Any) -> None:
    client = start_gateway()
    response = client.get("/")
    assert response.status_code == 503
    assert "make run" in response.text
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<html>app</html>")
    (dist / "assets" / "a.js").write_text("console.log(1)")
    assert client.get("/").text == "<html>app</html>"
    assert client.get("/redes/123").text == "<html>app</html>"
    assert client.get("/assets/a.js").text == "console.log(1)"
    assert "immutable" in client.get("/assets/a.js").headers["cache-control"]
    assert client.get("/../../etc/passwd").text == "<html>app</html>"


def test_unusual_but_valid_characters_reach_the_service_percent_encoded(start_gateway: Any) -> None:
    seen: dict[str, Any] = {}

    async def echo(request: Request) -> JSONResponse:
        seen["raw_path"] = request.scope["raw_path"]
        return JSONResponse({"path": request.url.path}, status_code=422)

    upstream_app = Starlette(routes=[Route("/api/v1/networks/{rest:path}", echo)])
    with ServerThread(upstream_app) as upstream:
        client = start_gateway(cycles=upstream.url)
        response = client.get("/api/v1/networks/%F0%90%BF%98O%20%2F?x=%E2%9C%93", headers=auth_header(make_token()))
    assert response.status_code == 422
    assert seen["raw_path"] == b"/api/v1/networks/%F0%90%BF%98O%20%2F"
