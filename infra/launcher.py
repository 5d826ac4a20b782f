"""Starts the whole system on one machine: migrate, seed (once), run the services, the job worker and the gateway.

``make run`` calls this. It supervises: a process that dies is logged and started
again after a backoff (1 s, doubling up to 30 s; reset once it has run for a minute),
while the others keep serving — the gateway answers 503 naming the missing service
meanwhile. Ctrl-C (or SIGTERM) stops every process it started; each child also gets
SIGTERM if this launcher dies, so nothing is orphaned.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn
from urllib.error import URLError
from urllib.parse import urlsplit
from urllib.request import urlopen

from mejora_common.settings import CommonSettings

ROOT = Path(__file__).resolve().parent.parent
DEMO_FILE = ROOT / "infra" / "demo" / "directory.json"
SERVICES = ("cycles", "observations", "reports")
# Bump a service's entry when its demo seed grows, so existing data directories get the new part.
SEED_VERSIONS = {"cycles": "2", "observations": "1", "reports": "1"}
DEMO_LOGINS = [
    ("coordinacion@demo.cl", "coordinación (UATP)"),
    ("facilitacion@demo.cl", "facilitación (universidad)"),
    ("acompanante@demo.cl", "acompañante"),
    ("direccion@demo.cl", "dirección de establecimiento"),
    ("educadora@demo.cl", "educadora"),
]
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: deliver SIGTERM to the child when the launcher dies, even by SIGKILL."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def log(message: str) -> None:
    print(f"[mejora] {message}", file=sys.stderr, flush=True)


def base_env() -> dict[str, str]:
    env = dict(os.environ)
    data_dir = Path(env.get("MEJORA_DATA_DIR", "var"))
    if not data_dir.is_absolute():
        data_dir = (Path.cwd() / data_dir).resolve()
    env["MEJORA_DATA_DIR"] = str(data_dir)
    env.setdefault("MEJORA_PORT", "8000")
    settings = CommonSettings.model_validate({"data_dir": data_dir, "port": int(env["MEJORA_PORT"])})
    # Keys (docs/adr/0009-asymmetric-tokens.md): each service makes its own key pair in <data_dir> at first
    # start and the others fetch its public keys. One key handed to every process would let any of them mint
    # cycles' tokens, so a signing key in the environment is not passed on to all of them.
    for name in ("MEJORA_SIGNING_KEY", "MEJORA_SIGNING_KEY_FILE", "MEJORA_PREVIOUS_PUBLIC_KEYS"):
        env.pop(name, None)
    for service in SERVICES:
        key = f"MEJORA_{service.upper()}_URL"
        env[key] = env.get(key) or settings.service_url(service)
    return env


def run_step(args: Sequence[str], env: dict[str, str]) -> None:
    result = subprocess.run([sys.executable, *args], env=env, check=False)
    if result.returncode != 0:
        raise SystemExit(f"Falló: {' '.join(args)} (código {result.returncode})")


def migrate_and_seed(env: dict[str, str], seed: bool = True) -> None:
    data_dir = Path(env["MEJORA_DATA_DIR"])
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # scores and password hashes live here
    for service in SERVICES:
        log(f"migrando {service}…")
        run_step(["-m", f"{service}_service", "migrate"], env)
    if not seed:
        return
    for service, version in SEED_VERSIONS.items():
        marker = data_dir / f".seeded-{service}"
        if marker.exists() and marker.read_text().strip() == version:
            continue
        log(f"cargando datos de demostración en {service}…")
        run_step(["-m", f"{service}_service", "seed", "--demo", str(DEMO_FILE)], env)
        marker.write_text(version)


def spawn(args: Sequence[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, *args], env=env, preexec_fn=_die_with_parent)  # noqa: PLW1509


def uvicorn_args(app: str, url: str) -> list[str]:
    parts = urlsplit(url)
    return [
        "-m",
        "uvicorn",
        "--factory",
        app,
        "--host",
        parts.hostname or "127.0.0.1",
        "--port",
        str(parts.port or 80),
        "--no-access-log",
        "--timeout-graceful-shutdown",
        "5",
    ]


def wait_ready(url: str, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urlopen(url, timeout=1) as response:  # noqa: S310 - local URL we built
                if response.status == 200:
                    return True
        except (URLError, OSError):
            pass
        time.sleep(0.2)
    return False


BACKOFF_FIRST_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 30.0
STABLE_AFTER_SECONDS = 60.0


@dataclass
class Supervised:
    """One child process and when to start it again after it dies."""

    name: str
    args: list[str]
    process: subprocess.Popen[bytes]
    started: float = field(default_factory=time.monotonic)
    backoff: float = BACKOFF_FIRST_SECONDS
    restart_at: float | None = None
    restarts: int = 0

    def check(self, env: dict[str, str], now: float) -> None:
        """Notice a death, schedule the restart, and restart when it is due."""
        if self.restart_at is None:
            code = self.process.poll()
            if code is None:
                if now - self.started > STABLE_AFTER_SECONDS:
                    self.backoff = BACKOFF_FIRST_SECONDS
                return
            log(f"{self.name} terminó (código {code}); se reinicia en {self.backoff:.0f} s")
            self.restart_at = now + self.backoff
            self.backoff = min(BACKOFF_MAX_SECONDS, self.backoff * 2)
        elif now >= self.restart_at:
            self.process = spawn(self.args, env)
            self.started, self.restart_at = now, None
            self.restarts += 1
            log(f"{self.name} reiniciado (pid {self.process.pid})")


def supervise(children: Sequence[Supervised], env: dict[str, str]) -> NoReturn:
    """Keep every child running until Ctrl-C or SIGTERM (raised as KeyboardInterrupt)."""
    while True:
        now = time.monotonic()
        for child in children:
            child.check(env, now)
        time.sleep(0.25)


def stop_all(children: Sequence[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + 10
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def main() -> int:
    env = base_env()
    migrate_and_seed(env)
    host = env.get("MEJORA_HOST", "127.0.0.1")
    port = env["MEJORA_PORT"]
    children: list[Supervised] = []

    def on_signal(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    def start(name: str, args: list[str]) -> None:
        children.append(Supervised(name, args, spawn(args, env)))

    signal.signal(signal.SIGTERM, on_signal)
    try:
        for service in SERVICES:
            start(service, uvicorn_args(f"{service}_service.main:create_app", env[f"MEJORA_{service.upper()}_URL"]))
        for service in SERVICES:
            if not wait_ready(env[f"MEJORA_{service.upper()}_URL"] + "/ready"):
                log(f"el servicio {service} no quedó listo; revisa los mensajes anteriores")
        # The job worker renders the documents asked for in the background (results PDFs) from the reports database.
        start("reports-worker", ["-m", "reports_service", "worker"])
        start("gateway", uvicorn_args("gateway.main:create_app", f"http://{host}:{port}"))
        if wait_ready(f"http://{host}:{port}/api/v1/health"):
            log(f"Mejora en Red está funcionando en http://{host}:{port}")
            log("Cuentas de demostración (solo desarrollo), contraseña mejora2024:")
            for email, role in DEMO_LOGINS:
                log(f"  {email:<24} {role}")
            log("Ctrl-C para detener todo.")
        supervise(children, env)
    except KeyboardInterrupt:
        log("deteniendo…")
        return 0
    finally:
        stop_all([child.process for child in children])


if __name__ == "__main__":
    raise SystemExit(main())
