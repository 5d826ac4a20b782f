"""Operating the real system: metrics on each service's own port and never through the gateway; a backup of the
running system pauses writes (503 ``maintenance``) while reads go on."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from mejora_common.maintenance import RETRY_AFTER_SECONDS, pause_writes
from mejora_common.testing import auth_header

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("cycles", "observations", "reports")
COORDINATOR = "coordinacion@demo.cl"


def database_urls(system: Any) -> list[str]:
    data_dir = Path(system.env["MEJORA_DATA_DIR"])
    return [
        system.env.get(f"MEJORA_{service.upper()}_DATABASE_URL") or f"sqlite:///{data_dir / f'{service}.db'}"
        for service in SERVICES
    ]


def test_each_service_serves_metrics_on_its_own_port_and_the_gateway_never(system: Any) -> None:
    headers = auth_header(system.token(COORDINATOR))
    with system.client() as client:
        assert client.get("/api/v1/networks", headers=headers).status_code == 200
        for path in ("/metrics", "/api/v1/metrics", "/api/v1/networks/metrics"):
            refused = client.get(path, headers=headers)
            assert refused.status_code == 404, path
            assert "mejora_http" not in refused.text
    for service in SERVICES:
        answer = httpx.get(f"{system.service_url(service)}/metrics", timeout=10)
        assert answer.status_code == 200, service
        assert f'service="{service}"' in answer.text
        assert "mejora_http_requests_total" in answer.text
        assert "mejora_db_pool_size" in answer.text
    cycles = httpx.get(f"{system.service_url('cycles')}/metrics", timeout=10).text
    assert 'mejora_http_requests_total{route_class="read",service="cycles",status_class="2xx"}' in cycles


def draft_put(client: httpx.Client, headers: dict[str, str]) -> httpx.Response:
    """A write that changes nothing: an observation with an empty body (422 when writes are open)."""
    return client.put(f"/api/v1/observations/{uuid.uuid4()}", json={}, headers=headers)


def test_writes_are_paused_during_a_backup_and_reads_go_on(system: Any) -> None:
    headers = auth_header(system.token(COORDINATOR))
    with system.client() as client:
        assert draft_put(client, headers).status_code == 422
        with pause_writes(database_urls(system)):  # waits until every process has looked at the flag
            paused = draft_put(client, headers)
            assert paused.status_code == 503, paused.text
            assert paused.json()["code"] == "maintenance"
            assert paused.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
            assert client.get("/api/v1/networks", headers=headers).status_code == 200
        deadline = time.monotonic() + 30
        while (status := draft_put(client, headers).status_code) == 503 and time.monotonic() < deadline:
            time.sleep(0.2)  # each process looks again within a second
        assert status == 422


def test_the_operator_command_backs_up_the_running_system(system: Any, tmp_path: Path) -> None:
    identity = tmp_path / "identity.txt"
    subprocess.run(["age-keygen", "-o", str(identity)], check=True, capture_output=True)
    public = subprocess.run(["age-keygen", "-y", str(identity)], check=True, capture_output=True, text=True).stdout
    (tmp_path / "recipients.txt").write_text(public, encoding="utf-8")
    env = {
        **os.environ,
        **system.env,
        "PYTHONPATH": str(ROOT / "infra" / "ops"),
        "MEJORA_BACKUP_RECIPIENTS": str(tmp_path / "recipients.txt"),
    }
    out = tmp_path / "respaldo.tar.age"
    done = subprocess.run(
        [sys.executable, "-m", "mejora_ops", "backup", "--output", str(out)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out)
    assert out.read_bytes().startswith(b"age-encryption.org/v1")
    listing = subprocess.run(
        ["age", "--decrypt", "--identity", str(identity), str(out)], check=True, capture_output=True
    ).stdout
    assert b"manifest.json" in listing and b"db.cycles." in listing and b"db.observations." in listing
