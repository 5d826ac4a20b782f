"""'Quién vio mis datos' in a real browser: a coordinator opens one of a teacher's observations; the teacher sees
who, and the coordinator finds it in the network's access log filtered by that teacher."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import expect

from mejora_common.testing import DEMO_FILE, DEMO_NETWORK_ID, DEMO_PASSWORD, auth_header

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

NETWORK_NAME = "Red de Educadoras y Docentes de NT1 a 2° básico"
PEOPLE = {p["email"]: p for p in json.loads(DEMO_FILE.read_text(encoding="utf-8"))["people"] if p.get("email")}
TEACHER = "educadora05@demo.cl"  # no other test reads her log
COORDINATOR = "coordinacion@demo.cl"


def test_the_teacher_sees_who_viewed_her_observation_and_the_coordinator_finds_it(
    page: Any, log_in: Any, system: Any, browser: Any
) -> None:
    coordinator = auth_header(system.token(COORDINATOR))
    with system.client() as client:
        listed = client.get(
            "/api/v1/observations",
            params={"network_id": str(DEMO_NETWORK_ID), "teacher_id": PEOPLE[TEACHER]["id"], "limit": 1},
            headers=coordinator,
        )
        assert listed.status_code == 200 and listed.json()["items"], listed.text
        oid = listed.json()["items"][0]["id"]
        assert client.get(f"/api/v1/observations/{oid}", headers=coordinator).status_code == 200

    log_in(TEACHER)
    page.get_by_role("link", name=NETWORK_NAME).click()
    page.get_by_role("link", name="Quién vio mis datos").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quién vio mis datos")
    rows = page.get_by_test_id("access-log").locator("tbody tr")
    expect(rows.first).to_be_visible()
    single = rows.filter(has_text="Una observación")
    expect(single.first).to_contain_text(PEOPLE[COORDINATOR]["name"])
    expect(single.first).to_contain_text("Coordinación")
    expect(single.first).to_contain_text("Aplicación web")

    context = browser.new_context(base_url=system.gateway_url, viewport={"width": 1024, "height": 768}, locale="es-CL")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Correo electrónico").fill(COORDINATOR)
    page.get_by_label("Contraseña").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Ingresar").click()
    page.get_by_test_id("current-user").wait_for()
    page.get_by_role("link", name=NETWORK_NAME).click()
    page.get_by_role("link", name="Registro de accesos").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registro de accesos a datos individuales")
    page.get_by_label("Docente").select_option(label=PEOPLE[TEACHER]["name"])
    page.get_by_role("button", name="Filtrar").click()
    filtered = page.get_by_test_id("access-log").locator("tbody tr")
    expect(filtered.first).to_contain_text(PEOPLE[TEACHER]["name"])
    for row in filtered.all():
        expect(row).to_contain_text(PEOPLE[TEACHER]["name"])
    context.close()
