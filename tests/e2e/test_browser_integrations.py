"""The integrations screen: a coordinator creates an API key (secret shown once), sees it listed, revokes it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from mejora_common.testing import DEMO_NETWORK_ID

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

NETWORK = str(DEMO_NETWORK_ID)


def test_coordinator_creates_and_revokes_an_integration(page: Any, log_in: Any, system: Any) -> None:
    log_in("coordinacion@demo.cl")
    page.goto(f"/redes/{NETWORK}")
    page.get_by_role("link", name="Integraciones").click()
    expect(page).to_have_url(f"{system.gateway_url}/redes/{NETWORK}/integraciones")
    expect(page.get_by_role("heading", name="Integraciones", exact=True)).to_be_visible()

    form = page.get_by_role("form", name="Nueva integración")
    form.get_by_role("button", name="Crear integración").click()
    expect(form.get_by_role("alert").first).to_contain_text("Elige al menos un permiso.")
    form.get_by_label("Nombre del sistema").fill("Sistema de gestión escolar")
    form.get_by_label("Leer resultados agregados de la red (aggregates:read)").check()
    form.get_by_role("button", name="Crear integración").click()

    secret_card = page.get_by_test_id("integration-secret")
    expect(secret_card).to_contain_text("se muestra solo una vez")
    client_id = secret_card.get_by_role("textbox", name="Client ID").input_value()
    secret = secret_card.get_by_role("textbox", name="Client secret").input_value()
    assert client_id.startswith("mr_") and len(secret) >= 32
    expect(secret_card.get_by_role("button", name="Copiar Client secret")).to_be_visible()

    # The secret works now (through the gateway) and is never shown again.
    with system.client() as client:
        token = client.post(
            "/api/v1/auth/token",
            data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
        )
    assert token.status_code == 200, token.text
    secret_card.get_by_role("button", name="Ya lo guardé").click()
    expect(page.get_by_test_id("integration-secret")).to_have_count(0)
    expect(page.get_by_text(secret)).to_have_count(0)

    row = page.get_by_test_id("integrations-table").locator("tr", has_text="Sistema de gestión escolar")
    expect(row).to_contain_text(client_id)
    expect(row).to_contain_text("aggregates:read")
    expect(row).to_contain_text("Activa")

    row.get_by_role("button", name="Revocar Sistema de gestión escolar").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("¿Revocar «Sistema de gestión escolar»?")
    dialog.get_by_role("button", name="Sí, revocar").click()
    expect(page.get_by_role("status")).to_have_text("Se revocó «Sistema de gestión escolar».")
    expect(row).to_contain_text("Revocada el")
    expect(row.get_by_role("button", name="Revocar Sistema de gestión escolar")).to_have_count(0)


def test_integrations_link_is_for_coordinators_only(page: Any, log_in: Any) -> None:
    log_in("facilitacion@demo.cl")
    page.goto(f"/redes/{NETWORK}")
    expect(page.get_by_role("link", name="Diagrama conductor")).to_be_visible()
    expect(page.get_by_role("link", name="Integraciones")).to_have_count(0)
    page.goto(f"/redes/{NETWORK}/integraciones")
    expect(page.get_by_role("alert")).to_have_text("Solo la coordinación de la red administra las integraciones.")
