from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.main import create_app
from gateway.settings import GatewaySettings
from mejora_common.testing import TEST_KEYS, ServerThread, free_port


def gateway_settings(tmp_path: Path, read_timeout: float = 2.0, **urls: str) -> GatewaySettings:
    return GatewaySettings(
        **TEST_KEYS.settings("gateway"),
        data_dir=tmp_path,
        frontend_dir=tmp_path / "dist",
        read_timeout=read_timeout,
        connect_timeout=1.0,
        health_timeout=1.0,
        cycles_url=urls.get("cycles", f"http://127.0.0.1:{free_port()}"),
        observations_url=urls.get("observations", f"http://127.0.0.1:{free_port()}"),
        reports_url=urls.get("reports", f"http://127.0.0.1:{free_port()}"),
    )


@pytest.fixture
def start_gateway(tmp_path: Path) -> Iterator[Any]:
    servers: list[ServerThread] = []

    def start(read_timeout: float = 2.0, **urls: str) -> httpx.Client:
        server = ServerThread(create_app(gateway_settings(tmp_path, read_timeout, **urls))).__enter__()
        servers.append(server)
        return httpx.Client(base_url=server.url, timeout=15)

    yield start
    for server in servers:
        server.__exit__()
