"""The gateway's edge check verifies user tokens with cycles' public keys only, fetched from cycles' JWKS
(docs/adr/0009-asymmetric-tokens.md): once, again on an unknown ``kid``, never more than once every few seconds."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateway.main import create_app
from gateway.settings import GatewaySettings
from mejora_common.keys import JWKS_PATH, SigningKey, jwks
from mejora_common.testing import OLD_SHARED_SECRET, ServerThread, auth_header, free_port, make_principal, make_token


class FakeCycles:
    """Cycles as the gateway sees it: its JWKS (counting fetches) and one API route."""

    def __init__(self) -> None:
        self.key = SigningKey.generate()
        self.fetches = 0

    def app(self) -> Starlette:
        async def keys(request: Request) -> JSONResponse:
            self.fetches += 1
            return JSONResponse(jwks([self.key.public]))

        async def networks(request: Request) -> JSONResponse:
            return JSONResponse([])

        return Starlette(routes=[Route(JWKS_PATH, keys), Route("/api/v1/networks", networks)])


@pytest.fixture
def edge(tmp_path: Path) -> Iterator[tuple[FakeCycles, httpx.Client]]:
    cycles = FakeCycles()
    with ServerThread(cycles.app()) as upstream:
        settings = GatewaySettings(
            data_dir=tmp_path,
            frontend_dir=tmp_path / "dist",
            cycles_url=upstream.url,
            observations_url=f"http://127.0.0.1:{free_port()}",
            reports_url=f"http://127.0.0.1:{free_port()}",
        )
        with ServerThread(create_app(settings)) as gateway, httpx.Client(base_url=gateway.url, timeout=15) as client:
            yield cycles, client
    assert not list(tmp_path.glob("*signing-key*")), "the gateway signs nothing and makes no key"


def test_only_a_token_signed_by_cycles_passes_the_edge(edge: tuple[FakeCycles, httpx.Client]) -> None:
    cycles, client = edge
    person = make_principal("coordinator", uuid.uuid4())
    assert client.get("/api/v1/networks", headers=auth_header(make_token(person, key=cycles.key))).status_code == 200
    forged = client.get("/api/v1/networks", headers=auth_header(make_token(person, key=SigningKey.generate())))
    assert forged.status_code == 401 and forged.json()["code"] == "token_invalid"
    claims = jwt.decode(make_token(person, key=cycles.key), options={"verify_signature": False})
    old = jwt.encode(claims, OLD_SHARED_SECRET, algorithm="HS256", headers={"kid": cycles.key.kid})
    assert client.get("/api/v1/networks", headers=auth_header(old)).status_code == 401


def test_forged_kids_do_not_make_the_gateway_hammer_cycles(edge: tuple[FakeCycles, httpx.Client]) -> None:
    cycles, client = edge
    assert client.get("/api/v1/networks", headers=auth_header(make_token(key=cycles.key))).status_code == 200
    assert cycles.fetches == 1
    assert client.get("/api/v1/networks", headers=auth_header(make_token(key=cycles.key))).status_code == 200
    assert cycles.fetches == 1  # cached
    for _ in range(10):  # forged kids right after a fetch: refused without asking cycles again
        token = make_token(key=SigningKey.generate())
        assert client.get("/api/v1/networks", headers=auth_header(token)).status_code == 401
    assert cycles.fetches == 1  # (the refetch once the interval has passed: libs/common/tests/test_keys.py)
