"""The reports screens in a real browser: a teacher reads her feedback, starts a PHEA cycle on her
priority area from it, and reads the run chart of a measure with its signals; the network results show which
release (or, for coordination, the live view) they come from, and coordination publishes after a confirmation."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from mejora_common.testing import DEMO_NETWORK_ID

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

NETWORK_NAME = "Red de Educadoras y Docentes de NT1 a 2° básico"
MEASURE_NAME = "Niños y niñas que responden con oraciones completas a preguntas abiertas"


def test_feedback_then_a_phea_cycle_on_the_priority_area(page: Any, log_in: Any) -> None:
    log_in("educadora@demo.cl")
    page.get_by_role("link", name=NETWORK_NAME).click()
    page.get_by_role("link", name="Devoluciones").click()
    page.get_by_test_id("open-feedback").first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Devolución de la observación")
    expect(page.get_by_test_id("strength")).to_have_count(3)
    priority = page.get_by_test_id("priority-area")
    expect(priority).to_be_visible()
    summary = page.get_by_test_id("feedback-summary")
    expect(summary).to_contain_text("Destacamos tres fortalezas")
    # Strengths come before the priority area, on the page and in the words.
    strengths_box = page.get_by_test_id("strength").first.bounding_box()
    priority_box = priority.bounding_box()
    assert strengths_box["y"] < priority_box["y"]
    expect(page.get_by_test_id("feedback-chart").locator("svg")).to_be_visible()
    expect(page.get_by_role("button", name="Descargar PDF")).to_be_enabled()
    area = priority.get_by_role("heading", level=3).inner_text()

    page.get_by_role("button", name="Iniciar un ciclo PHEA en esta área").click()
    expect(page).to_have_url(re.compile(rf"/redes/{DEMO_NETWORK_ID}/ciclos/nuevo\?"))
    expect(page.get_by_label("Título")).to_have_value(f"Ciclo PHEA: {area}")
    expect(page.get_by_label("Objetivo")).to_have_value(re.compile(re.escape(f"Mejorar {area}")))
    page.get_by_role("button", name="Crear ciclo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ciclo PHEA: {area}")
    expect(page.get_by_test_id("cycle-stage")).to_have_text("Planificar")


def test_run_chart_of_a_measure_with_its_signals(page: Any, log_in: Any) -> None:
    log_in("educadora@demo.cl")
    page.goto(f"/redes/{DEMO_NETWORK_ID}/medidas")
    page.get_by_role("link", name=MEASURE_NAME).click()
    chart = page.get_by_test_id("run-chart")
    expect(chart).to_be_visible()
    svg = chart.get_by_test_id("run-chart-svg").locator("svg")
    expect(svg).to_be_visible()
    # The seeded data has a shift after the change: its points are highlighted, and learning sessions marked.
    assert svg.locator("circle.point.signal").count() > 0
    assert svg.locator("g.event").count() > 0
    expect(chart.get_by_test_id("signal-count")).to_contain_text("puntos con señal")
    expect(chart.get_by_test_id("run-chart-signals")).to_contain_text("Desplazamiento")


def test_a_teacher_reads_the_published_results(page: Any, log_in: Any) -> None:
    log_in("educadora@demo.cl")
    page.goto(f"/redes/{DEMO_NETWORK_ID}/resultados?wave=2024-2")
    source = page.get_by_test_id("results-source")
    expect(source).to_contain_text("Publicación 1 del")  # the demo seed's release, not live data
    expect(page.get_by_test_id("result-group").first).to_be_visible()
    expect(page.get_by_role("button", name="Publicar resultados de la ola")).to_have_count(0)


def test_coordination_reads_live_or_a_release_and_publishes_after_confirming(page: Any, log_in: Any) -> None:
    log_in("coordinacion@demo.cl")
    page.goto(f"/redes/{DEMO_NETWORK_ID}/resultados?wave=2024-2")
    expect(page.get_by_test_id("results-source")).to_contain_text("Vista en vivo")
    page.get_by_test_id("release-select").select_option("1")
    expect(page.get_by_test_id("results-source")).to_contain_text("Publicación 1 del")
    page.get_by_role("button", name="Publicar resultados de la ola").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("¿Publicar los resultados de la ola 2024-2?")
    dialog.get_by_role("button", name="Cancelar").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    page.get_by_role("button", name="Publicar resultados de la ola").click()
    page.get_by_role("dialog").get_by_role("button", name="Publicar").click()
    # The demo's waves are already published and nothing changed since: the refusal says so, readably.
    expect(page.get_by_test_id("publish-refused")).to_contain_text("Nada cambió desde la publicación 1")
