"""The web shell in a real browser: login, the user's networks, logout, service-down page."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

NETWORK_NAME = "Red de Educadoras y Docentes de NT1 a 2° básico"


def test_wrong_password_shows_spanish_error(page: Any) -> None:
    page.goto("/")
    page.get_by_label("Correo electrónico").fill("educadora@demo.cl")
    page.get_by_label("Contraseña").fill("incorrecta")
    page.get_by_role("button", name="Ingresar").click()
    expect(page.get_by_role("alert")).to_contain_text("Correo o contraseña incorrectos.")


def test_empty_login_form_marks_fields(page: Any) -> None:
    page.goto("/")
    page.get_by_role("button", name="Ingresar").click()
    expect(page.get_by_text("Este campo es obligatorio.")).to_have_count(2)


def test_login_see_network_open_it_and_logout(page: Any, log_in: Any) -> None:
    log_in("educadora@demo.cl")
    expect(page.get_by_test_id("current-user")).to_contain_text("Javiera Morales Silva")
    networks = page.get_by_test_id("network-list")
    expect(networks).to_contain_text(NETWORK_NAME)
    expect(networks).to_contain_text("6 establecimientos")
    page.get_by_role("link", name=NETWORK_NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NETWORK_NAME)
    page.reload()  # the session survives a reload and the deep link is served by the SPA fallback
    expect(page.get_by_role("heading", level=1)).to_have_text(NETWORK_NAME)
    page.get_by_role("button", name="Cerrar sesión").click()
    expect(page.get_by_role("heading", name="Iniciar sesión")).to_be_visible()


def test_service_down_page_names_the_problem(page: Any, log_in: Any, system: Any) -> None:
    log_in("coordinacion@demo.cl")
    system.stop("cycles")
    try:
        page.goto("/")
        # /auth/me fails with 503 while cycles is down: the shell shows the service-down page, not the login.
        expect(page.get_by_test_id("service-down")).to_contain_text("Servicio no disponible")
        expect(page.get_by_test_id("service-down")).to_contain_text("ciclos")
    finally:
        system.start("cycles")
    page.get_by_role("button", name="Reintentar").click()
    expect(page.get_by_test_id("network-list")).to_contain_text(NETWORK_NAME)
