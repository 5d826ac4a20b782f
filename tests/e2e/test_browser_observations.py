"""Observation entry in a real browser: offline-safe entry synced exactly once, scores, reliability table."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from mejora_common.testing import DEMO_FILE, DEMO_NETWORK_ID

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

DIRECTORY = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
PEOPLE = {p["email"]: p for p in DIRECTORY["people"] if p.get("email")}
DIMENSIONS = ["PC", "NC", "TS", "RSP", "BM", "PD", "ILF", "CD", "QF", "LM"]
CYCLE_SCORES = {
    1: [5, 2, 5, 4, 5, 5, 4, 2, 2, 2],
    2: [6, 1, 5, 4, 5, 6, 4, 2, 3, 2],
    3: [5, 1, 4, 4, 6, 5, 5, 1, 2, 2],
    4: [6, 2, 5, 5, 5, 5, 4, 2, 2, 3],
}


def score_cycle(page: Any, number: int) -> None:
    for code, value in zip(DIMENSIONS, CYCLE_SCORES[number], strict=True):
        page.get_by_test_id(f"score-{number}-{code}-{value}").click()


def api_get(system: Any, token: str, path: str, **params: Any) -> Any:
    with system.client() as client:
        response = client.get(path, params=params, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.text
        return response.json()


def test_entry_keeps_working_offline_and_syncs_exactly_once(page: Any, log_in: Any, system: Any) -> None:
    teacher = PEOPLE["educadora10@demo.cl"]
    coach_token = system.token("acompanante@demo.cl")
    before = api_get(system, coach_token, "/api/v1/observations", teacher_id=teacher["id"])["total"]

    log_in("acompanante@demo.cl")
    page.goto(f"/redes/{DEMO_NETWORK_ID}/observaciones")
    page.get_by_role("link", name="+ Nueva observación").click()
    page.wait_for_url(re.compile(r"/observaciones/[0-9a-f-]{36}/registro$"))
    observation_id = page.url.rstrip("/").split("/")[-2]
    expect(page.get_by_test_id("class-notice")).to_have_count(0)  # shown once the grid is there
    page.get_by_label("Docente observada").select_option(teacher["id"])
    expect(page.get_by_test_id("class-notice")).to_contain_text("Teachstone")

    page.get_by_role("button", name="Iniciar cronómetro").click()
    score_cycle(page, 1)
    page.get_by_role("button", name="Detener").click()
    page.get_by_role("button", name="+ Agregar ciclo").click()
    score_cycle(page, 2)
    status = page.get_by_test_id("sync-status")
    expect(status).to_have_text("Sincronizado", timeout=20_000)
    stored = api_get(system, coach_token, f"/api/v1/observations/{observation_id}")
    assert [c["number"] for c in stored["cycles"]] == [1, 2]
    assert stored["cycles"][0]["started_at"] is not None

    # The network drops: entry goes on, saved on the device and queued.
    page.context.set_offline(True)
    try:
        expect(page.get_by_test_id("offline-notice")).to_be_visible()
        page.get_by_role("button", name="+ Agregar ciclo").click()
        score_cycle(page, 3)
        page.get_by_label("Notas del ciclo").fill("Trabajo en grupos pequeños con material concreto.")
        page.get_by_role("button", name="+ Agregar ciclo").click()
        score_cycle(page, 4)
        expect(status).to_have_text("Pendiente de sincronizar")
        still = api_get(system, coach_token, f"/api/v1/observations/{observation_id}")
        assert len(still["cycles"]) == 2  # nothing reached the server while offline
    finally:
        page.context.set_offline(False)

    # The connection returns: the queued draft is sent with the idempotent PUT, once.
    expect(status).to_have_text("Sincronizado", timeout=30_000)
    listed = api_get(system, coach_token, "/api/v1/observations", teacher_id=teacher["id"])
    assert listed["total"] == before + 1
    synced = api_get(system, coach_token, f"/api/v1/observations/{observation_id}")
    assert [c["number"] for c in synced["cycles"]] == [1, 2, 3, 4]
    assert synced["cycles"][2]["notes"] == "Trabajo en grupos pequeños con material concreto."
    assert [synced["cycles"][3]["scores"][code] for code in DIMENSIONS] == CYCLE_SCORES[4]
    assert synced["status"] == "draft"

    # Submit: the detail shows the domain scores.
    page.get_by_role("button", name="Enviar observación").click()
    page.wait_for_url(re.compile(rf"/observaciones/{observation_id}$"))
    expect(page.get_by_test_id("domain-scores")).to_contain_text("Apoyo emocional")
    expect(page.get_by_test_id("dimension-scores")).to_contain_text("Clima negativo")
    final = api_get(system, coach_token, "/api/v1/observations", teacher_id=teacher["id"])
    assert final["total"] == before + 1
    assert api_get(system, coach_token, f"/api/v1/observations/{observation_id}")["status"] == "submitted"


def test_submit_shows_the_gaps(page: Any, log_in: Any) -> None:
    log_in("acompanante2@demo.cl")
    page.goto(f"/redes/{DEMO_NETWORK_ID}/observaciones/nueva")
    page.wait_for_url(re.compile(r"/registro$"))
    page.get_by_label("Docente observada").select_option(PEOPLE["educadora11@demo.cl"]["id"])
    score_cycle(page, 1)
    page.get_by_test_id("score-1-QF-2").click()  # a second touch clears the score
    expect(page.get_by_test_id("sync-status")).to_have_text("Sincronizado", timeout=20_000)
    page.get_by_role("button", name="Enviar observación").click()
    gaps = page.get_by_test_id("submit-gaps")
    expect(gaps).to_contain_text("Se requieren al menos 4 ciclos; hay 1")
    expect(gaps).to_contain_text("Falta el puntaje de QF en el ciclo 1")


def test_teacher_sees_her_scores_and_coordinator_the_reliability_table(page: Any, log_in: Any) -> None:
    log_in("educadora@demo.cl")
    page.goto(f"/redes/{DEMO_NETWORK_ID}/observaciones")
    rows = page.get_by_test_id("observation-list").locator("tbody tr")
    expect(rows.first).to_be_visible()
    expect(page.get_by_role("link", name="+ Nueva observación")).to_have_count(0)
    rows.first.get_by_role("link").click()
    expect(page.get_by_test_id("domain-scores")).to_contain_text("Apoyo pedagógico")
    expect(page.get_by_test_id("class-notice")).to_contain_text("marca registrada de Teachstone")
    page.get_by_role("button", name="Cerrar sesión").click()

    log_in("coordinacion@demo.cl")
    page.goto(f"/redes/{DEMO_NETWORK_ID}")
    page.get_by_role("link", name="Confiabilidad entre observadores").click()
    observers = page.get_by_test_id("reliability-observers")
    expect(observers).to_contain_text("Paula Fuentes Araya")
    expect(observers).to_contain_text("Rodrigo Pérez Lagos")
    expect(page.get_by_test_id("reliability-dimensions")).to_contain_text("Calidad de la retroalimentación (QF)")

    page.goto(f"/redes/{DEMO_NETWORK_ID}/observaciones")
    expect(page.get_by_test_id("observation-list")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("button", name="Descargar CSV (formato largo)").click()
    download = info.value
    assert download.suggested_filename == "observaciones.csv"
    lines = Path(download.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("observation_id,network_id,school_id,teacher_id,observer_id,instrument_code")
    assert len(lines) > 34 * 4 * 10
