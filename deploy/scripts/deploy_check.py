"""``make deploy-check``: the compose deployment really built, started, used, broken and torn down.

1. the engine (started when it is not running; stopped at the end only when this check started it);
2. ``make images`` (deploy/images/build.sh);
3. the compose stack with deploy/compose/host-network.yml (loopback ports), waited for through the gateway;
4. the operator's first steps (``cycles_service bootstrap``) and the smoke suite (deploy/scripts/smoke.py);
5. two reports instances behind the gateway: both ready, and reports keep answering with either one stopped;
6. SIGKILL to a service's main process: the others keep answering and the restart policy brings it back;
7. ``down -v``: no container, network or volume of the project is left (checked).
Every wait is bounded; the whole check must fit in 12 minutes on a 2-core machine.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from smoke import WAVE, reports_answer, run_smoke

ROOT = Path(__file__).resolve().parents[2]
DOCKER = "/usr/bin/docker"
PROJECT = "mejora-deploy-check"
COMPOSE = ["docker-compose", "-p", PROJECT, "-f", "docker-compose.yml", "-f", "deploy/compose/host-network.yml"]
GATEWAY = "http://127.0.0.1:18000"
REPORTS_INSTANCES = {"reports": "http://127.0.0.1:18003", "reports-2": "http://127.0.0.1:18013"}
COORDINATOR = {"email": "coordinacion@slep-prueba.cl", "name": "Coordinación de Prueba", "run": "15943406-0"}
STACK_WAIT_SECONDS = 240
RESTART_WAIT_SECONDS = 90


def log(message: str) -> None:
    print(f"[deploy-check {time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(command: list[str], env: dict[str, str] | None = None, timeout: float = 900) -> str:
    result = subprocess.run(command, cwd=ROOT, env=env, timeout=timeout, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} -> {result.returncode}\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


def wait_for(what: str, check: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (httpx.HTTPError, RuntimeError):
            pass
        time.sleep(2)
    raise RuntimeError(f"timed out after {seconds:.0f} s waiting for {what}")


def answers(url: str) -> bool:
    return httpx.get(url, timeout=5).status_code == 200


def stack_env(password: str) -> dict[str, str]:
    return {
        **os.environ,
        "POSTGRES_PASSWORD": password,
        "MEJORA_CYCLES_URL": "http://127.0.0.1:18001",
        "MEJORA_OBSERVATIONS_URL": "http://127.0.0.1:18002",
        "MEJORA_REPORTS_URL": "http://127.0.0.1:18003",
        "MEJORA_DATABASE_HOST": "127.0.0.1:55432",
    }


def write_signing_keys() -> None:
    """One throwaway Ed25519 key per service in ./secrets/, where docker-compose.yml mounts them from (kept if there).

    0644: the containers run as user 10001 and read the bind-mounted file; a real installation gives each key to
    that user only (docs/deployment.md)."""
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415 - only here
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: PLC0415

    folder = ROOT / "secrets"
    folder.mkdir(mode=0o755, exist_ok=True)
    for service in ("cycles", "observations", "reports"):
        path = folder / f"{service}-signing-key.pem"
        if not path.exists():
            pem = Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            path.write_bytes(pem)
        path.chmod(0o644)


def container_id(env: dict[str, str], service: str) -> str:
    return run([*COMPOSE, "ps", "-q", service], env).strip()


def check_two_reports_instances(env: dict[str, str], login: dict[str, str], network_id: str) -> None:
    for name, url in REPORTS_INSTANCES.items():
        if not answers(f"{url}/ready"):
            raise RuntimeError(f"{name} is not ready at {url}")
    reports_answer(GATEWAY, login["email"], login["password"], network_id)
    for name, url in REPORTS_INSTANCES.items():
        run([*COMPOSE, "stop", name], env)
        reports_answer(GATEWAY, login["email"], login["password"], network_id)
        run([*COMPOSE, "start", name], env)
        wait_for(f"{name} ready again", partial(answers, f"{url}/ready"), 90)
    log("two reports instances: both ready; reports answer through the gateway with either one stopped")


def check_sigkill_restart(env: dict[str, str], login: dict[str, str], network_id: str) -> None:
    victim = container_id(env, "observations")
    pid = run([DOCKER, "inspect", "-f", "{{.State.Pid}}", victim]).strip()
    before = int(run([DOCKER, "inspect", "-f", "{{.RestartCount}}", victim]).strip())
    os.kill(int(pid), 9)
    log(f"observations' main process (pid {pid}) killed with SIGKILL")
    with httpx.Client(base_url=GATEWAY, timeout=30) as client:
        token = client.post("/api/v1/auth/token", data={"username": login["email"], "password": login["password"]})
        auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
        if client.get("/api/v1/networks", headers=auth).status_code != 200:
            raise RuntimeError("cycles stopped answering while observations was down")
        # Reports needs observations: it answers, with a 503 naming it until it is back.
        results = client.get(f"/api/v1/reports/networks/{network_id}/results", params={"wave": WAVE}, headers=auth)
        if results.status_code != 200 and results.json().get("service") != "observations":
            raise RuntimeError(
                f"reports answered {results.status_code} {results.text[:200]} while observations was down"
            )

    def restarted() -> bool:
        count = int(run([DOCKER, "inspect", "-f", "{{.RestartCount}}", victim]).strip())
        return count > before and answers("http://127.0.0.1:18002/ready")

    wait_for("observations restarted by its restart policy", restarted, RESTART_WAIT_SECONDS)
    log("observations restarted by the restart policy; the others answered meanwhile")


def leftovers() -> list[str]:
    label = f"label=com.docker.compose.project={PROJECT}"
    found = []
    for kind, command in (
        ("container", [DOCKER, "ps", "-aq", "--filter", label]),
        ("network", [DOCKER, "network", "ls", "-q", "--filter", label]),
        ("volume", [DOCKER, "volume", "ls", "-q", "--filter", label]),
    ):
        found += [f"{kind} {item}" for item in run(command).split()]
    return found


def exercise(env: dict[str, str]) -> None:
    log("starting the stack (PostgreSQL, cycles, observations, reports x2, the job worker, gateway)")
    run([*COMPOSE, "up", "-d", "--no-build"], env, timeout=STACK_WAIT_SECONDS + 60)
    wait_for("the gateway's system health", lambda: answers(f"{GATEWAY}/api/v1/health"), STACK_WAIT_SECONDS)
    password = secrets.token_urlsafe(18)
    bootstrap = [
        *COMPOSE, "exec", "-T", "-e", f"MEJORA_BOOTSTRAP_PASSWORD={password}", "cycles",
        "python", "-m", "cycles_service", "bootstrap", "--network-name", "Red de Prueba", "--slep", "SLEP de Prueba",
        "--email", COORDINATOR["email"], "--name", COORDINATOR["name"], "--run", COORDINATOR["run"],
    ]  # fmt: skip
    log(run(bootstrap, env).strip())
    login = {"email": COORDINATOR["email"], "password": password}
    created = run_smoke(GATEWAY, login["email"], password)
    log(f"smoke suite passed through the gateway (network {created['network_id']})")
    check_two_reports_instances(env, login, created["network_id"])
    check_sigkill_restart(env, login, created["network_id"])


def main() -> int:
    started = time.monotonic()
    engine = run(["deploy/scripts/engine.sh", "start"]).strip()
    log(f"engine: {engine}")
    env = stack_env(secrets.token_urlsafe(24))
    write_signing_keys()
    failure: BaseException | None = None
    try:
        log("building the images (make images)")
        run(["deploy/images/build.sh"], timeout=600)
        exercise(env)
    except (RuntimeError, AssertionError, httpx.HTTPError, subprocess.TimeoutExpired) as error:
        failure = error
        log(f"FAILED: {error}")
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            print(run([*COMPOSE, "logs", "--tail", "40"], env, timeout=60)[-6000:], flush=True)
    finally:
        subprocess.run([*COMPOSE, "down", "-v", "--remove-orphans", "-t", "10"], cwd=ROOT, env=env, timeout=180,
                       capture_output=True, check=False)  # fmt: skip
        left = leftovers()
        if left:
            failure = failure or RuntimeError(f"left behind: {', '.join(left)}")
            log(f"FAILED: left behind {', '.join(left)}")
        else:
            log("torn down: no container, network or volume of the project is left")
        if engine == "started":
            run(["deploy/scripts/engine.sh", "stop"])
            log("engine stopped (this check started it)")
    log(f"{'FAILED' if failure else 'passed'} in {time.monotonic() - started:.0f} s")
    return 1 if failure else 0


if __name__ == "__main__":
    sys.exit(main())
