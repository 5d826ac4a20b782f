"""`make run`'s launcher: starts everything, prints the demo logins, and leaves no process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from mejora_common.testing import free_port

ROOT = Path(__file__).resolve().parents[2]


def children_of(pid: int) -> set[int]:
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def start_launcher(tmp_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = dict(os.environ)
    for service in ("CYCLES", "OBSERVATIONS", "REPORTS"):
        env.pop(f"MEJORA_{service}_URL", None)
        env.pop(f"MEJORA_{service}_DATABASE_URL", None)
        env[f"MEJORA_{service}_URL"] = f"http://127.0.0.1:{free_port()}"
    env.update({"MEJORA_PORT": str(port), "MEJORA_DATA_DIR": str(tmp_path / "var")})
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "infra" / "launcher.py")],
        env=env,
        cwd=ROOT,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        assert process.poll() is None, "the launcher exited early"
        time.sleep(0.3)
    raise AssertionError("the system did not become healthy")


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGKILL])
def test_ctrl_c_or_a_killed_launcher_leaves_no_orphans(tmp_path: Path, stop_signal: signal.Signals) -> None:
    process, url = start_launcher(tmp_path)
    children = children_of(process.pid)
    assert len(children) == 5  # three services, the job worker and the gateway
    assert child_running(process.pid, "worker") in children  # python -m reports_service worker
    login = httpx.post(f"{url}/api/v1/auth/token", data={"username": "educadora@demo.cl", "password": "mejora2024"})
    assert login.status_code == 200
    if stop_signal == signal.SIGINT:
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        _, stderr = process.communicate(timeout=30)
        assert b"coordinacion@demo.cl" in stderr
    else:
        process.kill()
        process.wait(timeout=10)
    deadline = time.monotonic() + 20
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(alive(pid) for pid in children)
    assert (tmp_path / "var" / ".seeded-cycles").exists()
    assert (tmp_path / "var").stat().st_mode & 0o777 == 0o700  # scores and password hashes: owner only


def child_running(parent: int, module: str) -> int | None:
    for pid in children_of(parent):
        try:
            if module.encode() in Path(f"/proc/{pid}/cmdline").read_bytes() and alive(pid):
                return pid
        except OSError:
            continue
    return None


def test_a_killed_service_is_restarted_while_the_others_answer(tmp_path: Path) -> None:
    import json
    import uuid

    from mejora_common.testing import DEMO_FILE, DEMO_NETWORK_ID

    process, url = start_launcher(tmp_path)
    try:
        token = httpx.post(
            f"{url}/api/v1/auth/token", data={"username": "acompanante@demo.cl", "password": "mejora2024"}
        ).json()["access_token"]
        coach = {"Authorization": f"Bearer {token}"}
        teacher = next(p for p in json.loads(DEMO_FILE.read_text())["people"] if p.get("email") == "educadora@demo.cl")
        instruments = httpx.get(f"{url}/api/v1/instruments", headers=coach).json()["items"]
        draft = {
            "instrument_id": next(i["id"] for i in instruments if i["code"] == "class-prek-k3"),
            "network_id": str(DEMO_NETWORK_ID),
            "school_id": teacher["school_id"],
            "teacher_id": teacher["id"],
            "level": teacher["levels"][0],
            "observed_on": "2024-09-11",
            "wave": "2024-3",
            "cycles": [{"number": 1, "scores": {"PC": 5}}],
        }
        oid = str(uuid.uuid4())
        assert httpx.put(f"{url}/api/v1/observations/{oid}", json=draft, headers=coach).status_code == 201

        victim = child_running(process.pid, "observations_service")
        assert victim is not None
        os.kill(victim, signal.SIGKILL)
        # Meanwhile the rest serves and the gateway names the missing service.
        assert httpx.get(f"{url}/api/v1/networks", headers=coach).status_code == 200
        down = httpx.get(f"{url}/api/v1/observations/{oid}", headers=coach)
        assert down.status_code in (502, 503)
        assert down.json()["service"] == "observations"
        deadline = time.monotonic() + 60
        read = None
        while time.monotonic() < deadline:
            try:
                read = httpx.get(f"{url}/api/v1/observations/{oid}", headers=coach, timeout=5)
            except httpx.HTTPError:
                read = None
            if read is not None and read.status_code == 200:
                break
            time.sleep(0.3)
        assert read is not None and read.status_code == 200, "observations was not restarted"
        assert read.json()["observed_on"] == "2024-09-11"  # what was acknowledged before the crash is still there
        assert process.poll() is None
        assert child_running(process.pid, "observations_service") not in (None, victim)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert b"reiniciado" in stderr
