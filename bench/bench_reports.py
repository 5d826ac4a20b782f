"""Benchmarks of the reports service (issue 5), end to end on the embedded default.

    .venv/bin/python bench/bench_reports.py [--classrooms 1000] [--runs 5]

Starts a temporary system (SQLite files in a temporary directory, the three services and the
gateway on free ports, demo seed), generates the data through the public APIs (a roster of
``--classrooms`` teachers, then two waves of one observation per classroom, 10 CLASS dimensions x
4 observation cycles each, imported with ``observations:import``), and times, through the gateway:

* the network results of a wave compared with the previous one (target: under 2 s);
* a teacher's feedback as PDF (target: under 1 s);
* the run-chart analysis of 10,000 points (target: under 50 ms), in process and over HTTP.

Prints the machine and the figures (min / median / max of ``--runs`` runs after one warm-up).
Nothing here is a test: tests never time anything.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
NETWORK = "4a9780fa-d5cc-58ce-a135-00cda17974df"
PASSWORD = "mejora2024"  # noqa: S105 - the documented demo password
DIMENSIONS = [
    ("ES", "PC"),
    ("ES", "NC"),
    ("ES", "TS"),
    ("ES", "RSP"),
    ("CO", "BM"),
    ("CO", "PD"),
    ("CO", "ILF"),
    ("IS", "CD"),
    ("IS", "QF"),
    ("IS", "LM"),
]
LEVELS = ["prekinder", "kinder", "1basico", "2basico"]


def load_launcher() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mejora_launcher", ROOT / "infra" / "launcher.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["mejora_launcher"] = module
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    import socket  # noqa: PLC0415

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def run_with_check_digit(number: int) -> str:
    """A Chilean RUN with its modulo-11 check digit."""
    total, factor = 0, 2
    for digit in reversed(str(number)):
        total += int(digit) * factor
        factor = 2 if factor == 7 else factor + 1
    rest = 11 - total % 11
    check = "0" if rest == 11 else "K" if rest == 10 else str(rest)
    return f"{number}-{check}"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu}, {cores} núcleos disponibles{memory}; {system}; Python {platform.python_version()}"


def timed(label: str, runs: int, call: Callable[[], Any]) -> list[float]:
    call()  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    print(
        f"{label}: min {min(samples) * 1000:.0f} ms · mediana {statistics.median(samples) * 1000:.0f} ms · "
        f"máx {max(samples) * 1000:.0f} ms ({runs} corridas)",
        flush=True,
    )
    return samples


def token(client: httpx.Client, email: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def import_roster(
    client: httpx.Client, auth: dict[str, str], classrooms: int, schools: int = 40
) -> list[dict[str, Any]]:
    """Import ``classrooms`` bench teachers spread over ``schools`` schools; return them as the directory lists them."""
    lines = ["rbd;establecimiento;comuna;run;nombre;email;rol;niveles"]
    for i in range(classrooms):
        school = i % schools
        lines.append(
            f"{20000 + school};Escuela de prueba {school};La Granja;{run_with_check_digit(30_000_000 + i)};"
            f"Docente {i};docente{i}@bench.cl;educadora;{LEVELS[i % 4]}"
        )
    response = client.post(
        f"/api/v1/networks/{NETWORK}/roster:import",
        content="\n".join(lines).encode(),
        headers={**auth, "Content-Type": "text/csv"},
        timeout=900,
    )
    response.raise_for_status()
    teachers: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = client.get(
            f"/api/v1/networks/{NETWORK}/people",
            params={"role": "teacher", "limit": 200, "offset": offset},
            headers=auth,
        ).json()
        teachers += [p for p in page["items"] if str(p.get("email", "")).endswith("@bench.cl")]
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            return teachers


def generate(client: httpx.Client, auth: dict[str, str], classrooms: int) -> None:
    """Roster of ``classrooms`` teachers in 40 schools, then two waves of observations."""
    started = time.perf_counter()
    teachers = import_roster(client, auth, classrooms)
    me = client.get("/api/v1/auth/me", headers=auth).json()
    observer = next(m["person_id"] for m in me["memberships"] if m["network_id"] == NETWORK)
    rng = random.Random(5)  # noqa: S311 - reproducible synthetic data, not security
    print(f"nómina: {len(teachers)} docentes en {time.perf_counter() - started:.1f} s", flush=True)
    for wave, day, lift in (("2030-1", "2030-05-10", 0.0), ("2030-2", "2030-10-10", 0.3)):
        started = time.perf_counter()
        rows: list[dict[str, Any]] = []
        for teacher in teachers:
            obs_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench:{teacher['id']}:{wave}"))
            base = rng.uniform(2.5, 5.5) + lift
            for cycle in range(1, 5):
                for domain, dim in DIMENSIONS:
                    raw = base + rng.uniform(-1.2, 1.2)
                    score = round(8 - raw if dim == "NC" else raw)
                    rows.append(
                        {
                            "observation_id": obs_id,
                            "network_id": NETWORK,
                            "school_id": teacher["school_id"],
                            "teacher_id": teacher["id"],
                            "observer_id": observer,
                            "instrument_code": "class-prek-k3",
                            "instrument_version": 1,
                            "level": (teacher.get("levels") or ["kinder"])[0],
                            "observed_on": day,
                            "wave": wave,
                            "mode": "live",
                            "status": "submitted",
                            "double_codes_id": None,
                            "cycle_number": cycle,
                            "cycle_started_at": None,
                            "cycle_duration_minutes": 20,
                            "cycle_notes": "",
                            "domain_code": domain,
                            "dimension_code": dim,
                            "score": min(7, max(1, score)),
                            "evidence": "",
                        }
                    )
        response = client.post(
            "/api/v1/observations:import",
            params={"network_id": NETWORK},
            json=rows,
            headers=auth,
            timeout=900,
        )
        if response.status_code >= 400:
            raise SystemExit(f"import failed: {response.status_code} {response.text[:2000]}")
        print(
            f"medición {wave}: {response.json()['observations']} observaciones ({len(rows)} filas) en "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--classrooms", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"Máquina: {machine()}", flush=True)

    # Pure analysis first (no server).
    sys.path.insert(0, str(ROOT / "services" / "reports"))
    from reports_service.domain.spc import analyze_run_chart  # noqa: PLC0415

    rng = random.Random(1)  # noqa: S311 - reproducible synthetic data, not security
    values = [rng.gauss(50, 10) + (8 if i > 5000 else 0) for i in range(10_000)]
    timed(
        "análisis de gráfico de corrida, 10.000 puntos (en proceso)", args.runs * 4, lambda: analyze_run_chart(values)
    )

    launcher = load_launcher()
    data_dir = Path(tempfile.mkdtemp(prefix="mejora-bench-"))
    os.environ.update(
        {"MEJORA_DATA_DIR": str(data_dir), "MEJORA_PORT": str(free_port()), "MEJORA_LOG_LEVEL": "WARNING"}
    )
    for service in ("cycles", "observations", "reports"):
        os.environ[f"MEJORA_{service.upper()}_URL"] = f"http://127.0.0.1:{free_port()}"
        os.environ.pop(f"MEJORA_{service.upper()}_DATABASE_URL", None)  # the embedded default: SQLite files
    os.environ.pop("MEJORA_JWT_SECRET", None)
    env = launcher.base_env()
    launcher.migrate_and_seed(env)
    gateway = f"http://127.0.0.1:{env['MEJORA_PORT']}"
    processes = []
    try:
        for service in ("cycles", "observations", "reports"):
            url = env[f"MEJORA_{service.upper()}_URL"]
            processes.append(launcher.spawn(launcher.uvicorn_args(f"{service}_service.main:create_app", url), env))
            assert launcher.wait_ready(f"{url}/ready", 60), service
        processes.append(launcher.spawn(launcher.uvicorn_args("gateway.main:create_app", gateway), env))
        assert launcher.wait_ready(f"{gateway}/api/v1/openapi.json", 60)
        with httpx.Client(base_url=gateway, timeout=120) as client:
            coordinator = token(client, "coordinacion@demo.cl")
            generate(client, coordinator, args.classrooms)
            results = f"/api/v1/reports/networks/{NETWORK}/results"

            def network_results() -> None:
                r = client.get(results, params={"wave": "2030-2", "compare": "2030-1"}, headers=coordinator)
                r.raise_for_status()
                body = r.json()
                assert body["network_results"]["n_classrooms"] == args.classrooms, body["network_results"]
                assert body["comparison"]["n_pairs"] == args.classrooms

            timed(f"resultados de la red, {args.classrooms} aulas × 2 mediciones, JSON", args.runs, network_results)
            timed(
                "resultados de la red, CSV",
                args.runs,
                lambda: client.get(
                    results, params={"wave": "2030-2", "compare": "2030-1", "format": "csv"}, headers=coordinator
                ).raise_for_status(),
            )
            timed(
                "resultados de la red, PDF",
                max(2, args.runs // 2),
                lambda: client.get(
                    results, params={"wave": "2030-2", "compare": "2030-1", "format": "pdf"}, headers=coordinator
                ).raise_for_status(),
            )
            teacher = token(client, "educadora@demo.cl")
            own = client.get(
                "/api/v1/observations", params={"network_id": NETWORK, "status": "submitted"}, headers=teacher
            ).json()["items"]
            feedback = f"/api/v1/reports/observations/{own[-1]['id']}/feedback"
            timed(
                "devolución a una docente, PDF",
                args.runs,
                lambda: client.get(feedback, params={"format": "pdf"}, headers=teacher).raise_for_status(),
            )
            timed(
                "análisis de gráfico de corrida, 10.000 puntos (POST /api/v1/spc/run-chart)",
                args.runs,
                lambda: client.post(
                    "/api/v1/spc/run-chart", json={"values": values}, headers=teacher
                ).raise_for_status(),
            )
    finally:
        launcher.stop_all(processes)


if __name__ == "__main__":
    main()
