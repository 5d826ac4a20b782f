"""The security headers through the real system, and the app and the API docs working under them in a browser."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from mejora_common.testing import DEMO_NETWORK_ID, auth_header

pytestmark = pytest.mark.e2e

NETWORK_NAME = "Red de Educadoras y Docentes de NT1 a 2° básico"
# Records every policy violation the page reports (Playwright's init scripts are not subject to the page's CSP).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
PUBLIC_HOST = "mejora.example.cl"
POLICY_WORDS = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy", "Refused to")


def policy(response: Any) -> dict[str, str]:
    parts = (d.strip().split(None, 1) for d in response.headers["content-security-policy"].split(";") if d.strip())
    return {p[0]: (p[1] if len(p) > 1 else "") for p in parts}


def test_headers_on_the_app_an_api_answer_a_report_and_the_docs(system: Any) -> None:
    token = auth_header(system.token("coordinacion@demo.cl"))
    with system.client() as client:
        app = client.get("/")
        api = client.get(f"/api/v1/networks/{DEMO_NETWORK_ID}", headers=token)
        report = client.get(f"/api/v1/reports/networks/{DEMO_NETWORK_ID}/cycles-log", headers=token)
        docs = client.get("/api/docs")
        openapi = client.get("/api/v1/openapi.json")
    for response in (app, api, report, docs, openapi):
        assert response.status_code == 200, response.text
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "camera=()" in response.headers["permissions-policy"]
        assert "strict-transport-security" not in response.headers  # plain HTTP here
    for response in (app, api, docs):
        assert policy(response)["default-src"] == "'self'"
        assert policy(response)["frame-ancestors"] == "'none'"
        assert "'unsafe-inline'" not in policy(response)["script-src"]
    assert api.headers["cache-control"] == "no-store"
    # The report keeps its own, stricter policy (no scripts at all); the gateway adds what it lacks beside it.
    policies = report.headers.get_list("content-security-policy")
    assert policies[0].startswith("default-src 'none'")
    assert "frame-ancestors 'none'" in policies[1]
    assert "no-store" in report.headers["cache-control"]
    assert "no-store" not in openapi.headers.get("cache-control", "")


def test_the_running_systems_database_files_are_private(system: Any) -> None:
    if "MEJORA_CYCLES_DATABASE_URL" in system.env:
        pytest.skip("PostgreSQL: no database files in the data directory")
    files = [p for p in Path(system.env["MEJORA_DATA_DIR"]).iterdir() if ".db" in p.name]
    assert {f"{s}.db" for s in ("cycles", "observations", "reports")} <= {p.name for p in files}
    assert any(p.name.endswith("-wal") for p in files)  # the services are connected: their logs exist
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


@pytest.fixture
def watched_page(page: Any) -> Iterator[tuple[Any, list[str]]]:
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.add_init_script(RECORD_VIOLATIONS)
    yield page, console


def assert_no_violations(page: Any, console: list[str]) -> None:
    assert page.evaluate("window.__violations") == []
    assert [line for line in console if any(word in line for word in POLICY_WORDS)] == []


@pytest.mark.browser
def test_the_app_loads_and_logs_in_under_the_policy(watched_page: tuple[Any, list[str]], log_in: Any) -> None:
    page, console = watched_page
    log_in("educadora@demo.cl")
    expect(page.get_by_test_id("current-user")).to_contain_text("Javiera Morales Silva")
    page.get_by_role("link", name=NETWORK_NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NETWORK_NAME)
    assert_no_violations(page, console)


@pytest.fixture
def public_host_page(browser: Any, system: Any) -> Iterator[tuple[Any, list[str]]]:
    """A page that reaches the gateway by a public-looking name: Swagger UI treats 127.0.0.1 specially."""
    port = system.gateway_url.rsplit(":", 1)[1]
    rules = f"--host-resolver-rules=MAP {PUBLIC_HOST} 127.0.0.1"
    # Its own Chromium (Debian's, as conftest's): the name is mapped for the whole browser process.
    args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", rules]
    instance = browser.browser_type.launch(executable_path="/usr/bin/chromium", headless=True, args=args)
    try:
        context = instance.new_context(base_url=f"http://{PUBLIC_HOST}:{port}", locale="es-CL")
        context.set_default_timeout(15_000)
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
        page.add_init_script(RECORD_VIOLATIONS)
        yield page, console
    finally:
        instance.close()


@pytest.mark.browser
def test_the_api_docs_work_under_the_policy(public_host_page: tuple[Any, list[str]]) -> None:
    page, console = public_host_page
    page.goto("/api/docs")
    # Swagger UI ran (its inline start-up script is allowed by hash) and read the merged OpenAPI document.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Mejora en Red")
    expect(page.locator(".opblock").first).to_be_visible()
    assert_no_violations(page, console)
