"""The account lifecycle in a real browser: a coordinator invites a new person from the directory, the invitation
reaches the outbox (the system runs without an SMTP server, so its mail is written to the data directory), the
person opens the link, sets her password and logs in."""

from __future__ import annotations

import email
import email.policy
import re
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from cycles_service.domain.chile import run_check_digit
from mejora_common.testing import DEMO_NETWORK_ID, auth_header

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

NETWORK_NAME = "Red de Educadoras y Docentes de NT1 a 2° básico"
COORDINATOR = "coordinacion@demo.cl"
PASSWORD = "una-clave-de-navegador"


def find_link(outbox: Path, address: str) -> str | None:
    for path in sorted(outbox.glob("*.eml"), reverse=True):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if message["To"] == address:
            body = message.get_body(preferencelist=("plain",))
            assert body is not None
            match = re.search(r"https?://\S+/cuenta/invitacion#token=[A-Za-z0-9_-]+", body.get_content())
            assert match, body.get_content()
            return match.group(0)
    return None


def invitation_link(outbox: Path, address: str) -> str:
    """The link of the mail to ``address``: it is written after the answer (a background task), so wait for it."""
    deadline = time.monotonic() + 20
    while (link := find_link(outbox, address)) is None:
        assert time.monotonic() < deadline, f"no mail to {address} in {outbox}"
        time.sleep(0.1)
    return link


def test_an_invited_person_sets_her_password_and_logs_in(page: Any, log_in: Any, system: Any) -> None:
    address = f"invitada.{system.env['MEJORA_PORT']}@demo.cl"
    body = 21_000_000 + int(system.env["MEJORA_PORT"])
    with system.client() as client:
        created = client.post(
            f"/api/v1/networks/{DEMO_NETWORK_ID}/people",
            json={
                "run": f"{body}-{run_check_digit(body)}",
                "name": "Aurora Invitada Pérez",
                "email": address,
                "role": "leader",
            },
            headers=auth_header(system.token(COORDINATOR)),
        )
        assert created.status_code == 201, created.text
    person_id = created.json()["id"]

    log_in(COORDINATOR)
    page.get_by_role("link", name=NETWORK_NAME).click()
    people = page.get_by_test_id("people-section")
    people.get_by_role("combobox", name=re.compile("^Rol")).select_option("leader")
    actions = page.get_by_test_id(f"account-actions-{person_id}")
    actions.get_by_role("button", name="Invitar").click()
    expect(actions.get_by_role("status")).to_contain_text(f"Se envió una invitación a {address}")
    expect(actions).to_contain_text("Invitada")

    link = invitation_link(Path(system.env["MEJORA_DATA_DIR"]) / "outbox", address)
    invited = page.context.browser.new_context(base_url=system.gateway_url, locale="es-CL")
    tab = invited.new_page()
    try:
        tab.goto(link)
        expect(tab.get_by_role("heading", level=1)).to_have_text("Activa tu cuenta")
        expect(tab.get_by_text("Hola Aurora Invitada Pérez")).to_be_visible()
        tab.get_by_label("Contraseña nueva").fill("corta")
        tab.get_by_label("Repite la contraseña").fill("corta")
        tab.get_by_role("button", name="Activar mi cuenta").click()
        expect(tab.locator(".field-error")).to_have_text("Debe tener al menos 12 caracteres.")
        tab.get_by_label("Contraseña nueva").fill(PASSWORD)
        tab.get_by_label("Repite la contraseña").fill(PASSWORD)
        tab.get_by_role("button", name="Activar mi cuenta").click()
        expect(tab.get_by_role("status")).to_contain_text("Tu cuenta está activa")
        tab.get_by_role("link", name="Ir a iniciar sesión").click()
        tab.get_by_label("Correo electrónico").fill(address)
        tab.get_by_label("Contraseña").fill(PASSWORD)
        tab.get_by_role("button", name="Ingresar").click()
        expect(tab.get_by_test_id("current-user")).to_contain_text("Aurora Invitada Pérez")
        # The link was single-use.
        tab.goto(link)
        expect(tab.get_by_role("alert")).to_contain_text("El enlace no es válido, ya se usó o venció")
    finally:
        invited.close()


def test_a_login_with_a_second_factor_asks_for_the_code(page: Any, system: Any) -> None:
    import pyotp

    address = f"totp.{system.env['MEJORA_PORT']}@demo.cl"
    body = 22_000_000 + int(system.env["MEJORA_PORT"])
    outbox = Path(system.env["MEJORA_DATA_DIR"]) / "outbox"
    with system.client() as client:
        coordinator = auth_header(system.token(COORDINATOR))
        person = client.post(
            f"/api/v1/networks/{DEMO_NETWORK_ID}/people",
            json={
                "run": f"{body}-{run_check_digit(body)}",
                "name": "Berta Dos Pasos",
                "email": address,
                "role": "leader",
            },
            headers=coordinator,
        )
        assert person.status_code == 201, person.text
        sent = client.post(
            f"/api/v1/networks/{DEMO_NETWORK_ID}/people/{person.json()['id']}/invitation", headers=coordinator
        )
        assert sent.status_code == 201, sent.text
        token = invitation_link(outbox, address).split("#token=")[1]
        accepted = client.post("/api/v1/auth/invitation/accept", json={"token": token, "password": PASSWORD})
        assert accepted.status_code == 204, accepted.text
        headers = auth_header(system.token(address, PASSWORD))
        totp = pyotp.TOTP(client.post("/api/v1/auth/mfa/enrolment", headers=headers).json()["secret"])
        confirmed = client.post("/api/v1/auth/mfa/enrolment/confirm", json={"code": totp.now()}, headers=headers)
        assert confirmed.status_code == 200, confirmed.text

    page.goto("/")
    page.get_by_label("Correo electrónico").fill(address)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Ingresar").click()
    step = page.get_by_test_id("mfa-step")
    expect(step.get_by_role("heading")).to_have_text("Verificación en dos pasos")
    # The enrolment spent the current step's code; the next step's is accepted (clock drift).
    step.get_by_label("Código").fill(totp.at(time.time() + 30))
    step.get_by_role("button", name="Verificar").click()
    expect(page.get_by_test_id("current-user")).to_contain_text("Berta Dos Pasos")
    # The second step opened a browser session like the login does: a reload renews it through the cookie.
    page.reload()
    expect(page.get_by_test_id("current-user")).to_contain_text("Berta Dos Pasos")
