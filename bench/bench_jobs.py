"""Benchmark of report documents made by background jobs (issue 12, point 2), end to end through the gateway.

    .venv/bin/python bench/bench_jobs.py [--schools 40 200] [--per-school 10] [--runs 3] [--postgres ADMIN_URL]

For each school count it starts a temporary system (the three services, the gateway and the job worker as separate
processes, as ``make run`` does; SQLite files, or fresh PostgreSQL databases with ``--postgres``; demo seed),
imports through the public APIs a roster of ``--schools`` × ``--per-school`` teachers and one wave of one observation
per classroom (CLASS Pre-K/K–3, 10 dimensions × 4 cycles), and times, as the coordinator, through the gateway:

* **job**: ``POST …/results/jobs`` (PDF) → ``GET /reports/jobs/{id}`` every 50 ms until ``done`` → ``GET …/file``;
* **direct**: the synchronous ``GET …/results?format=pdf`` of the same figures — the comparison for a document;
* **the floor** of issue 12 (``bench/floor.py``: a raw SELECT of the scores and a plain aggregation), when that
  file is there: against it a PDF's cost is nearly all layout, so the direct render is the fairer comparison.

Prints the machine and min / median / max of ``--runs`` runs after one warm-up, and the ratio of the medians. The
worker polls for new jobs every ``MEJORA_REPORTS_WORKER_POLL_SECONDS`` (0.5 s by default), part of the job time.
Nothing here is a test: tests never time anything.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_reports import DIMENSIONS, NETWORK, free_port, import_roster, load_launcher, machine, token

SERVICES = ("cycles", "observations", "reports")
WAVE = "2030-1"
POLL = 0.05
#: Rows per import request: 500 observations × 40 rows (whole observations, well under the 16 MB limit).
IMPORT_ROWS = 20_000


def observe(client: httpx.Client, auth: dict[str, str], teachers: list[dict[str, Any]]) -> None:
    me = client.get("/api/v1/auth/me", headers=auth).json()
    observer = next(m["person_id"] for m in me["memberships"] if m["network_id"] == NETWORK)
    rng = random.Random(7)  # noqa: S311 - reproducible synthetic data, not security
    rows: list[dict[str, Any]] = []
    for teacher in teachers:
        obs_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-jobs:{teacher['id']}"))
        base = rng.uniform(2.5, 5.5)
        for cycle in range(1, 5):
            for domain, dim in DIMENSIONS:
                raw = base + rng.uniform(-1.2, 1.2)
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
                        "observed_on": "2030-05-10",
                        "wave": WAVE,
                        "mode": "live",
                        "status": "submitted",
                        "double_codes_id": None,
                        "cycle_number": cycle,
                        "cycle_started_at": None,
                        "cycle_duration_minutes": 20,
                        "cycle_notes": "",
                        "domain_code": domain,
                        "dimension_code": dim,
                        "score": min(7, max(1, round(8 - raw if dim == "NC" else raw))),
                        "evidence": "",
                    }
                )
    for start in range(0, len(rows), IMPORT_ROWS):  # the import takes at most 16 MB a request
        response = client.post(
            "/api/v1/observations:import",
            params={"network_id": NETWORK},
            json=rows[start : start + IMPORT_ROWS],
            headers=auth,
            timeout=900,
        )
        if response.status_code >= 400:
            raise SystemExit(f"import failed: {response.status_code} {response.text[:2000]}")


def via_job(client: httpx.Client, auth: dict[str, str]) -> int:
    """Job creation → file downloaded; returns the file's size."""
    created = client.post(
        f"/api/v1/reports/networks/{NETWORK}/results/jobs", json={"wave": WAVE, "format": "pdf"}, headers=auth
    )
    created.raise_for_status()
    job = created.json()
    while job["state"] in ("queued", "running"):
        time.sleep(POLL)
        job = client.get(f"/api/v1/reports/jobs/{job['id']}", headers=auth).json()
    if job["state"] != "done":
        raise SystemExit(f"job ended {job['state']}: {job.get('error')}")
    file = client.get(job["file_url"], headers=auth)
    file.raise_for_status()
    return len(file.content)


def direct(client: httpx.Client, auth: dict[str, str]) -> int:
    response = client.get(
        f"/api/v1/reports/networks/{NETWORK}/results", params={"wave": WAVE, "format": "pdf"}, headers=auth
    )
    response.raise_for_status()
    return len(response.content)


def measure(label: str, runs: int, call: Any) -> float:
    call()  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    median = statistics.median(samples)
    print(
        f"  {label}: min {min(samples):.2f} s · mediana {median:.2f} s · máx {max(samples):.2f} s ({runs} corridas)",
        flush=True,
    )
    return median


def floor_seconds(env: dict[str, str], data_dir: Path, runs: int) -> float | None:
    """The median of issue 12's floor over the same wave, when ``bench/floor.py`` is there."""
    try:
        from floor import measure_floor  # noqa: PLC0415 - optional: written by another part of issue 12
    except ImportError:
        return None
    url = env.get("MEJORA_OBSERVATIONS_DATABASE_URL") or f"sqlite:///{data_dir / 'observations.db'}"
    return statistics.median(measure_floor(url, NETWORK, [WAVE]).total for _ in range(runs + 1))


def databases(admin: str | None) -> dict[str, str]:
    if admin is None:
        return {}
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "libs" / "common"))
    from mejora_common.testing import create_postgres_database  # noqa: PLC0415

    return {s: create_postgres_database(admin) for s in SERVICES}


def one_size(schools: int, per_school: int, runs: int, admin: str | None) -> None:
    launcher = load_launcher()
    data_dir = Path(tempfile.mkdtemp(prefix="mejora-bench-jobs-"))
    os.environ.update(
        {"MEJORA_DATA_DIR": str(data_dir), "MEJORA_PORT": str(free_port()), "MEJORA_LOG_LEVEL": "WARNING"}
    )
    urls = databases(admin)
    for service in SERVICES:
        os.environ[f"MEJORA_{service.upper()}_URL"] = f"http://127.0.0.1:{free_port()}"
        os.environ.pop(f"MEJORA_{service.upper()}_DATABASE_URL", None)
        if service in urls:
            os.environ[f"MEJORA_{service.upper()}_DATABASE_URL"] = urls[service]
    os.environ.pop("MEJORA_JWT_SECRET", None)
    env = launcher.base_env()
    launcher.migrate_and_seed(env)
    gateway = f"http://127.0.0.1:{env['MEJORA_PORT']}"
    processes = []
    try:
        for service in SERVICES:
            url = env[f"MEJORA_{service.upper()}_URL"]
            processes.append(launcher.spawn(launcher.uvicorn_args(f"{service}_service.main:create_app", url), env))
            assert launcher.wait_ready(f"{url}/ready", 60), service
        processes.append(launcher.spawn(launcher.uvicorn_args("gateway.main:create_app", gateway), env))
        processes.append(launcher.spawn(["-m", "reports_service", "worker"], env))
        assert launcher.wait_ready(f"{gateway}/api/v1/openapi.json", 60)
        with httpx.Client(base_url=gateway, timeout=600) as client:
            coordinator = token(client, "coordinacion@demo.cl")
            started = time.perf_counter()
            observe(client, coordinator, import_roster(client, coordinator, schools * per_school, schools))
            engine = "PostgreSQL" if admin else "SQLite"
            print(
                f"{schools} establecimientos × {per_school} aulas ({engine}; datos en "
                f"{time.perf_counter() - started:.0f} s), PDF de resultados:",
                flush=True,
            )
            size = via_job(client, coordinator)
            job = measure(f"trabajo (creación → archivo descargado, {size / 1024:.0f} KiB)", runs,
                          lambda: via_job(client, coordinator))  # fmt: skip
            try:
                sync = measure("directo (GET …/results?format=pdf)", runs, lambda: direct(client, coordinator))
                print(f"  razón trabajo / directo: {job / sync:.2f}", flush=True)
            except httpx.HTTPStatusError as refused:  # past the gateway's deadline (504): no direct answer at all
                print(f"  directo: sin respuesta, {refused.response.status_code} {refused.response.text[:200]}")
            floor = floor_seconds(env, data_dir, runs)
            if floor is not None:
                print(f"  piso (bench/floor.py): {floor * 1000:.0f} ms; trabajo / piso: {job / floor:.0f}", flush=True)
    finally:
        launcher.stop_all(processes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, nargs="+", default=[40, 200])
    parser.add_argument("--per-school", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", default=None, help="URL de administración de un PostgreSQL (si no, SQLite)")
    args = parser.parse_args()
    print(f"Máquina: {machine()}", flush=True)
    for schools in args.schools:
        one_size(schools, args.per_school, args.runs, args.postgres)


if __name__ == "__main__":
    main()
