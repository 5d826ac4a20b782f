"""Publishing a wave's results in tests, as the network's coordinator does before others can read them."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from mejora_common.testing import DEMO_NETWORK_ID as NETWORK
from mejora_common.testing import auth_header, make_principal, make_token


def coordinator_headers() -> dict[str, str]:
    return auth_header(make_token(make_principal("coordinator", NETWORK)))


def publish(client: TestClient, wave: str, *, expect: int = 201) -> Any:
    """POST a release of ``wave``; returns the answer's JSON (a release, or the refusal's problem)."""
    response = client.post(f"/api/v1/reports/networks/{NETWORK}/waves/{wave}/releases", headers=coordinator_headers())
    assert response.status_code == expect, response.text
    return response.json()
