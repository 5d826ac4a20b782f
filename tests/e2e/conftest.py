"""Starts the real system (three services and the gateway as uvicorn processes on free ports)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from mejora_common.testing import (
    DEMO_PASSWORD,
    create_postgres_database,
    drop_postgres_database,
    free_port,
    postgres_admin_url,
)

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("cycles", "observations", "reports")


def load_launcher() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mejora_launcher", ROOT / "infra" / "launcher.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["mejora_launcher"] = module
    spec.loader.exec_module(module)
    return module


@dataclass
class RunningSystem:
    launcher: ModuleType
    env: dict[str, str]
    gateway_url: str
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def service_url(self, service: str) -> str:
        return self.env[f"MEJORA_{service.upper()}_URL"]

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.gateway_url, timeout=30)

    def start(self, service: str) -> None:
        if service == "gateway":
            args = self.launcher.uvicorn_args("gateway.main:create_app", self.gateway_url)
            ready = f"{self.gateway_url}/api/v1/openapi.json"
        else:
            args = self.launcher.uvicorn_args(f"{service}_service.main:create_app", self.service_url(service))
            ready = f"{self.service_url(service)}/ready"
        self.processes[service] = self.launcher.spawn(args, self.env)
        assert self.launcher.wait_ready(ready, 60), f"{service} did not become ready"

    def stop(self, service: str) -> None:
        self.launcher.stop_all([self.processes.pop(service)])

    def token(self, email: str, password: str = DEMO_PASSWORD) -> str:
        with self.client() as client:
            response = client.post("/api/v1/auth/token", data={"username": email, "password": password})
            assert response.status_code == 200, response.text
            token: str = response.json()["access_token"]
            return token


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def system(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSystem]:
    launcher = load_launcher()
    data_dir = tmp_path_factory.mktemp(f"system-{request.param}")
    env = dict(os.environ)
    env.update(
        {
            "MEJORA_DATA_DIR": str(data_dir),
            "MEJORA_PORT": str(free_port()),
            "MEJORA_FRONTEND_DIR": str(ROOT / "frontend" / "dist"),
            "MEJORA_LOG_LEVEL": "WARNING",
        }
    )
    for service in SERVICES:
        env[f"MEJORA_{service.upper()}_URL"] = f"http://127.0.0.1:{free_port()}"
    databases: list[str] = []
    if request.param == "postgresql":
        admin = postgres_admin_url()
        if admin is None:
            pytest.skip("PostgreSQL: define TEST_DATABASE_URL para correr también contra PostgreSQL")
        for service in SERVICES:
            url = create_postgres_database(admin)
            databases.append(url)
            env[f"MEJORA_{service.upper()}_DATABASE_URL"] = url
    launcher.migrate_and_seed(env)
    running = RunningSystem(launcher, env, f"http://127.0.0.1:{env['MEJORA_PORT']}")
    try:
        for service in (*SERVICES, "gateway"):
            running.start(service)
        # The job worker, as under `make run`: it renders the documents asked for in the background (results PDFs).
        running.processes["reports-worker"] = launcher.spawn(["-m", "reports_service", "worker"], env)
        yield running
    finally:
        launcher.stop_all(list(running.processes.values()))
        for url in databases:
            drop_postgres_database(url)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (never a downloaded browser build)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, system: RunningSystem) -> Iterator[Any]:
    """A fresh browser context (tablet-sized) pointed at the running gateway."""
    context = browser.new_context(base_url=system.gateway_url, viewport={"width": 1024, "height": 768}, locale="es-CL")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def log_in(page: Any) -> Any:
    """Logs a demo account in through the login form and waits for the home page."""

    def do_log_in(email: str, password: str = DEMO_PASSWORD) -> None:
        page.goto("/")
        page.get_by_label("Correo electrónico").fill(email)
        page.get_by_label("Contraseña").fill(password)
        page.get_by_role("button", name="Ingresar").click()
        page.get_by_test_id("current-user").wait_for()

    return do_log_in
