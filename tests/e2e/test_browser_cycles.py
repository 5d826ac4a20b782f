"""The cycles screens in a real browser: create a PHEA cycle and take it from Planificar to Cerrado."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from playwright.sync_api import expect

from mejora_common.testing import DEMO_NETWORK_ID

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
