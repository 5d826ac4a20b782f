"""Learning-session load test (issue 9): the whole network on the platform in the same minutes.

    .venv/bin/python bench/load_session.py [--users 50 100 200] [--seconds 20] [--database sqlite|postgresql]

Starts a temporary system (the three services and the gateway as separate processes on free ports, demo seed; SQLite
files, or fresh PostgreSQL databases on ``--admin-url``) and drives it through the gateway with N concurrent virtual
users for ``--seconds`` each: teachers and school leaders read the network results, the PHEA board, a cycle and a run
chart; coaches save and submit observations; a coordinator edits a cycle with ``If-Match``. Bounded: every user stops
at the end of its phase, and only loopback addresses are contacted.

Reported per load level: throughput, p50/p95/p99 by route class, answers by status, when shedding starts (the first
503 ``overloaded``), and the recovery time after the burst (until a cheap read answers within 3x its unloaded p95).
Then the isolation check of the issue: with the expensive class at four times its limit, the p95 of cheap reads and
logins against their unloaded p95 (the floor measured in the same run), and whether any of them was refused.
Nothing here is a test: tests never time anything.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_reports import NETWORK, PASSWORD, ROOT, free_port, load_launcher, machine

SERVICES = ("cycles", "observations", "reports")
DIRECTORY = json.loads((ROOT / "infra" / "demo" / "directory.json").read_text(encoding="utf-8"))
TEACHERS = [p for p in DIRECTORY["people"] if p.get("email", "").startswith("educadora")]
COACHES = ["acompanante@demo.cl", "acompanante2@demo.cl"]
READERS = ["direccion@demo.cl", "facilitacion@demo.cl", *[t["email"] for t in TEACHERS]]
COORDINATOR = "coordinacion@demo.cl"


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))
    statuses: collections.Counter[str] = field(default_factory=collections.Counter)
    first_shed: float | None = None
    started: float = field(default_factory=time.monotonic)

    def record(self, route_class: str, status: int, seconds: float, body: str = "") -> None:
        self.latencies[route_class].append(seconds)
        self.statuses[f"{route_class} {status}"] += 1
        if status == 503 and "overloaded" in body and self.first_shed is None:
            self.first_shed = time.monotonic() - self.started


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# -- the system ----------------------------------------------------------------------------------


def start_system(database: str, admin_url: str) -> tuple[str, list[Any], Any]:
    launcher = load_launcher()
    data_dir = Path(tempfile.mkdtemp(prefix="mejora-load-"))
    os.environ.update({"MEJORA_DATA_DIR": str(data_dir), "MEJORA_PORT": str(free_port()), "MEJORA_LOG_LEVEL": "ERROR"})
    os.environ.pop("MEJORA_JWT_SECRET", None)
    for service in SERVICES:
        os.environ[f"MEJORA_{service.upper()}_URL"] = f"http://127.0.0.1:{free_port()}"
        os.environ.pop(f"MEJORA_{service.upper()}_DATABASE_URL", None)
        if database == "postgresql":
            os.environ[f"MEJORA_{service.upper()}_DATABASE_URL"] = fresh_postgres_database(admin_url, service)
    env = launcher.base_env()
    launcher.migrate_and_seed(env)
    gateway = f"http://127.0.0.1:{env['MEJORA_PORT']}"
    processes = []
    for service in SERVICES:
        url = env[f"MEJORA_{service.upper()}_URL"]
        processes.append(launcher.spawn(launcher.uvicorn_args(f"{service}_service.main:create_app", url), env))
        assert launcher.wait_ready(f"{url}/ready", 60), service
    processes.append(launcher.spawn(launcher.uvicorn_args("gateway.main:create_app", gateway), env))
    assert launcher.wait_ready(f"{gateway}/api/v1/health", 60)
    return gateway, processes, launcher


def fresh_postgres_database(admin_url: str, service: str) -> str:
    import psycopg  # noqa: PLC0415

    name = f"mejora_load_{service}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


# -- the users -----------------------------------------------------------------------------------


@dataclass
class World:
    tokens: dict[str, dict[str, str]]
    cycle_ids: list[str]
    measure_ids: list[str]
    instrument_id: str
    wave: str


async def timed(stats: Stats, route_class: str, request: Awaitable[httpx.Response]) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await request
    except httpx.HTTPError:
        stats.record(route_class, 0, time.perf_counter() - started)
        return None
    body = response.text if response.status_code == 503 else ""
    stats.record(route_class, response.status_code, time.perf_counter() - started, body)
    return response


async def reader(client: httpx.AsyncClient, world: World, stats: Stats, n: int, until: float) -> None:
    auth = world.tokens[READERS[n % len(READERS)]]
    while time.monotonic() < until:
        params = {"wave": world.wave}
        await timed(
            stats, "expensive", client.get(f"/api/v1/reports/networks/{NETWORK}/results", params=params, headers=auth)
        )
        await timed(stats, "read", client.get("/api/v1/cycles", params={"network_id": NETWORK}, headers=auth))
        await timed(
            stats, "read", client.get(f"/api/v1/cycles/{world.cycle_ids[n % len(world.cycle_ids)]}", headers=auth)
        )
        measure = world.measure_ids[n % len(world.measure_ids)]
        await timed(stats, "expensive", client.get(f"/api/v1/measures/{measure}/run-chart", headers=auth))


async def coach(client: httpx.AsyncClient, world: World, stats: Stats, n: int, until: float) -> None:
    auth = world.tokens[COACHES[n % len(COACHES)]]
    while time.monotonic() < until:
        teacher = TEACHERS[n % len(TEACHERS)]
        oid = str(uuid.uuid4())
        scores = {d: 4 for d in ("PC", "NC", "TS", "RSP", "BM", "PD", "ILF", "CD", "QF", "LM")}
        draft = {
            "instrument_id": world.instrument_id,
            "network_id": NETWORK,
            "school_id": teacher["school_id"],
            "teacher_id": teacher["id"],
            "level": teacher["levels"][0],
            "observed_on": "2024-10-01",
            "wave": "carga-1",
            "cycles": [{"number": c, "scores": scores} for c in range(1, 5)],
        }
        saved = await timed(stats, "write", client.put(f"/api/v1/observations/{oid}", json=draft, headers=auth))
        if saved is not None and saved.status_code in (200, 201):
            headers = {**auth, "If-Match": saved.headers.get("etag", "*")}
            await timed(stats, "write", client.post(f"/api/v1/observations/{oid}/submit", headers=headers))


async def coordinator(client: httpx.AsyncClient, world: World, stats: Stats, n: int, until: float) -> None:
    auth = world.tokens[COORDINATOR]
    while time.monotonic() < until:
        cycle_id = world.cycle_ids[n % len(world.cycle_ids)]
        read = await timed(stats, "read", client.get(f"/api/v1/cycles/{cycle_id}", headers=auth))
        if read is None or read.status_code != 200:
            continue
        headers = {**auth, "If-Match": read.headers.get("etag", "")}
        body = {"title": read.json()["title"]}
        await timed(stats, "write", client.patch(f"/api/v1/cycles/{cycle_id}", json=body, headers=headers))


ROLES: list[Callable[..., Awaitable[None]]] = [reader] * 12 + [coach] * 5 + [coordinator]


async def prepare(client: httpx.AsyncClient) -> World:
    tokens = {}
    for email in {*READERS, *COACHES, COORDINATOR}:
        response = await client.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
        response.raise_for_status()
        tokens[email] = {"Authorization": f"Bearer {response.json()['access_token']}"}
    auth = tokens[COORDINATOR]
    cycles = (await client.get("/api/v1/cycles", params={"network_id": NETWORK, "limit": 200}, headers=auth)).json()
    measures = (await client.get(f"/api/v1/networks/{NETWORK}/measures", headers=auth)).json()
    instruments = (await client.get("/api/v1/instruments", headers=auth)).json()["items"]
    waves = (await client.get(f"/api/v1/reports/networks/{NETWORK}/waves", headers=auth)).json()
    wave = waves["waves"][-1]["wave"]
    return World(
        tokens=tokens,
        cycle_ids=[c["id"] for c in cycles["items"]],
        measure_ids=[m["id"] for m in measures["items"]],
        instrument_id=next(i["id"] for i in instruments if i["code"] == "class-prek-k3"),
        wave=wave,
    )


async def floor(client: httpx.AsyncClient, world: World, samples: int = 40) -> dict[str, float]:
    """Unloaded p95 of a cheap read and of a login, measured one at a time."""
    reads, logins = Stats(), Stats()
    for _ in range(samples):
        await timed(reads, "read", client.get("/api/v1/networks", headers=world.tokens[COORDINATOR]))
    for _ in range(samples // 4):
        login = client.post("/api/v1/auth/token", data={"username": READERS[0], "password": PASSWORD})
        await timed(logins, "auth", login)
    return {"read": percentile(reads.latencies["read"], 0.95), "auth": percentile(logins.latencies["auth"], 0.95)}


async def recovery(client: httpx.AsyncClient, world: World, read_floor: float, limit: float = 60.0) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        t0 = time.perf_counter()
        try:
            response = await client.get("/api/v1/networks", headers=world.tokens[COORDINATOR])
            if response.status_code == 200 and time.perf_counter() - t0 <= 3 * read_floor:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.05)
    return float("inf")


async def burst(gateway: str, world: World, users: int, seconds: float) -> tuple[Stats, float, float]:
    stats = Stats()
    limits = httpx.Limits(max_connections=users + 10, max_keepalive_connections=users + 10)
    async with httpx.AsyncClient(base_url=gateway, timeout=90, limits=limits) as client:
        until = time.monotonic() + seconds
        tasks = [ROLES[n % len(ROLES)](client, world, stats, n, until) for n in range(users)]
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - stats.started
        return stats, elapsed, await recovery(client, world, world_floor["read"])


ISOLATION_ROUNDS = 3


async def isolation(gateway: str, world: World, seconds: float, expensive_limit: int) -> tuple[Stats, Stats]:
    """The expensive class at four times its limit while cheap reads and logins go on.

    Measured in alternating windows (quiet, then loaded, ``ISOLATION_ROUNDS`` times, ``seconds`` in all for each
    kind): the quiet windows give the floor under the same outside conditions as the loaded ones right after them,
    so a machine shared with other work does not make the ratio mean nothing. Cheap reads and logins are probed in
    windows of their own (a read every 50 ms; logins one after the other), so each has enough samples for a p95 and
    neither slows the other.
    Returns (quiet, loaded).
    """
    quiet, loaded = Stats(), Stats()
    window = seconds / ISOLATION_ROUNDS
    async with httpx.AsyncClient(base_url=gateway, timeout=90) as client:

        async def heavy(_n: int, until: float) -> None:
            # The coordinator's live view: computed from cycles and observations on every request (the others
            # read the published release, a stored snapshot, which costs next to nothing).
            auth = world.tokens[COORDINATOR]
            while time.monotonic() < until:
                url = f"/api/v1/reports/networks/{NETWORK}/results"
                await timed(loaded, "expensive", client.get(url, params={"wave": world.wave}, headers=auth))

        async def reads(stats: Stats, until: float) -> None:
            while time.monotonic() < until:
                await timed(stats, "read", client.get("/api/v1/networks", headers=world.tokens[COORDINATOR]))
                await asyncio.sleep(0.05)

        async def logins(stats: Stats, until: float) -> None:
            while time.monotonic() < until:
                login = client.post("/api/v1/auth/token", data={"username": READERS[1], "password": PASSWORD})
                await timed(stats, "auth", login)

        for probe in (reads, logins):  # apart: a login's hashing would slow the reads beside it, and the reverse
            for _ in range(ISOLATION_ROUNDS):
                until = time.monotonic() + window
                await probe(quiet, until)
                until = time.monotonic() + window
                await asyncio.gather(*(heavy(n, until) for n in range(4 * expensive_limit)), probe(loaded, until))
    return quiet, loaded


world_floor: dict[str, float] = {}


def report(users: int, stats: Stats, elapsed: float, recovered: float) -> None:
    total = sum(stats.statuses.values())
    print(f"\n### {users} usuarios concurrentes — {total / elapsed:.1f} respuestas/s en {elapsed:.0f} s")
    print("| clase | n | p50 | p95 | p99 |\n|---|---|---|---|---|")
    for name, values in sorted(stats.latencies.items()):
        p50, p95, p99 = (percentile(values, q) * 1000 for q in (0.5, 0.95, 0.99))
        print(f"| {name} | {len(values)} | {p50:.0f} ms | {p95:.0f} ms | {p99:.0f} ms |")
    print("Respuestas: " + ", ".join(f"{k}: {v}" for k, v in sorted(stats.statuses.items())))
    shed = "nunca" if stats.first_shed is None else f"a los {stats.first_shed:.1f} s"
    print(f"Primer 503 overloaded: {shed}. Recuperación tras la ráfaga: {recovered:.2f} s.", flush=True)


async def main_async(args: argparse.Namespace) -> None:
    from mejora_common.overload import ROUTE_CLASSES  # noqa: PLC0415

    gateway, processes, launcher = start_system(args.database, args.admin_url)
    try:
        async with httpx.AsyncClient(base_url=gateway, timeout=90) as client:
            world = await prepare(client)
            world_floor.update(await floor(client, world))
        read_ms, auth_ms = world_floor["read"] * 1000, world_floor["auth"] * 1000
        print(f"Base sin carga (p95): lectura {read_ms:.0f} ms, ingreso {auth_ms:.0f} ms")
        for users in args.users:
            stats, elapsed, recovered = await burst(gateway, world, users, args.seconds)
            report(users, stats, elapsed, recovered)
        limit = ROUTE_CLASSES["expensive"].concurrent
        if args.nice_reports:  # an experiment: the OS runs everyone else's work first
            for task in Path(f"/proc/{processes[PROCESS_NAMES.index('reports')].pid}/task").iterdir():
                os.setpriority(os.PRIO_PROCESS, int(task.name), args.nice_reports)  # every thread of it
        cpu_before, started = cpu_snapshot(processes), time.monotonic()
        quiet, stats = await isolation(gateway, world, args.seconds, limit)
        cpu = cpu_report(cpu_before, cpu_snapshot(processes), time.monotonic() - started)
        print(f"\n### Aislamiento: clase costosa a 4 × su límite ({4 * limit} solicitudes de resultados a la vez)")
        print(f"Núcleos usados por proceso (ventanas tranquilas y cargadas): {cpu}")
        for name in ("read", "auth"):
            base = percentile(quiet.latencies[name], 0.95)
            p95 = percentile(stats.latencies[name], 0.95)
            refused = sum(v for k, v in stats.statuses.items() if k.startswith(name) and not k.endswith(" 200"))
            print(
                f"- {name}: p95 {p95 * 1000:.0f} ms (n={len(stats.latencies[name])}) = {p95 / base:.1f} × la base "
                f"alternada ({base * 1000:.0f} ms, n={len(quiet.latencies[name])}); no 200: {refused}"
            )
        print("Respuestas: " + ", ".join(f"{k}: {v}" for k, v in sorted(stats.statuses.items())), flush=True)
    finally:
        launcher.stop_all(processes)


PROCESS_NAMES = (*SERVICES, "gateway")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process (Linux ``/proc``), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(processes: list[Any]) -> dict[str, float]:
    snapshot = {name: cpu_seconds(p.pid) for name, p in zip(PROCESS_NAMES, processes, strict=True)}
    snapshot["generador"] = time.process_time()
    return snapshot


def cpu_report(before: dict[str, float], after: dict[str, float], seconds: float) -> str:
    """Where the CPU went during a phase: cores used by each process (2.0 = both cores all the time)."""
    return ", ".join(f"{name} {(after[name] - before[name]) / seconds:.2f}" for name in before)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, nargs="*", default=[50, 100, 200], help="none: only the isolation check")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--nice-reports", type=int, default=0, help="nice value for the reports process")
    parser.add_argument("--admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    print(f"Máquina: {machine()}; base de datos: {args.database}", flush=True)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
