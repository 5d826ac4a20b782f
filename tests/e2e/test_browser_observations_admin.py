"""What coordinators and coaches do with observations beyond entry: corrections, custom instruments, import, and
a submit pressed without connection.

The system is shared by the whole test session: what these tests add uses the wave label "prueba-ui" (never a demo
wave), teachers no other browser test observes, and instrument codes of their own.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from mejora_common.testing import DEMO_FILE, DEMO_NETWORK_ID, auth_header

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

NETWORK = f"/redes/{DEMO_NETWORK_ID}"
WAVE = "prueba-ui"
DIRECTORY = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
PEOPLE = {p["email"]: p for p in DIRECTORY["people"] if p.get("email")}
# class-prek-k3: dimension -> domain
DOMAINS = {
    **dict.fromkeys(["PC", "NC", "TS", "RSP"], "ES"),
    **dict.fromkeys(["BM", "PD", "ILF"], "CO"),
    **dict.fromkeys(["CD", "QF", "LM"], "IS"),
}
DIMENSIONS = list(DOMAINS)
SCORES = {
    1: [5, 2, 5, 4, 5, 5, 4, 2, 2, 2],
    2: [6, 1, 5, 4, 5, 6, 4, 2, 3, 2],
    3: [5, 1, 4, 4, 6, 5, 5, 1, 2, 2],
    4: [6, 2, 5, 5, 5, 5, 4, 2, 2, 3],
}


def api(system: Any, token: str, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
    with system.client() as client:
        return client.request(method, path, headers={**auth_header(token), **(headers or {})}, **kwargs)


def api_get(system: Any, token: str, path: str, **params: Any) -> Any:
    response = api(system, token, "GET", path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def instrument_id(system: Any, token: str, code: str) -> str:
    found = api_get(system, token, "/api/v1/instruments", network_id=str(DEMO_NETWORK_ID), code=code)["items"]
    assert len(found) == 1
    return str(found[0]["id"])


def draft_body(system: Any, token: str, teacher_email: str, cycles: int = 4) -> dict[str, Any]:
    teacher = PEOPLE[teacher_email]
    return {
        "instrument_id": instrument_id(system, token, "class-prek-k3"),
        "network_id": str(DEMO_NETWORK_ID),
        "school_id": teacher["school_id"],
        "teacher_id": teacher["id"],
        "level": "kinder",
        "observed_on": "2024-06-18",
        "wave": WAVE,
        "mode": "live",
        "cycles": [
            {"number": n, "scores": dict(zip(DIMENSIONS, SCORES[n], strict=True)), "notes": ""}
            for n in range(1, cycles + 1)
        ],
        "evidence": {"QF": "Retroalimentación breve, de sí o no."},
    }


def score_cycle(page: Any, number: int) -> None:
    for code, value in zip(DIMENSIONS, SCORES[number], strict=True):
        page.get_by_test_id(f"score-{number}-{code}-{value}").click()


def local_drafts(page: Any) -> dict[str, Any]:
    raw = page.evaluate("() => localStorage.getItem('mejora.observations.drafts')")
    return dict(json.loads(raw or "{}"))


# --- 1. amendments -----------------------------------------------------------------------------------


def test_the_observer_records_a_correction_and_the_history_keeps_the_original(
    page: Any, log_in: Any, system: Any
) -> None:
    coach = system.token("acompanante@demo.cl")
    observation_id = str(uuid.uuid4())
    put = api(
        system,
        coach,
        "PUT",
        f"/api/v1/observations/{observation_id}",
        json=draft_body(system, coach, "educadora14@demo.cl"),
    )
    assert put.status_code == 201, put.text
    submit = api(
        system,
        coach,
        "POST",
        f"/api/v1/observations/{observation_id}/submit",
        headers={"If-Match": put.headers["etag"]},
    )
    assert submit.status_code == 200

    log_in("acompanante@demo.cl")
    page.goto(f"{NETWORK}/observaciones/{observation_id}")
    expect(page.get_by_test_id("cycle-scores")).to_be_visible()
    page.get_by_role("button", name="Registrar una corrección").click()
    form = page.get_by_test_id("amendment-form")
    form.get_by_label("QF — ciclo 2").select_option("4")

    # Without a reason the API refuses it, and says so next to the reason.
    form.get_by_role("button", name="Guardar corrección").click()
    expect(form.locator("[id='reason-error']")).to_be_visible()
    assert api_get(system, coach, f"/api/v1/observations/{observation_id}")["amendment_count"] == 0

    form.get_by_label("Motivo de la corrección").fill("Error de digitación en el ciclo 2: era un 4.")
    form.get_by_role("button", name="Guardar corrección").click()
    expect(page.get_by_test_id("amendment-saved")).to_contain_text("Corrección 1 registrada")
    expect(page.get_by_test_id("amendment-form")).to_have_count(0)

    history = page.get_by_test_id("amendment-history")
    expect(history).to_contain_text("Corrección 1")
    expect(history).to_contain_text("Paula Fuentes Araya")
    expect(history).to_contain_text("Error de digitación en el ciclo 2")
    change = history.locator("tr", has_text="Ciclo 2 · QF")
    expect(change).to_have_count(1)
    expect(change.locator("td").nth(1)).to_have_text("3")
    expect(change.locator("td").nth(2)).to_contain_text("4")
    # The current scores show the correction; the original stays readable.
    qf_row = page.get_by_test_id("cycle-scores").locator("tr", has_text="QF")
    expect(qf_row.locator("td").nth(2)).to_have_text("4")
    original = page.get_by_test_id("original-observation")
    original.locator("summary").click()
    expect(original.locator("tr", has_text="QF").locator("td").nth(2)).to_have_text("3")

    stored = api_get(system, coach, f"/api/v1/observations/{observation_id}/amendments")
    assert len(stored) == 1
    assert stored[0]["changed_fields"] == ["cycles"]
    assert stored[0]["before"]["cycles"][1]["scores"]["QF"] == 3
    assert stored[0]["after"]["cycles"][1]["scores"]["QF"] == 4
    assert stored[0]["amended_by"] == PEOPLE["acompanante@demo.cl"]["id"]


# --- 2. custom instruments ---------------------------------------------------------------------------


def test_a_coordinator_creates_a_custom_instrument_and_an_edit_of_a_used_one_makes_a_new_version(
    page: Any, log_in: Any, system: Any
) -> None:
    code = f"pauta-ui-{uuid.uuid4().hex[:8]}"
    log_in("coordinacion@demo.cl")
    page.goto(NETWORK)
    page.get_by_role("link", name="Instrumentos de observación").click()
    shipped = page.get_by_test_id("instrument-class-prek-k3-v1")
    expect(shipped).to_contain_text("Clima negativo (NC)")
    expect(shipped).to_contain_text("Inversa")
    expect(shipped.get_by_test_id("class-notice")).to_contain_text("Teachstone")
    expect(page.get_by_test_id("instrument-peer-visit-v1").get_by_test_id("class-notice")).to_have_count(0)

    page.get_by_role("link", name="+ Nuevo instrumento propio").click()
    form = page.get_by_test_id("instrument-form")
    form.get_by_label("Código", exact=True).fill(code)
    form.get_by_label("Nombre", exact=True).fill("Pauta de juego colaborativo")
    form.get_by_label("Puntaje mínimo").fill("1")
    form.get_by_label("Puntaje máximo").fill("5")
    form.get_by_label("Ciclos mínimos").fill("2")
    domain = page.get_by_test_id("domain-0")
    domain.get_by_label("Código del dominio").fill("JC")
    domain.get_by_label("Nombre del dominio").fill("Juego colaborativo")
    page.get_by_test_id("dimension-0-0").get_by_label("Código de la dimensión").fill("AY")
    page.get_by_test_id("dimension-0-0").get_by_label("Nombre de la dimensión").fill("Ayuda mutua")
    domain.get_by_role("button", name="+ Agregar dimensión").click()
    second = page.get_by_test_id("dimension-0-1")
    second.get_by_label("Código de la dimensión").fill("AY")  # repeated on purpose
    second.get_by_label("Nombre de la dimensión").fill("Conflictos sin resolver")
    second.get_by_label("Dimensión inversa (un puntaje bajo es favorable)").check()
    form.get_by_role("button", name="Guardar instrumento").click()
    # The API's validation error appears next to the field it names.
    expect(second.locator(".field-error")).to_contain_text("está repetido")

    second.get_by_label("Código de la dimensión").fill("CS")
    form.get_by_role("button", name="Guardar instrumento").click()
    expect(page.get_by_test_id("instrument-message")).to_contain_text("creado (versión 1)")
    card = page.get_by_test_id(f"instrument-{code}-v1")
    expect(card).to_contain_text("Conflictos sin resolver (CS)")
    expect(card).to_contain_text("Inversa")
    expect(card).to_contain_text("1–5")

    # Once an observation uses it, an edit leaves version 1 as it was and creates version 2.
    token = system.token("coordinacion@demo.cl")
    created = api_get(system, token, "/api/v1/instruments", network_id=str(DEMO_NETWORK_ID), code=code)["items"][0]
    assert (created["scale"], created["min_cycles"]) == ({"min": 1, "max": 5}, 2)
    teacher = PEOPLE["educadora14@demo.cl"]
    draft = {
        "instrument_id": created["id"],
        "network_id": str(DEMO_NETWORK_ID),
        "school_id": teacher["school_id"],
        "teacher_id": teacher["id"],
        "level": "kinder",
        "observed_on": "2024-06-19",
        "wave": WAVE,
        "cycles": [{"number": 1, "scores": {"AY": 4, "CS": 2}}],
    }
    used = api(system, token, "PUT", f"/api/v1/observations/{uuid.uuid4()}", json=draft)
    assert used.status_code == 201, used.text

    page.reload()
    card.get_by_role("link", name="Editar").click()
    expect(page.get_by_test_id("will-version")).to_contain_text("se crea la versión 2")
    page.get_by_test_id("dimension-0-0").get_by_label("Nombre de la dimensión").fill("Ayuda mutua espontánea")
    page.get_by_role("button", name="Guardar instrumento").click()
    message = page.get_by_test_id("instrument-message")
    expect(message).to_contain_text("no se modificó")
    expect(message).to_contain_text(f"se creó la versión 2 de «{code}»")
    expect(page.get_by_test_id(f"instrument-{code}-v2")).to_contain_text("Ayuda mutua espontánea")
    first = api_get(system, token, f"/api/v1/instruments/{created['id']}")
    assert first["domains"][0]["dimensions"][0]["name"] == "Ayuda mutua"
    assert first["latest"] is False


# --- 3. import ---------------------------------------------------------------------------------------


def long_rows(observation_id: str, teacher_email: str) -> list[dict[str, Any]]:
    teacher = PEOPLE[teacher_email]
    rows = []
    for number, scores in SCORES.items():
        for code, score in zip(DIMENSIONS, scores, strict=True):
            rows.append(
                {
                    "observation_id": observation_id,
                    "network_id": str(DEMO_NETWORK_ID),
                    "school_id": teacher["school_id"],
                    "teacher_id": teacher["id"],
                    "observer_id": PEOPLE["acompanante2@demo.cl"]["id"],
                    "instrument_code": "class-prek-k3",
                    "instrument_version": 1,
                    "level": "kinder",
                    "observed_on": "2024-06-20",
                    "wave": WAVE,
                    "mode": "video",
                    "status": "submitted",
                    "double_codes_id": "",
                    "cycle_number": number,
                    "cycle_started_at": "",
                    "cycle_duration_minutes": 20,
                    "cycle_notes": "",
                    "domain_code": DOMAINS[code],
                    "dimension_code": code,
                    "score": score,
                    "evidence": "",
                }
            )
    return rows


def as_csv(rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_import_checks_first_then_applies_and_a_rejected_file_lists_every_row_error(
    page: Any, log_in: Any, system: Any
) -> None:
    token = system.token("coordinacion@demo.cl")
    teacher = PEOPLE["educadora16@demo.cl"]
    before = api_get(system, token, "/api/v1/observations", network_id=str(DEMO_NETWORK_ID), teacher_id=teacher["id"])

    log_in("coordinacion@demo.cl")
    page.goto(f"{NETWORK}/observaciones")
    page.get_by_role("link", name="Importar observaciones").click()
    page.wait_for_url(re.compile(r"/observaciones/importar$"))
    file_input = page.get_by_label("Archivo CSV o JSON")

    # A rejected file: every row error in the table, nothing stored.
    rejected_id = str(uuid.uuid4())
    bad = long_rows(rejected_id, "educadora16@demo.cl")
    bad[2]["score"] = 9
    bad[4]["observed_on"] = "2024-02-30"
    file_input.set_input_files({"name": "malo.csv", "mimeType": "text/csv", "buffer": as_csv(bad)})
    page.get_by_role("button", name="Revisar (sin guardar)").click()
    expect(page.get_by_test_id("import-detail")).to_contain_text("no se guardó nada")
    errors = page.get_by_test_id("import-errors").locator("tbody tr")
    expect(errors.first).to_be_visible()
    table = [tuple(row.locator("td").all_inner_texts()[:2]) for row in errors.all()]
    assert ("3", "score") in table, table
    assert ("5", "observed_on") in table, table
    expect(page.get_by_role("button", name="Importar", exact=True)).to_have_count(0)
    assert api(system, token, "GET", f"/api/v1/observations/{rejected_id}").status_code == 404

    # A good file: the dry run summarises and stores nothing; then it is applied.
    good_id = str(uuid.uuid4())
    file_input.set_input_files(
        {
            "name": "observaciones.csv",
            "mimeType": "text/csv",
            "buffer": as_csv(long_rows(good_id, "educadora16@demo.cl")),
        }
    )
    page.get_by_role("button", name="Revisar (sin guardar)").click()
    summary = page.get_by_test_id("import-summary")
    expect(summary).to_contain_text("40 filas, 1 observaciones: 1 nuevas, 0 ya existían idénticas")
    expect(page.get_by_test_id("import-result")).to_contain_text("nada se guardó todavía")
    assert api(system, token, "GET", f"/api/v1/observations/{good_id}").status_code == 404

    page.get_by_role("button", name="Importar", exact=True).click()
    expect(summary).to_contain_text("Se importaron 1 observaciones")
    stored = api_get(system, token, f"/api/v1/observations/{good_id}")
    assert (stored["status"], stored["wave"], stored["mode"], len(stored["cycles"])) == ("submitted", WAVE, "video", 4)
    after = api_get(system, token, "/api/v1/observations", network_id=str(DEMO_NETWORK_ID), teacher_id=teacher["id"])
    assert after["total"] == before["total"] + 1


# --- 4. submit without connection --------------------------------------------------------------------


def start_entry(page: Any, teacher_email: str) -> str:
    page.goto(f"{NETWORK}/observaciones")
    page.get_by_role("link", name="+ Nueva observación").click()
    page.wait_for_url(re.compile(r"/observaciones/[0-9a-f-]{36}/registro$"))
    observation_id = str(page.url.rstrip("/").split("/")[-2])
    page.get_by_label("Docente observada").select_option(PEOPLE[teacher_email]["id"])
    page.get_by_label("Medición").fill(WAVE)
    return observation_id


def test_a_submit_pressed_offline_is_sent_once_when_the_connection_returns(page: Any, log_in: Any, system: Any) -> None:
    teacher = PEOPLE["educadora15@demo.cl"]
    coach = system.token("acompanante2@demo.cl")
    before = api_get(system, coach, "/api/v1/observations", teacher_id=teacher["id"])["total"]
    log_in("acompanante2@demo.cl")
    observation_id = start_entry(page, "educadora15@demo.cl")
    score_cycle(page, 1)
    for number in (2, 3):
        page.get_by_role("button", name="+ Agregar ciclo").click()
        score_cycle(page, number)
    status = page.get_by_test_id("sync-status")
    expect(status).to_have_text("Sincronizado", timeout=20_000)

    page.context.set_offline(True)
    try:
        expect(page.get_by_test_id("offline-notice")).to_be_visible()
        page.get_by_role("button", name="+ Agregar ciclo").click()
        score_cycle(page, 4)
        page.get_by_role("button", name="Enviar observación").click()
        expect(status).to_have_text("Envío pendiente")
        expect(page.get_by_test_id("submit-pending")).to_be_visible()
        held = local_drafts(page)[observation_id]
        assert held["submitRequested"] is True
        server = api_get(system, coach, f"/api/v1/observations/{observation_id}")
        assert (server["status"], len(server["cycles"])) == ("draft", 3)  # nothing reached the server
    finally:
        page.context.set_offline(False)

    # The connection returns: the last version, then the submit, are sent; the detail shows the scores.
    page.wait_for_url(re.compile(rf"/observaciones/{observation_id}$"), timeout=30_000)
    expect(page.get_by_test_id("domain-scores")).to_contain_text("Apoyo emocional")
    final = api_get(system, coach, f"/api/v1/observations/{observation_id}")
    assert (final["status"], len(final["cycles"]), final["wave"]) == ("submitted", 4, WAVE)
    assert api_get(system, coach, "/api/v1/observations", teacher_id=teacher["id"])["total"] == before + 1
    # Submitted: the local copy is pruned from the device.
    assert observation_id not in local_drafts(page)

    # The list says "Medición", not "Ola".
    page.goto(f"{NETWORK}/observaciones")
    header = page.get_by_test_id("observation-list").locator("thead")
    expect(header).to_contain_text("Medición")
    expect(header).not_to_contain_text("Ola")


def test_gaps_of_a_queued_submit_are_shown_on_the_entry_page(page: Any, log_in: Any, system: Any) -> None:
    coach = system.token("acompanante2@demo.cl")
    log_in("acompanante2@demo.cl")
    observation_id = start_entry(page, "educadora15@demo.cl")
    score_cycle(page, 1)
    expect(page.get_by_test_id("sync-status")).to_have_text("Sincronizado", timeout=20_000)

    page.context.set_offline(True)
    try:
        page.get_by_role("button", name="+ Agregar ciclo").click()
        score_cycle(page, 2)
        page.get_by_role("button", name="Enviar observación").click()
        expect(page.get_by_test_id("sync-status")).to_have_text("Envío pendiente")
    finally:
        page.context.set_offline(False)

    gaps = page.get_by_test_id("submit-gaps")
    expect(gaps).to_contain_text("Se requieren al menos 4 ciclos; hay 2", timeout=30_000)
    expect(page.get_by_test_id("sync-status")).to_have_text("Sincronizado")
    stored = api_get(system, coach, f"/api/v1/observations/{observation_id}")
    assert (stored["status"], len(stored["cycles"])) == ("draft", 2)
    held = local_drafts(page)[observation_id]  # a draft with gaps stays on the device
    assert held["submitRequested"] is False


def test_old_synced_drafts_are_pruned_from_the_device_and_unsent_ones_kept(page: Any, log_in: Any) -> None:
    log_in("acompanante2@demo.cl")
    teacher = PEOPLE["educadora15@demo.cl"]
    body = {"network_id": str(DEMO_NETWORK_ID), "teacher_id": teacher["id"], "school_id": teacher["school_id"]}

    def held(version: int, synced: int, days_ago: int) -> dict[str, Any]:
        stamp = f"2020-01-{days_ago:02d}T12:00:00.000Z"
        return {"id": str(uuid.uuid4()), "body": body, "version": version, "syncedVersion": synced, "updatedAt": stamp}

    old_synced = {**held(3, 3, 1), "syncedAt": "2020-01-01T12:00:00.000Z", "timers": {}}
    old_unsent = {**held(4, 3, 2), "timers": {}, "lastError": {"detail": "Docente desconocida", "fields": {}}}
    drafts = {old_synced["id"]: old_synced, old_unsent["id"]: old_unsent}
    page.evaluate("(d) => localStorage.setItem('mejora.observations.drafts', JSON.stringify(d))", drafts)
    page.goto(f"{NETWORK}/observaciones")
    expect(page.get_by_test_id("pending-drafts")).to_contain_text("Docente desconocida")
    kept = local_drafts(page)
    assert old_synced["id"] not in kept  # the server copy equals it and it is older than the limit
    assert old_unsent["id"] in kept  # changes the server never accepted stay on the device
