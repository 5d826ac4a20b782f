"""The reports service on the real, seeded system, through the gateway."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from pypdf import PdfReader

from mejora_common.testing import DEMO_NETWORK_ID, auth_header

pytestmark = pytest.mark.e2e

NETWORK = str(DEMO_NETWORK_ID)
PROPORTION_MEASURE = "e669def0-6f8e-5fed-ac29-8f0a597bfb7b"  # seeded: 26 monthly points


def own_observations(system: Any, email: str) -> list[dict[str, Any]]:
    with system.client() as client:
        response = client.get(
            "/api/v1/observations",
            params={"network_id": NETWORK, "status": "submitted", "double_coding": "false"},
            headers=auth_header(system.token(email)),
        )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_teacher_feedback_and_its_privacy(system: Any) -> None:
    observations = own_observations(system, "educadora@demo.cl")
    assert observations, "the demo teacher has submitted observations"
    latest = max(observations, key=lambda o: o["observed_on"])
    path = f"/api/v1/reports/observations/{latest['id']}/feedback"
    with system.client() as client:
        own = client.get(path, headers=auth_header(system.token("educadora@demo.cl")))
        assert own.status_code == 200, own.text
        data = own.json()
        assert len(data["strengths"]) == 3
        assert data["priority_area"]["code"] not in {s["code"] for s in data["strengths"]}
        assert data["summary"].index("fortalezas") < data["summary"].index("área prioritaria")
        assert data["teacher"]["id"] == latest["teacher_id"]
        # The coach who observed and coordination may read it; another teacher and the school leader may not.
        assert client.get(path, headers=auth_header(system.token("coordinacion@demo.cl"))).status_code == 200
        assert client.get(path, headers=auth_header(system.token("educadora02@demo.cl"))).status_code == 404
        assert client.get(path, headers=auth_header(system.token("direccion@demo.cl"))).status_code == 404
        pdf = client.get(path, params={"format": "pdf"}, headers=auth_header(system.token("educadora@demo.cl")))
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for strength in data["strengths"]:
        assert strength["name"] in text


def test_network_results_by_role(system: Any) -> None:
    path = f"/api/v1/reports/networks/{NETWORK}/results"
    with system.client() as client:
        waves = client.get(
            f"/api/v1/reports/networks/{NETWORK}/waves", headers=auth_header(system.token("educadora@demo.cl"))
        ).json()["waves"]
        # The demo's two waves (other tests may add observations in waves of their own).
        now, before = "2024-2", "2024-1"
        assert {now, before} <= {w["wave"] for w in waves}
        seen: dict[str, Any] = {}
        for email in ("coordinacion@demo.cl", "direccion@demo.cl", "educadora@demo.cl"):
            response = client.get(
                path, params={"wave": now, "compare": before}, headers=auth_header(system.token(email))
            )
            assert response.status_code == 200, response.text
            seen[email] = response.json()
        csv_response = client.get(
            path, params={"wave": now, "format": "csv"}, headers=auth_header(system.token("coordinacion@demo.cl"))
        )
    coordinator = seen["coordinacion@demo.cl"]
    assert coordinator["network_results"]["n_classrooms"] >= 5
    assert len(coordinator["by_school"]) == 6
    # Every school of the demo has fewer than 5 observed classrooms: all suppressed, no figures at all.
    for group in coordinator["by_school"]:
        if group["suppressed"]:
            assert group["n_classrooms"] is None
            assert group["domains"] == []
    assert len(seen["direccion@demo.cl"]["by_school"]) == 1
    assert seen["educadora@demo.cl"]["by_school"] == []
    # Coordination reads the live data; everyone else the release the demo seed published of each wave.
    assert coordinator["source"]["kind"] == "live"
    for email in ("direccion@demo.cl", "educadora@demo.cl"):
        assert seen[email]["source"]["kind"] == "release"
        assert seen[email]["source"]["number"] == 1
        assert seen[email]["network_results"]["n_classrooms"] >= 5
    assert {w["wave"]: w["releases"] for w in waves}[now] >= 1
    assert coordinator["comparison"]["n_pairs"] >= 5
    assert coordinator["activity"]["total"] >= 1
    assert csv_response.content.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")), delimiter=";"))
    assert header[:9] == [
        "Tipo de grupo",
        "Grupo",
        "Medición",
        "Tipo",
        "Código",
        "Nombre",
        "Dominio",
        "Aulas (n)",
        "Promedio",
    ]


def test_run_chart_of_a_seeded_measure(system: Any) -> None:
    with system.client() as client:
        response = client.get(
            f"/api/v1/measures/{PROPORTION_MEASURE}/run-chart",
            headers=auth_header(system.token("educadora@demo.cl")),
        )
        svg = client.get(
            f"/api/v1/measures/{PROPORTION_MEASURE}/run-chart",
            params={"format": "svg"},
            headers=auth_header(system.token("educadora@demo.cl")),
        )
    assert response.status_code == 200, response.text
    data = response.json()
    assert len(data["points"]) >= 10
    assert data["analysis"]["shifts"] or data["analysis"]["trends"] or data["analysis"]["runs_signal"]
    assert any(e["position"] is not None for e in data["events"])  # learning sessions on the axis
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert 'class="point signal"' in svg.text
    assert '<g class="event"' in svg.text


def test_learning_log(system: Any) -> None:
    with system.client() as client:
        html = client.get(
            f"/api/v1/reports/networks/{NETWORK}/cycles-log",
            headers=auth_header(system.token("coordinacion@demo.cl")),
        )
        data = client.get(
            f"/api/v1/reports/networks/{NETWORK}/cycles-log",
            params={"format": "json"},
            headers=auth_header(system.token("coordinacion@demo.cl")),
        ).json()
    assert html.status_code == 200
    assert "Bitácora de ciclos PHEA" in html.text
    assert data["total_cycles"] >= 1
    assert data["drivers"][0]["change_ideas"][0]["ramps"]


def test_a_sibling_down_is_a_503_naming_it(system: Any) -> None:
    token = system.token("educadora@demo.cl")
    observation = own_observations(system, "educadora@demo.cl")[0]
    system.stop("observations")
    try:
        with system.client() as client:
            response = client.get(
                f"/api/v1/reports/observations/{observation['id']}/feedback", headers=auth_header(token)
            )
        assert response.status_code == 503
        assert response.json()["service"] == "observations"
        assert "observaciones" in response.json()["detail"]
    finally:
        system.start("observations")
