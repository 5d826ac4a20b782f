"""Network results against the fixed floor (issue 12, point 1), through the gateway, on SQLite or PostgreSQL.

    .venv/bin/python bench/bench_results.py --classrooms 1000 10000 [--runs 5] [--database sqlite|postgresql]

For each size, a temporary system (the three services and the gateway as separate processes, demo seed; SQLite files
or fresh PostgreSQL databases) gets a roster of ``--classrooms`` teachers in 40 schools (``roster:import``) and two
waves of one CLASS observation per classroom, 10 dimensions × 4 cycles (``observations:import`` in batches of
500 observations = 20,000 rows, about 12 MB of JSON: under the import's 100,000-row and 16 MB limits). Then,
interleaved run by run with the floor
(``bench/floor.py``: driver-level SELECT of the raw codes of both waves, ``json`` decoding, plain-dict aggregation):

* the coordinators' live view (``GET …/results?wave=2030-2&compare=2030-1``, JSON);
* publishing the wave 2030-2: the first ``POST …/waves/2030-2/releases`` stores release 1 with its disclosure check
  (one sample: a wave is published once); every later one is refused 409 ``nothing_new_to_publish`` (same
  observations, same versions), which reads the wave's stored scores again but skips the check and the store;
* reading release 1 (``GET …/results?wave=2030-2&release=1``) through the gateway, and the same request straight to
  the reports service (the "direct call that returns the same stored document").

Prints min / median / max, and each median's ratio to the floor's median. Nothing here is a test.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_reports import (
    DIMENSIONS,
    NETWORK,
    free_port,
    import_roster,
    load_launcher,
    machine,
    token,
)
from floor import measure_floor

SERVICES = ("cycles", "observations", "reports")
BATCH = 500
WAVES = (("2030-1", "2030-05-10", 0.0), ("2030-2", "2030-10-10", 0.3))


def fresh_postgres_database(admin_url: str, service: str) -> str:
    import psycopg  # noqa: PLC0415

    name = f"mejora_bench_{service}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def start_system(database: str, admin_url: str) -> tuple[dict[str, str], list[Any], Any]:
    launcher = load_launcher()
    data_dir = Path(tempfile.mkdtemp(prefix="mejora-bench-results-"))
    os.environ.update({"MEJORA_DATA_DIR": str(data_dir), "MEJORA_PORT": str(free_port()), "MEJORA_LOG_LEVEL": "ERROR"})
    os.environ.pop("MEJORA_JWT_SECRET", None)
    for service in SERVICES:
        os.environ[f"MEJORA_{service.upper()}_URL"] = f"http://127.0.0.1:{free_port()}"
        key = f"MEJORA_{service.upper()}_DATABASE_URL"
        if database == "postgresql":
            os.environ[key] = fresh_postgres_database(admin_url, service)
        else:
            os.environ[key] = f"sqlite:///{data_dir / f'{service}.db'}"
    env = launcher.base_env()
    launcher.migrate_and_seed(env)
    gateway = f"http://127.0.0.1:{env['MEJORA_PORT']}"
    processes = []
    for service in SERVICES:
        url = env[f"MEJORA_{service.upper()}_URL"]
        processes.append(launcher.spawn(launcher.uvicorn_args(f"{service}_service.main:create_app", url), env))
        assert launcher.wait_ready(f"{url}/ready", 90), service
    processes.append(launcher.spawn(launcher.uvicorn_args("gateway.main:create_app", gateway), env))
    assert launcher.wait_ready(f"{gateway}/api/v1/health", 90)
    env["GATEWAY"] = gateway
    return env, processes, launcher


def observation_rows(teacher: dict[str, Any], observer: str, wave: tuple[str, str, float], rng: random.Random) -> Any:
    name, day, lift = wave
    obs_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench:{teacher['id']}:{name}"))
    base = rng.uniform(2.5, 5.5) + lift
    for cycle in range(1, 5):
        for domain, dim in DIMENSIONS:
            raw = base + rng.uniform(-1.2, 1.2)
            score = round(8 - raw if dim == "NC" else raw)
            yield {
                "observation_id": obs_id,
                "network_id": NETWORK,
                "school_id": teacher["school_id"],
                "teacher_id": teacher["id"],
                "observer_id": observer,
                "instrument_code": "class-prek-k3",
                "instrument_version": 1,
                "level": (teacher.get("levels") or ["kinder"])[0],
                "observed_on": day,
                "wave": name,
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


def generate(client: httpx.Client, auth: dict[str, str], classrooms: int) -> None:
    started = time.perf_counter()
    teachers = import_roster(client, auth, classrooms)
    print(f"  nómina: {len(teachers)} docentes en {time.perf_counter() - started:.1f} s", flush=True)
    me = client.get("/api/v1/auth/me", headers=auth).json()
    observer = next(m["person_id"] for m in me["memberships"] if m["network_id"] == NETWORK)
    rng = random.Random(5)  # noqa: S311 - reproducible synthetic data
    for wave in WAVES:
        started = time.perf_counter()
        for first in range(0, len(teachers), BATCH):
            rows = [r for t in teachers[first : first + BATCH] for r in observation_rows(t, observer, wave, rng)]
            response = client.post(
                "/api/v1/observations:import", params={"network_id": NETWORK}, json=rows, headers=auth, timeout=900
            )
            if response.status_code >= 400:
                raise SystemExit(f"import failed: {response.status_code} {response.text[:2000]}")
        print(
            f"  medición {wave[0]}: {len(teachers)} observaciones en {time.perf_counter() - started:.1f} s", flush=True
        )


def interleaved(runs: int, call: Callable[[], Any], floor: Callable[[], float]) -> tuple[list[float], list[float]]:
    """``runs`` samples of ``call`` and of the floor, alternating (one warm-up of each first)."""
    call()
    floor()
    samples, floors = [], []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
        floors.append(floor())
    return samples, floors


def report(label: str, samples: list[float], reference: list[float], reference_name: str = "piso") -> str:
    median, ref = statistics.median(samples), statistics.median(reference)
    line = (
        f"| {label} | {min(samples) * 1000:,.0f} ms | {median * 1000:,.0f} ms | {max(samples) * 1000:,.0f} ms | "
        f"{ref * 1000:,.0f} ms ({reference_name}) | {median / ref:.2f}× | {len(samples)} |"
    )
    print(line, flush=True)
    return line


def bench_size(classrooms: int, runs: int, database: str, admin_url: str) -> list[str]:
    env, processes, launcher = start_system(database, admin_url)
    lines: list[str] = []
    try:
        with httpx.Client(base_url=env["GATEWAY"], timeout=600) as client:
            auth = token(client, "coordinacion@demo.cl")
            generate(client, auth, classrooms)
            db_url = env["MEJORA_OBSERVATIONS_DATABASE_URL"]
            phases: list[Any] = []

            def floor() -> float:
                result = measure_floor(db_url, NETWORK, ["2030-2", "2030-1"])
                assert result.rows == 2 * classrooms, result
                phases.append(result)
                return result.total

            results = f"/api/v1/reports/networks/{NETWORK}/results"

            def live() -> None:
                r = client.get(results, params={"wave": "2030-2", "compare": "2030-1"}, headers=auth)
                r.raise_for_status()
                body = r.json()
                assert body["network_results"]["n_classrooms"] == classrooms
                assert body["comparison"]["n_pairs"] == classrooms

            def live_csv() -> None:
                params = {"wave": "2030-2", "compare": "2030-1", "format": "csv"}
                client.get(results, params=params, headers=auth).raise_for_status()

            releases = f"/api/v1/reports/networks/{NETWORK}/waves/2030-2/releases"
            start = time.perf_counter()
            first = client.post(releases, headers=auth)
            first_publish = time.perf_counter() - start
            assert first.status_code == 201, first.text
            number = first.json()["number"]

            def republish() -> None:
                r = client.post(releases, headers=auth)
                assert r.status_code == 409 and r.json().get("code") == "nothing_new_to_publish", r.text

            release_params = {"wave": "2030-2", "release": number}

            def read_release() -> None:
                client.get(results, params=release_params, headers=auth).raise_for_status()

            with httpx.Client(base_url=env["MEJORA_REPORTS_URL"], timeout=600) as direct:

                def read_direct() -> None:
                    direct.get(results, params=release_params, headers=auth).raise_for_status()

                tag = f"{classrooms:,} aulas, {database}"
                samples, floors = interleaved(runs, live, floor)
                lines.append(report(f"Vista en vivo (JSON), {tag}", samples, floors))
                samples, floors = interleaved(runs, live_csv, floor)
                lines.append(report(f"Vista en vivo (CSV), {tag}", samples, floors))
                one_floor = [floor()]
                lines.append(report(f"Publicar (la primera, guardada), {tag}", [first_publish], one_floor))
                samples, floors = interleaved(runs, republish, floor)
                lines.append(
                    report(f"Publicar otra vez sin cambios (409 `nothing_new_to_publish`), {tag}", samples, floors)
                )
                samples, floors = interleaved(runs, read_release, floor)
                lines.append(report(f"Leer la publicación, {tag}", samples, floors))
                samples, directs = interleaved(runs, read_release, lambda: _timed(read_direct))
                lines.append(report(f"Leer la publicación, {tag}", samples, directs, "directo al servicio"))
            last = phases[-1]
            print(
                f"  piso: consulta {last.query * 1000:.0f} ms, decodificación {last.decode * 1000:.0f} ms, "
                f"agregación {last.aggregate * 1000:.0f} ms ({last.rows} filas, {last.groups} grupos)",
                flush=True,
            )
    finally:
        launcher.stop_all(processes)
    return lines


def _timed(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--classrooms", type=int, nargs="+", default=[1000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    print(f"Máquina: {machine()}", flush=True)
    print("| qué | mín | mediana | máx | referencia (mediana) | razón | corridas |\n|---|---|---|---|---|---|---|")
    lines = []
    for classrooms in args.classrooms:
        lines += bench_size(classrooms, args.runs, args.database, args.admin_url)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
