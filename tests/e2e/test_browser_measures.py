"""Measures in a real browser (issue 15): the demo's shifted outcome measure gets a phase proposal; a coordinator
confirms a proposed phase with a reason and sees the chart change; a repeated period asks before replacing."""

from __future__ import annotations

import uuid
from typing import Any

from playwright.sync_api import expect

from mejora_common.testing import DEMO_NETWORK_ID, auth_header

DEMO_OUTCOME = "Niños y niñas que responden con oraciones completas a preguntas abiertas"
# About 36 % for a year, then about 58 % (as the demo's outcome measure), in a measure of this test's own.
BEFORE = [0.36, 0.34, 0.38, 0.35, 0.37, 0.36, 0.33, 0.38, 0.35, 0.37, 0.34, 0.36]
AFTER = [0.58, 0.60, 0.57, 0.59, 0.56, 0.61, 0.58, 0.57, 0.60, 0.59, 0.58, 0.57]


def month(i: int) -> str:
    year, m = divmod(2 + i, 12)
    return f"{2023 + year}-{m + 1:02d}-01"


def own_measure(system: Any, name: str) -> str:
    """A measure only this test uses (others count the demo's), with a year at each level."""
    headers = auth_header(system.token("coordinacion@demo.cl"))
    with system.client() as client:
        created = client.post(
            f"/api/v1/networks/{DEMO_NETWORK_ID}/measures",
            json={
                "name": name,
                "kind": "outcome",
                "unit": "%",
                "value_type": "proportion",
                "direction": "up",
                "frequency": "monthly",
            },
            headers=headers,
        )
        assert created.status_code == 201, created.text
        measure_id: str = created.json()["id"]
        points = [
            {"period": month(i), "numerator": round(v * 200), "denominator": 200} for i, v in enumerate(BEFORE + AFTER)
        ]
        imported = client.post(f"/api/v1/measures/{measure_id}/points:import", json=points, headers=headers)
        assert imported.status_code == 200, imported.text
    return measure_id


def test_the_demos_shifted_outcome_measure_has_a_proposal(system: Any) -> None:
    headers = auth_header(system.token("educadora@demo.cl"))
    with system.client() as client:
        measures = client.get(f"/api/v1/networks/{DEMO_NETWORK_ID}/measures", headers=headers).json()["items"]
        outcome = next(m for m in measures if m["name"] == DEMO_OUTCOME)
        data = client.get(f"/api/v1/measures/{outcome['id']}/phase-proposals", headers=headers).json()
    assert [p["start_period"] for p in data["proposals"]] == ["2024-04-01"]
    assert any(c["kind"] == "learning_session" for c in data["proposals"][0]["context"])


def test_a_coordinator_confirms_a_proposed_phase_and_the_chart_changes(page: Any, log_in: Any, system: Any) -> None:
    name = f"Medida con un cambio de nivel {uuid.uuid4().hex[:6]}"
    measure_id = own_measure(system, name)
    log_in("coordinacion@demo.cl")
    page.goto(f"/medidas/{measure_id}")
    chart = page.get_by_test_id("run-chart")
    expect(chart.get_by_test_id("signal-count")).to_contain_text("puntos con señal")
    expect(chart.get_by_test_id("run-chart-phases")).to_have_count(0)
    panel = page.get_by_test_id("measure-phases")
    proposal = panel.get_by_test_id("phase-proposal")
    expect(proposal).to_contain_text("Propuesta: una fase nueva desde mar 2024")
    proposal.get_by_role("button", name="Confirmar la fase").click()
    expect(proposal.get_by_role("alert")).to_contain_text("Escribe la razón")
    proposal.get_by_label("Razón (obligatoria)").fill("Después de la sesión sobre preguntas abiertas")
    proposal.get_by_role("button", name="Confirmar la fase").click()
    expect(panel.get_by_test_id("phase-list")).to_contain_text("Después de la sesión sobre preguntas abiertas")
    expect(panel.get_by_test_id("no-proposal")).to_be_visible()
    # The chart now has a median for each phase, and no signal left in either.
    phases = chart.get_by_test_id("run-chart-phases")
    expect(phases).to_contain_text("Fase desde mar 2024: mediana 58,0 %")
    expect(chart.get_by_test_id("signal-count")).to_have_text("0 puntos con señal")


def test_a_repeated_period_shows_the_current_value_before_replacing(page: Any, log_in: Any, system: Any) -> None:
    measure_id = own_measure(system, f"Medida para reemplazar {uuid.uuid4().hex[:6]}")
    log_in("coordinacion@demo.cl")
    page.goto(f"/medidas/{measure_id}")
    form = page.get_by_test_id("point-form")
    form.get_by_label("Período").fill("2023-03-15")
    form.get_by_label("Numerador").fill("100")
    form.get_by_label("Denominador").fill("200")
    form.get_by_role("button", name="Registrar dato").click()
    asked = page.get_by_test_id("point-exists")
    expect(asked).to_contain_text("36,0 %")
    expect(asked).to_contain_text("(72 / 200)")
    asked.get_by_role("button", name="Reemplazar").click()
    expect(asked).to_have_count(0)
    expect(page.get_by_test_id("points-table").locator("tbody tr").first).to_contain_text("50,0 %")
    # Deleting asks first; the history says who replaced and deleted which value.
    first_row = page.get_by_test_id("points-table").locator("tbody tr").first
    first_row.get_by_role("button", name="Eliminar").click()
    first_row.get_by_role("button", name="Sí, eliminar").click()
    expect(page.get_by_test_id("points-table").locator("tbody tr").first).not_to_contain_text("50,0 %")
    history = page.get_by_test_id("points-history")
    history.get_by_text("Historial de cambios de los datos").click()
    expect(history).to_contain_text("eliminado · 50,0 % → —")
    expect(history).to_contain_text("reemplazado · 36,0 % → 50,0 %")
    expect(history).to_contain_text("Carolina Muñoz Rojas")
