"""The real worker process (``python -m reports_service worker``) renders a queued job end to end, on both engines.

Its health server answers the probes compose and Kubernetes use, and SIGTERM stops it cleanly.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.request import urlopen

import pytest
from fastapi.testclient import TestClient

from mejora_common.testing import free_port

from .test_jobs import JOBS, WAVE, person, results, settings  # noqa: F401 - fixtures of this module's tests

#: How long the worker may take before the test fails (a failure, not a timing assertion).
GIVE_UP_AFTER = 120.0


@pytest.fixture
def worker(settings: Any, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:  # noqa: F811
    port = free_port()
    env = {
        **os.environ,
        "MEJORA_REPORTS_DATABASE_URL": settings.effective_database_url(),
        "MEJORA_DATA_DIR": str(tmp_path),
        "MEJORA_REPORTS_WORKER_PORT": str(port),
        "MEJORA_REPORTS_WORKER_POLL_SECONDS": "0.2",
        "MEJORA_REPORTS_WORKER_HOST": "127.0.0.1",
    }
    process = subprocess.Popen([sys.executable, "-m", "reports_service", "worker"], env=env, stdout=subprocess.PIPE)
    try:
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def get(url: str) -> tuple[int, Any]:
    try:
        with urlopen(url, timeout=2) as response:  # noqa: S310 - a local test URL
            return response.status, json.loads(response.read())
    except URLError:
        return 0, None


def test_the_worker_process_renders_a_pdf_job(
    settings: Any,  # noqa: F811
    results: Any,  # noqa: F811
    worker: tuple[subprocess.Popen[bytes], int],
) -> None:
    from reports_service.main import create_app

    process, port = worker
    coordinator = person("coordinator")
    with TestClient(create_app(settings)) as client:
        created = client.post(JOBS, json={"wave": WAVE, "format": "pdf"}, headers=coordinator)
        assert created.status_code == 202, created.text
        url = created.headers["Location"]
        deadline = time.monotonic() + GIVE_UP_AFTER
        job = created.json()
        while job["state"] not in ("done", "failed") and time.monotonic() < deadline:
            time.sleep(0.2)
            job = client.get(url, headers=coordinator).json()
        assert job["state"] == "done", job
        file = client.get(job["file_url"], headers=coordinator)
        assert file.status_code == 200 and file.content.startswith(b"%PDF")

    assert get(f"http://127.0.0.1:{port}/health") == (200, {"status": "ok", "detail": "ok"})
    status, ready = get(f"http://127.0.0.1:{port}/ready")
    assert status == 200, ready
    with urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as scraped:
        assert 'mejora_jobs{state="queued"} 0.0' in scraped.read().decode()
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=GIVE_UP_AFTER) == 0
    assert process.stdout is not None
    events = [json.loads(line)["event"] for line in process.stdout.read().decode().splitlines() if line.startswith("{")]
    assert events[0] == "worker_started" and "job_done" in events
