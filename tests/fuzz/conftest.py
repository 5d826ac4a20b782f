"""The fuzzing run's system and its record: the real processes on one database, and what the fuzzer saw.

The system is started once for the run (three services and the gateway, like ``tests/e2e``), on PostgreSQL when
``TEST_DATABASE_URL`` is set and on SQLite otherwise, with each process's output in a log file so a 5xx can be
traced to its cause. Every request the fuzzer sends is recorded: the number of cases by account, each 5xx with its
curl reproduction, and each status an operation really answered that its OpenAPI does not declare. The record is
printed at the end of the run and written to ``var/fuzz/report.json`` (beside the logs).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import IO, Any

import httpx
import pytest
import schemathesis

from gateway.routes import resolve
from mejora_common.testing import (
    DEMO_PASSWORD,
    create_postgres_database,
    drop_postgres_database,
    free_port,
    postgres_admin_url,
)

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("cycles", "observations", "reports")
OUTPUT_DIR = ROOT / "var" / "fuzz"
# The two accounts the run is authenticated as: all of a network's work, and a teacher who sees only her own.
ACCOUNTS = {"coordinator": "coordinacion@demo.cl", "teacher": "educadora@demo.cl"}
RECORD_KEY = pytest.StashKey["FuzzRecord"]()


def load_launcher() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mejora_fuzz_launcher", ROOT / "infra" / "launcher.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


@dataclass
class FuzzSystem:
    gateway_url: str
    database: str
    log_dir: Path


@dataclass(frozen=True)
class Account:
    role: str
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class FuzzRecord:
    """What the fuzzer sent and got, for the end-of-run summary (no assertion here: the test asserts)."""

    database: str = ""
    cases: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[dict[str, Any]] = field(default_factory=list)
    # (service, "METHOD /path") -> statuses answered but not declared
    undeclared: dict[tuple[str, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    nonconforming: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, account: Account, case: schemathesis.Case, status: int) -> None:
        self.cases[account.role] += 1
        self.statuses[status] += 1
        if not is_declared(case, status):
            self.undeclared[(owner(case.path), operation_label(case))].add(status)

    def add_server_error(self, account: Account, case: schemathesis.Case, response: Any) -> str:
        curl = case.as_curl_command(headers={"Authorization": "Bearer $TOKEN"})
        body = response.text[:500]
        self.server_errors.append(
            {
                "service": owner(case.path),
                "operation": operation_label(case),
                "account": account.email,
                "status": response.status_code,
                "curl": curl,
                "body": body,
            }
        )
        return f"{operation_label(case)} as {account.email} answered {response.status_code}: {body}\n{curl}"

    def add_nonconforming(self, case: schemathesis.Case, status: int, message: str) -> None:
        self.nonconforming[(owner(case.path), operation_label(case))].add(f"{status}: {message[:600]}")

    def as_json(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "cases": dict(self.cases),
            "total_cases": sum(self.cases.values()),
            "statuses": {str(status): count for status, count in sorted(self.statuses.items())},
            "server_errors": self.server_errors,
            "undeclared_statuses": by_service({key: sorted(map(str, value)) for key, value in self.undeclared.items()}),
            "nonconforming_responses": by_service({key: sorted(value) for key, value in self.nonconforming.items()}),
        }


def by_service(findings: dict[tuple[str, str], list[str]]) -> dict[str, dict[str, list[str]]]:
    grouped: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for (service, operation), values in sorted(findings.items()):
        grouped[service][operation] = values
    return dict(grouped)


def operation_label(case: schemathesis.Case) -> str:
    return f"{case.method.upper()} {case.path}"


def owner(path: str) -> str:
    return resolve(path) or "gateway"


def is_declared(case: schemathesis.Case, status: int) -> bool:
    responses = case.operation.definition.raw.get("responses", {})
    return str(status) in responses or f"{str(status)[0]}XX" in responses or "default" in responses


def spawn_logged(launcher: ModuleType, args: list[str], env: dict[str, str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    """Like the launcher's ``spawn``, with the process's output in its own log file."""
    return subprocess.Popen(
        [sys.executable, *args],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=launcher._die_with_parent,  # noqa: PLW1509 - the launcher's own: a child never outlives the run
    )


def system_env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "MEJORA_DATA_DIR": str(data_dir),
            "MEJORA_PORT": str(free_port()),
            "MEJORA_FRONTEND_DIR": str(ROOT / "frontend" / "dist"),
            # Warnings and errors only: tracebacks of 5xx stay in the logs, the run does not drown in access lines.
            "MEJORA_LOG_LEVEL": "WARNING",
        }
    )
    for service in SERVICES:
        env[f"MEJORA_{service.upper()}_URL"] = f"http://127.0.0.1:{free_port()}"
    return env


@pytest.fixture(scope="session")
def fuzz_system(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[FuzzSystem]:
    launcher = load_launcher()
    env = system_env(tmp_path_factory.mktemp("fuzz-system"))
    admin = postgres_admin_url()
    databases: list[str] = []
    if admin is not None:
        for service in SERVICES:
            url = create_postgres_database(admin)
            databases.append(url)
            env[f"MEJORA_{service.upper()}_DATABASE_URL"] = url
    log_dir = OUTPUT_DIR / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    processes: list[subprocess.Popen[bytes]] = []
    logs: list[IO[bytes]] = []
    gateway_url = f"http://127.0.0.1:{env['MEJORA_PORT']}"
    try:
        launcher.migrate_and_seed(env)
        for name in (*SERVICES, "gateway"):
            if name == "gateway":
                args = launcher.uvicorn_args("gateway.main:create_app", gateway_url)
                ready = f"{gateway_url}/api/v1/openapi.json"
            else:
                url = env[f"MEJORA_{name.upper()}_URL"]
                args = launcher.uvicorn_args(f"{name}_service.main:create_app", url)
                ready = f"{url}/ready"
            logs.append((log_dir / f"{name}.log").open("wb"))
            processes.append(spawn_logged(launcher, args, env, logs[-1]))
            assert launcher.wait_ready(ready, 60), f"{name} did not become ready (see {log_dir / name}.log)"
        database = "postgresql" if admin is not None else "sqlite"
        request.config.stash[RECORD_KEY].database = database
        yield FuzzSystem(gateway_url, database, log_dir)
    finally:
        launcher.stop_all(processes)
        for log in logs:
            log.close()
        for url in databases:
            drop_postgres_database(url)


@pytest.fixture(scope="session", params=sorted(ACCOUNTS))
def fuzz_account(request: pytest.FixtureRequest, fuzz_system: FuzzSystem) -> Account:
    email = ACCOUNTS[request.param]
    form = {"username": email, "password": DEMO_PASSWORD}
    response = httpx.post(f"{fuzz_system.gateway_url}/api/v1/auth/token", data=form, timeout=30)
    assert response.status_code == 200, response.text
    return Account(request.param, email, response.json()["access_token"])


# Where a real id of each path parameter is found, read as the coordinator once the demo is seeded.
ID_SOURCES = {
    "network_id": "/api/v1/networks",
    "school_id": "/api/v1/networks/{network_id}/schools",
    "person_id": "/api/v1/networks/{network_id}/people",
    "aim_id": "/api/v1/networks/{network_id}/aims",
    "diagram_id": "/api/v1/networks/{network_id}/driver-diagrams",
    "measure_id": "/api/v1/networks/{network_id}/measures",
    "event_id": "/api/v1/networks/{network_id}/events",
    "barrier_id": "/api/v1/networks/{network_id}/barriers",
    "integration_id": "/api/v1/networks/{network_id}/integrations",
    "cycle_id": "/api/v1/cycles?network_id={network_id}",
    "instrument_id": "/api/v1/instruments",
    "observation_id": "/api/v1/observations",
}


def first_id(payload: Any, key: str = "id") -> str | None:
    """The first item's id in a list answer, bare or paged (``items``), or None."""
    items = payload.get("items", payload.get("results")) if isinstance(payload, dict) else payload
    if isinstance(items, list):
        for item in items:
            if isinstance(item, dict) and isinstance(item.get(key), str):
                return str(item[key])
    return None


def discover_ids(client: httpx.Client) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, template in ID_SOURCES.items():
        try:
            response = client.get(template.format(**found))
        except KeyError:  # the network was not found, so nothing under it is
            continue
        found_id = first_id(response.json()) if response.status_code == 200 else None
        if found_id is not None:
            found[name] = found_id
    if "diagram_id" in found:
        diagram = client.get(f"/api/v1/driver-diagrams/{found['diagram_id']}").json()
        node_id = first_id(diagram.get("nodes", []) if isinstance(diagram, dict) else [])
        if node_id is not None:
            found["node_id"] = node_id
    if "observation_id" in found:
        observation = client.get(f"/api/v1/observations/{found['observation_id']}").json()
        if isinstance(observation, dict) and isinstance(observation.get("teacher_id"), str):
            found["teacher_id"] = observation["teacher_id"]
    return found


@pytest.fixture(scope="session")
def fuzz_ids(fuzz_system: FuzzSystem, fuzz_account: Account) -> dict[str, str]:
    """Real ids of the demo's resources, so most cases reach a resource instead of a 404 (read as each account)."""
    with httpx.Client(base_url=fuzz_system.gateway_url, headers=fuzz_account.headers, timeout=30) as client:
        found = discover_ids(client)
    print(f"fuzzing as {fuzz_account.role} with real ids for {', '.join(sorted(found)) or 'nothing'}")
    return found


@pytest.fixture(scope="session")
def fuzz_record(request: pytest.FixtureRequest) -> FuzzRecord:
    return request.config.stash[RECORD_KEY]


def pytest_configure(config: pytest.Config) -> None:
    config.stash[RECORD_KEY] = FuzzRecord()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    record = config.stash.get(RECORD_KEY, None)
    if record is None or not record.cases:
        return
    report = record.as_json()
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUTPUT_DIR / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write = terminalreporter.write_line
    terminalreporter.section("fuzzing")
    cases = ", ".join(f"{count} as {role}" for role, count in sorted(record.cases.items()))
    write(f"{report['total_cases']} generated cases on {record.database} ({cases})")
    write(f"statuses: {report['statuses']}")
    write(f"5xx answers: {len(record.server_errors)}")
    for error in record.server_errors:
        write(f"  [{error['service']}] {error['operation']} -> {error['status']} ({error['account']})")
    undeclared = sum(len(operations) for operations in report["undeclared_statuses"].values())
    write(f"operations answering undeclared statuses: {undeclared}")
    write(f"details: {OUTPUT_DIR / 'report.json'}; service logs: {OUTPUT_DIR / 'logs'}")
