"""The gateway's bounds through the real system: public redirects, odd paths, bodies past their limit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mejora_common.testing import auth_header

pytestmark = pytest.mark.e2e

MIB = 1024 * 1024


def test_a_services_redirect_never_shows_its_address(system: Any) -> None:
    headers = auth_header(system.token("educadora@demo.cl"))
    with system.client() as client:
        response = client.get("/api/v1/networks/", headers=headers)
        assert response.status_code == 307
        location = response.headers["location"]
        assert location == "/api/v1/networks"
        for service in ("cycles", "observations", "reports"):
            assert system.service_url(service) not in location
        assert client.get(location, headers=headers).status_code == 200


@pytest.mark.parametrize("path", ["/a%00b", "/api/v1/networks/%00", "/api/v1/networks/%zz", "/api/v1/auth/token%0A"])
def test_odd_paths_are_400_with_or_without_a_token(system: Any, path: str) -> None:
    token = system.token("educadora@demo.cl")
    with system.client() as client:
        for headers in ({}, auth_header(token)):
            response = client.get(path, headers=headers)
            assert response.status_code == 400, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["code"] == "invalid_path"


def test_a_body_past_its_limit_is_413_declared_or_streamed(system: Any) -> None:
    headers = auth_header(system.token("educadora@demo.cl")) | {"Content-Type": "application/json"}

    def chunked(total: int) -> Iterator[bytes]:
        yield b'{"values": ['
        for _ in range(total // 65536):
            yield b"1," * 32768
        yield b"1]}"

    with system.client() as client:
        declared = client.post("/api/v1/spc/run-chart", content=b" " * (MIB + 1), headers=headers)
        assert declared.status_code == 413
        assert declared.json()["code"] == "payload_too_large"
        streamed = client.post("/api/v1/spc/run-chart", content=chunked(3 * MIB), headers=headers)
        assert streamed.status_code == 413
        assert streamed.headers["content-type"] == "application/problem+json"
        # Login is 16 KiB at most, and it is public.
        login = client.post("/api/v1/auth/token", content=b"u" * (17 * 1024))
        assert login.status_code == 413
        # The system still answers afterwards.
        assert client.get("/api/v1/health").status_code == 200
        assert system.token("educadora@demo.cl")
