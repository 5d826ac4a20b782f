"""The cycles screens in a real browser: create a PHEA cycle and take it from Planificar to Cerrado; two people
editing the same cycle (412), a busy moment (503 overloaded) and a create retried after a lost answer."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from mejora_common.testing import DEMO_NETWORK_ID, DEMO_PASSWORD, auth_header

NETWORK_NAME = "Red de Educadoras y Docentes de NT1 a 2° básico"


def advance(page: Any, to: str) -> None:
    page.get_by_role("button", name=f"Avanzar a «{to}»").click()
    expect(page.get_by_test_id("cycle-stage")).to_have_text(to)


def test_create_a_cycle_and_take_it_from_plan_to_closed(page: Any, log_in: Any) -> None:
    log_in("educadora@demo.cl")
    page.get_by_role("link", name=NETWORK_NAME).click()
    expect(page.get_by_test_id("network-aim")).to_contain_text("oraciones completas")
    page.get_by_role("link", name="Ciclos PHEA").click()
    expect(page.get_by_test_id("column-closed")).to_contain_text("Tarjetas de preguntas abiertas en NT2 A")
    page.get_by_role("link", name="Nuevo ciclo").click()
    page.get_by_label("Título").fill("Preguntas abiertas en la hora del cuento")
    page.get_by_role("button", name="Crear ciclo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preguntas abiertas en la hora del cuento")
    expect(page.get_by_test_id("cycle-stage")).to_have_text("Planificar")

    # Advancing an empty plan lists what is missing, next to the fields.
    page.get_by_role("button", name="Avanzar a «Hacer»").click()
    expect(page.get_by_role("alert").first).to_contain_text("No se puede avanzar")
    expect(page.locator("#objective-error")).to_have_text("Falta el objetivo del ciclo")
    expect(page.get_by_test_id("cycle-stage")).to_have_text("Planificar")

    page.get_by_label("Objetivo").fill("Que más niños y niñas respondan con oraciones completas")
    page.get_by_role("button", name="Agregar pregunta").click()
    page.get_by_label("Pregunta 1").fill("¿Cuántos niños responden con oraciones completas?")
    page.get_by_label("Predicción").fill("La mitad del grupo")
    page.get_by_label("¿Quién?").fill("Educadora de NT2 A")
    page.get_by_label("¿Qué se hará?").fill("Tarjetas de preguntas abiertas con espera de cinco segundos")
    page.get_by_label("¿Cuándo?").fill("Semana del 6 de mayo")
    page.get_by_label("¿Dónde?").fill("Sala NT2 A")
    page.get_by_label("Datos que se recogerán").fill("Pauta de participación de la técnica")
    advance(page, "Hacer")

    page.get_by_label("Fecha en que se realizó").fill("2024-05-08")
    page.get_by_label("¿Qué ocurrió?").fill("Tres lecturas con tarjetas")
    page.get_by_label("Problemas encontrados").fill("Ninguno")
    page.get_by_label("Observaciones inesperadas").fill("Los niños pidieron repetir")
    advance(page, "Estudiar")

    page.get_by_label("Resultado comparado con la predicción").fill("14 de 24: algo más de lo predicho")
    page.get_by_label("¿Qué aprendimos?").fill("La espera ayuda a que respondan más")
    advance(page, "Actuar")

    page.get_by_label("Decisión").select_option("adopt")
    page.get_by_label("Próximos pasos").fill("Compartirlo en la sesión de aprendizaje")
    advance(page, "Cerrado")
    expect(page.get_by_test_id("cycle-history").locator("li")).to_have_count(4)
    expect(page.get_by_text("Adoptar")).to_be_visible()

    page.get_by_role("link", name="Tablero PHEA").click()
    expect(page.get_by_test_id("column-closed")).to_contain_text("Preguntas abiertas en la hora del cuento")

    # The state changes that follow send the cycle's ETag too: start the next cycle, then reopen this one.
    page.get_by_role("link", name="Preguntas abiertas en la hora del cuento").click()
    page.get_by_role("button", name="Iniciar el ciclo siguiente").click()
    expect(page.get_by_test_id("cycle-stage")).to_have_text("Planificar")
    page.get_by_role("link", name="Ciclo anterior").click()
    expect(page.get_by_test_id("cycle-stage")).to_have_text("Cerrado")
    page.get_by_label("Reabrir en").select_option("act")
    page.get_by_role("button", name="Reabrir", exact=True).click()
    expect(page.get_by_test_id("cycle-stage")).to_have_text("Actuar")


def test_new_cycle_form_is_prefilled_from_the_query(page: Any, log_in: Any) -> None:
    log_in("educadora@demo.cl")
    title = "Área prioritaria: Calidad de la retroalimentación"
    page.goto(
        f"/redes/{DEMO_NETWORK_ID}/ciclos/nuevo?title={quote(title)}&objective={quote('Retroalimentar en bucle')}"
    )
    expect(page.get_by_label("Título")).to_have_value(title)
    expect(page.get_by_label("Objetivo")).to_have_value("Retroalimentar en bucle")


def test_network_pages_show_the_demo_work(page: Any, log_in: Any) -> None:
    log_in("coordinacion@demo.cl")
    page.goto(f"/redes/{DEMO_NETWORK_ID}")
    expect(page.get_by_test_id("school-table")).to_contain_text("Escuela Básica Los Aromos")
    page.get_by_role("link", name="Diagrama conductor").click()
    expect(page.get_by_test_id("diagram-tree")).to_contain_text("Devolución de datos con tres fortalezas")
    page.get_by_label("Comparar con").select_option(index=1)
    expect(page.get_by_test_id("diagram-diff")).to_contain_text("Transiciones con canciones")
    page.goto(f"/redes/{DEMO_NETWORK_ID}/calendario?year=2024")
    expect(page.get_by_test_id("calendar")).to_contain_text("Sesión de aprendizaje 1")
    page.goto(f"/redes/{DEMO_NETWORK_ID}/medidas")
    page.get_by_role("link", name="Minutos semanales de planificación fuera de la jornada").click()
    expect(page.get_by_test_id("points-table").locator("tbody tr")).to_have_count(26)
    page.goto(f"/redes/{DEMO_NETWORK_ID}/barreras")
    expect(page.get_by_test_id("barrier-list")).to_contain_text("tiempo no lectivo")


STALE_TEXT = "Otra persona guardó cambios mientras editabas: recarga para verlos; tus cambios no se guardaron."
BUSY_TEXT = "Muchas personas están usando la plataforma en este momento. Reintenta en unos segundos."


@pytest.fixture
def second_page(browser: Any, system: Any) -> Iterator[Any]:
    """Another person's browser (its own context: own storage and session)."""
    context = browser.new_context(base_url=system.gateway_url, viewport={"width": 1024, "height": 768}, locale="es-CL")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def log_in_on(tab: Any, email: str) -> None:
    tab.goto("/")
    tab.get_by_label("Correo electrónico").fill(email)
    tab.get_by_label("Contraseña").fill(DEMO_PASSWORD)
    tab.get_by_role("button", name="Ingresar").click()
    tab.get_by_test_id("current-user").wait_for()


def test_a_cycle_saved_meanwhile_by_someone_else_is_not_overwritten(
    page: Any, second_page: Any, log_in: Any, system: Any
) -> None:
    token = system.token("educadora@demo.cl")
    with system.client() as client:
        created = client.post(
            "/api/v1/cycles",
            headers=auth_header(token),
            json={"network_id": str(DEMO_NETWORK_ID), "title": "Rutina de saludo con nombres", "objective": ""},
        )
        assert created.status_code == 201, created.text
    cycle_id = created.json()["id"]

    log_in("educadora@demo.cl")
    log_in_on(second_page, "educadora@demo.cl")
    for tab in (page, second_page):
        tab.goto(f"/ciclos/{cycle_id}")
        expect(tab.get_by_role("heading", level=1)).to_have_text("Rutina de saludo con nombres")

    page.get_by_label("Objetivo").fill("Que cada niño y niña sea saludado por su nombre")
    page.get_by_role("button", name="Guardar", exact=True).click()
    expect(page.get_by_text("Cambios guardados.")).to_be_visible()

    # The second screen still holds the version read before: its save is refused and what was typed stays.
    second_page.get_by_label("Objetivo").fill("Saludar a cada familia en la puerta")
    second_page.get_by_role("button", name="Guardar", exact=True).click()
    stale = second_page.get_by_test_id("stale-alert")
    expect(stale).to_contain_text(STALE_TEXT)
    expect(second_page.get_by_label("Objetivo")).to_have_value("Saludar a cada familia en la puerta")
    with system.client() as client:
        stored = client.get(f"/api/v1/cycles/{cycle_id}", headers=auth_header(token)).json()
    assert stored["objective"] == "Que cada niño y niña sea saludado por su nombre"

    # "Recargar" shows the other person's version; a save from there goes through.
    stale.get_by_role("button", name="Recargar").click()
    expect(second_page.get_by_label("Objetivo")).to_have_value("Que cada niño y niña sea saludado por su nombre")
    expect(second_page.get_by_test_id("stale-alert")).to_have_count(0)
    second_page.get_by_label("Objetivo").fill("Que cada niño y niña sea saludado por su nombre, también en la salida")
    second_page.get_by_role("button", name="Guardar", exact=True).click()
    expect(second_page.get_by_text("Cambios guardados.")).to_be_visible()


BARRIER_LIST = re.compile(r"/api/v1/networks/[^/]+/barriers\?")


def test_a_busy_moment_shows_a_gentle_retry_message_not_the_service_down_page(page: Any, log_in: Any) -> None:
    log_in("coordinacion@demo.cl")
    overloaded = {
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "El servicio está atendiendo demasiadas solicitudes de este tipo. Intenta en unos segundos.",
        "code": "overloaded",
        "service": "cycles",
    }
    page.route(
        BARRIER_LIST,
        lambda route: route.fulfill(
            status=503,
            headers={"Retry-After": "2"},
            content_type="application/problem+json",
            body=json.dumps(overloaded),
        ),
    )
    page.goto(f"/redes/{DEMO_NETWORK_ID}/barreras")
    expect(page.get_by_test_id("overloaded")).to_contain_text(BUSY_TEXT)
    expect(page.get_by_test_id("service-down")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text("Barreras")

    page.unroute(BARRIER_LIST)
    page.get_by_role("button", name="Reintentar").click()
    expect(page.get_by_test_id("barrier-list")).to_contain_text("tiempo no lectivo")


def test_the_network_aim_is_saved_with_the_version_it_was_read_with(page: Any, log_in: Any) -> None:
    log_in("coordinacion@demo.cl")
    page.goto(f"/redes/{DEMO_NETWORK_ID}")
    aim = page.get_by_test_id("network-aim")
    aim.get_by_role("button", name="Editar meta").click()
    form = page.get_by_test_id("aim-form")
    statement = form.get_by_label("Enunciado de la meta").input_value()
    form.get_by_role("button", name="Guardar").click()
    expect(aim.get_by_role("status")).to_have_text("Meta guardada.")
    expect(aim).to_contain_text(statement)


def test_a_create_retried_after_a_lost_answer_is_made_once(page: Any, log_in: Any, system: Any) -> None:
    log_in("coordinacion@demo.cl")
    page.goto(f"/redes/{DEMO_NETWORK_ID}/barreras")
    expect(page.get_by_test_id("barrier-list")).to_contain_text("tiempo no lectivo")
    keys: list[str] = []

    def lose_the_first_answer(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        keys.append(route.request.headers.get("idempotency-key", ""))
        if len(keys) == 1:
            route.fetch()  # the server creates the barrier, but its answer never reaches the browser
            route.abort("failed")
        else:
            route.continue_()

    page.route(re.compile(r"/api/v1/networks/[^/]+/barriers$"), lose_the_first_answer)
    description = "Sin sala para reuniones de nivel (reintento tras una respuesta perdida)"
    page.get_by_label("Descripción").fill(description)
    page.get_by_role("button", name="Registrar barrera").click()
    expect(page.get_by_role("alert")).to_be_visible()
    page.get_by_role("button", name="Registrar barrera").click()
    expect(page.get_by_test_id("barrier-list")).to_contain_text(description)

    assert len(keys) == 2 and keys[0] and keys[0] == keys[1]
    token = system.token("coordinacion@demo.cl")
    with system.client() as client:
        listed = client.get(
            f"/api/v1/networks/{DEMO_NETWORK_ID}/barriers", headers=auth_header(token), params={"limit": 200}
        ).json()["items"]
    assert [b["description"] for b in listed].count(description) == 1

    # Changing it sends the version it was listed with.
    card = page.get_by_test_id("barrier-list").locator("li", has_text=description)
    card.get_by_label("Estado").select_option("escalated")
    card.get_by_role("button", name="Actualizar").click()
    expect(card.locator(".badge")).to_have_text("Escalada")

    # The next barrier is another create: another key.
    page.get_by_label("Descripción").fill("Sin tiempo para observar entre pares")
    page.get_by_role("button", name="Registrar barrera").click()
    expect(page.get_by_test_id("barrier-list")).to_contain_text("Sin tiempo para observar entre pares")
    assert len(keys) == 3 and keys[2] not in (keys[0], "")
