"""Security headers on every gateway answer: the app, an API answer, a report, the docs, the gateway's problems."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from gateway.headers import SecurityHeadersMiddleware, inline_script_hashes, policy
from mejora_common.testing import ServerThread, auth_header, make_token

REPORT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
FIXED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}


def directives(value: str) -> dict[str, str]:
    parts = (d.strip().split(None, 1) for d in value.split(";") if d.strip())
    return {p[0]: (p[1] if len(p) > 1 else "") for p in parts}


def assert_app_policy(response: httpx.Response) -> dict[str, str]:
    found = directives(response.headers["content-security-policy"])
    assert found["default-src"] == "'self'"
    assert found["frame-ancestors"] == "'none'"
    assert found["object-src"] == "'none'"
    assert "'unsafe-inline'" not in found["script-src"] and "'unsafe-eval'" not in found["script-src"]
    assert "'unsafe-inline'" not in found["style-src"]
    for name, value in FIXED.items():
        assert response.headers[name] == value, name
    permissions = response.headers["permissions-policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in permissions
    return found


def upstream_app() -> Starlette:
    """A service: a JSON answer, one with its own weaker cache rule, a report and a chart with their own policy."""

    async def networks(request: Request) -> JSONResponse:
        return JSONResponse([{"name": "Red", "teacher": "Javiera Morales Silva"}])

    async def cached(request: Request) -> JSONResponse:
        return JSONResponse({}, headers={"Cache-Control": "public, max-age=600"})

    async def report(request: Request) -> HTMLResponse:
        headers = {"Content-Security-Policy": REPORT_POLICY, "Cache-Control": "private, no-store"}
        return HTMLResponse("<html><style>p{}</style><script>alert(1)</script></html>", headers=headers)

    async def chart(request: Request) -> Response:
        headers = {
            "Content-Security-Policy": "default-src 'none'; frame-ancestors 'self'",
            "X-Frame-Options": "SAMEORIGIN",
        }
        return Response("<svg/>", media_type="image/svg+xml", headers=headers)

    return Starlette(
        routes=[
            Route("/api/v1/networks", networks),
            Route("/api/v1/networks/cached", cached),
            Route("/api/v1/reports/feedback", report),
            Route("/api/v1/reports/chart", chart),
        ]
    )


@pytest.fixture
def gateway(start_gateway: Any, tmp_path: Path) -> Any:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text('<!doctype html><script type="module" src="/assets/app.js"></script>')
    (dist / "assets" / "app.js").write_text("console.log('app')")
    with ServerThread(upstream_app()) as upstream:
        yield start_gateway(cycles=upstream.url, reports=upstream.url)


def test_the_app_page_and_its_assets(gateway: httpx.Client) -> None:
    for path in ("/", "/redes/1", "/assets/app.js"):
        response = gateway.get(path)
        assert response.status_code == 200
        found = assert_app_policy(response)
        assert found["script-src"] == "'self'"
        assert "strict-transport-security" not in response.headers  # plain HTTP
        assert response.headers["cache-control"] != "no-store"  # the app's own caching rules stay
    assert gateway.get("/assets/app.js").headers["cache-control"].startswith("public")


def test_an_api_answer_is_never_stored(gateway: httpx.Client) -> None:
    token = auth_header(make_token())
    response = gateway.get("/api/v1/networks", headers=token)
    assert response.status_code == 200
    assert_app_policy(response)
    assert response.headers["cache-control"] == "no-store"
    # A service's weaker rule is replaced: no-store is the stricter.
    assert gateway.get("/api/v1/networks/cached", headers=token).headers["cache-control"] == "no-store"


def test_the_gateways_own_problems_carry_them(gateway: httpx.Client) -> None:
    for response in (gateway.get("/api/v1/networks"), gateway.get("/api/v1/%zz"), gateway.get("/api/v1/nada")):
        assert response.status_code in {400, 401, 404}
        assert_app_policy(response)
        assert response.headers["cache-control"] == "no-store"


def test_a_report_keeps_its_stricter_policy(gateway: httpx.Client) -> None:
    response = gateway.get("/api/v1/reports/feedback", headers=auth_header(make_token()))
    assert response.status_code == 200
    policies = response.headers.get_list("content-security-policy")
    # The report's own policy (no scripts at all, its inline styles) stays as it was; the directives that
    # default-src does not cover come in a second policy, which the browser enforces as well.
    assert policies[0] == REPORT_POLICY
    assert directives(policies[1]) == {"base-uri": "'self'", "form-action": "'self'", "frame-ancestors": "'none'"}
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["x-frame-options"] == "DENY"


def test_a_service_header_is_not_clobbered(gateway: httpx.Client) -> None:
    response = gateway.get("/api/v1/reports/chart", headers=auth_header(make_token()))
    policies = response.headers.get_list("content-security-policy")
    assert policies[0] == "default-src 'none'; frame-ancestors 'self'"
    assert directives(policies[1]) == {"base-uri": "'self'", "form-action": "'self'"}
    assert response.headers["x-frame-options"] == "SAMEORIGIN"


def test_the_docs_page_allows_exactly_its_own_script(gateway: httpx.Client) -> None:
    response = gateway.get("/api/docs")
    assert response.status_code == 200
    found = assert_app_policy(response)
    scripts = re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL)
    assert len(scripts) == 1 and "SwaggerUIBundle(" in scripts[0]
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert found["script-src"] == f"'self' 'sha256-{digest}'"
    assert "no-store" not in response.headers.get("cache-control", "")
    assert int(response.headers["content-length"]) == len(response.content)


def test_hsts_only_over_https_from_a_trusted_proxy(gateway: httpx.Client) -> None:
    # uvicorn trusts X-Forwarded-Proto from 127.0.0.1 (its --forwarded-allow-ips default), as from the TLS proxy.
    assert "strict-transport-security" not in gateway.get("/").headers
    behind_tls = gateway.get("/", headers={"X-Forwarded-Proto": "https"})
    assert behind_tls.headers["strict-transport-security"] == "max-age=31536000"


async def fetch(app: Any, url: str, headers: dict[str, str] | None = None) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        return await client.get(url, headers=headers)


def test_a_forwarded_proto_the_server_did_not_trust_is_ignored() -> None:
    # The header alone (no trusted proxy turned the scheme into https) never turns HSTS on.
    app = SecurityHeadersMiddleware(Starlette(routes=[Route("/", lambda request: Response("ok"))]))
    response = asyncio.run(fetch(app, "http://gateway/", {"X-Forwarded-Proto": "https"}))
    assert "strict-transport-security" not in response.headers
    assert "strict-transport-security" in asyncio.run(fetch(app, "https://gateway/")).headers


def test_a_streamed_answer_passes_whole() -> None:
    async def stream(request: Request) -> StreamingResponse:
        async def body() -> Any:
            yield b"a"
            yield b"b"

        return StreamingResponse(body(), media_type="text/csv")

    app = SecurityHeadersMiddleware(Starlette(routes=[Route("/api/v1/export", stream)]))
    response = asyncio.run(fetch(app, "http://gateway/api/v1/export"))
    assert response.content == b"ab"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_inline_script_hashes() -> None:
    page = b'<script src="/a.js"></script><script>\nrun()\n</script><SCRIPT type="x">run()</SCRIPT><script> </script>'
    digest = hashlib.sha256(b"\nrun()\n").digest()
    other = hashlib.sha256(b"run()").digest()
    assert inline_script_hashes(page) == (
        f"'sha256-{base64.b64encode(digest).decode()}'",
        f"'sha256-{base64.b64encode(other).decode()}'",
    )
    assert "'sha256-x'" in directives(policy(("'sha256-x'",)))["script-src"]
