"""Network results: aggregates with k-suppression, who sees which groups, paired comparison, downloads."""

from __future__ import annotations

import csv
import io
import math
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader

from mejora_common.testing import DEMO_NETWORK_ID as NETWORK
from mejora_common.testing import free_port

from .publishing import publish

Headers = Callable[..., dict[str, str]]
FakeWorld = Any

SCHOOL_A = "36110edf-0411-5139-acde-e69a973b3d36"
SCHOOL_B = "0dde0b3d-df14-54b7-a601-98df18fcd9d1"
COACH = "33333333-3333-4333-8333-333333333333"

# Ten classrooms (teacher i at one level). School A: 0-6 (7 classrooms), school B: 7-9 (3 < k = 5).
# Kinder: 0-5 (6), 1basico: 6-9 (4 < k). Wave 2024-2 has all ten; wave 2024-1 only classrooms 0-7.
PC_NOW = [4, 5, 6, 4, 5, 6, 4, 5, 6, 5]  # mean 5, sd sqrt(6/9); bands: 7 mid, 3 high
PC_CHANGE = [1, 0, 1, 0, 1, 0, 1, 0]  # paired change: mean 0.5, sd sqrt(2/7)
NC_NOW = [2, 1, 2, 1, 2, 1, 2, 1, 2, 1]  # reverse: adjusted 6 or 7
QF_NOW = [2, 3, 2, 3, 2, 3, 2, 3, 2, 3]


def teacher(i: int) -> str:
    return f"10000000-0000-4000-8000-{i:012d}"


def school(i: int) -> str:
    return SCHOOL_A if i < 7 else SCHOOL_B


def level(i: int) -> str:
    return "kinder" if i < 6 else "1basico"


def scores(pc: float, nc: float, qf: float) -> dict[str, Any]:
    dims = [
        {"code": "PC", "name": "Clima positivo", "domain": "ES", "mean": pc, "adjusted": pc, "reverse": False},
        {"code": "NC", "name": "Clima negativo", "domain": "ES", "mean": nc, "adjusted": 8 - nc, "reverse": True},
        {"code": "QF", "name": "Calidad de la retroalimentación", "domain": "IS", "mean": qf, "adjusted": qf},
    ]
    for d in dims:
        d["band"] = "high" if d["mean"] >= 5.5 else "mid" if d["mean"] >= 2.5 else "low"
    es = (pc + 8 - nc) / 2
    domains = [
        {"code": "ES", "name": "Apoyo emocional", "mean": es, "band": "high" if es >= 5.5 else "mid"},
        {"code": "IS", "name": "Apoyo pedagógico", "mean": qf, "band": "mid" if qf >= 2.5 else "low"},
    ]
    return {"scale": {"min": 1, "max": 7}, "dimensions": dims, "domains": domains}


def add_observation(world: FakeWorld, i: int, wave: str, *, pc: float, nc: float, qf: float, day: str) -> None:
    obs_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"obs-{i}-{wave}-{day}"))
    world.observations[obs_id] = {
        "id": obs_id,
        "instrument_id": "55555555-5555-4555-8555-555555555555",
        "instrument_code": "class-prek-k3",
        "network_id": str(NETWORK),
        "school_id": school(i),
        "teacher_id": teacher(i),
        "observer_id": COACH,
        "level": level(i),
        "observed_on": day,
        "wave": wave,
        "mode": "live",
        "status": "submitted",
        "evidence": {},
    }
    world.scores[obs_id] = scores(pc, nc, qf)


@pytest.fixture
def results_world(world: FakeWorld) -> FakeWorld:
    world.networks[str(NETWORK)]["name"] = "Red <Norte> & Sur"
    world.schools[SCHOOL_A] = {"id": SCHOOL_A, "name": "Escuela Los Aromos", "network_id": str(NETWORK)}
    world.schools[SCHOOL_B] = {"id": SCHOOL_B, "name": "Escuela Pablo Neruda", "network_id": str(NETWORK)}
    for i in range(10):
        add_observation(world, i, "2024-2", pc=PC_NOW[i], nc=NC_NOW[i], qf=QF_NOW[i], day="2024-10-01")
    for i in range(8):
        add_observation(world, i, "2024-1", pc=PC_NOW[i] - PC_CHANGE[i], nc=NC_NOW[i], qf=QF_NOW[i], day="2024-05-01")
    # An earlier observation of classroom 0 in the same wave: only the latest counts.
    add_observation(world, 0, "2024-2", pc=1, nc=7, qf=1, day="2024-09-01")
    world.cycles += [
        {"id": "c1", "network_id": str(NETWORK), "school_id": SCHOOL_A, "stage": "plan", "act_decision": None},
        {"id": "c2", "network_id": str(NETWORK), "school_id": SCHOOL_A, "stage": "act", "act_decision": "adopt"},
        {"id": "c3", "network_id": str(NETWORK), "school_id": None, "stage": "closed", "act_decision": "abandon"},
    ]
    return world


def results(client: TestClient, headers: dict[str, str], **params: Any) -> Any:
    params.setdefault("wave", "2024-2")
    return client.get(f"/api/v1/reports/networks/{NETWORK}/results", params=params, headers=headers)


def item(group: dict[str, Any], code: str) -> dict[str, Any]:
    return next(i for i in [*group["domains"], *group["dimensions"]] if i["code"] == code)


def test_network_aggregates(client: TestClient, headers: Headers, results_world: FakeWorld) -> None:
    response = results(client, headers("coordinator"))
    assert response.status_code == 200, response.text
    data = response.json()
    network = data["network_results"]
    assert network["suppressed"] is False
    assert network["n_classrooms"] == 10
    pc = item(network, "PC")
    assert pc["n"] == 10
    assert pc["mean"] == pytest.approx(5.0)
    assert pc["sd"] == pytest.approx(math.sqrt(6 / 9))
    assert pc["bands"] == {"low": 0, "mid": 7, "high": 3}
    nc = item(network, "NC")
    assert nc["mean"] == pytest.approx(1.5)  # raw, as CLASS reads it
    assert nc["adjusted_mean"] == pytest.approx(6.5)
    assert [d["code"] for d in data["structure"]] == ["ES", "IS"]
    assert [c["title"] for c in data["charts"]] == ["Apoyo emocional", "Apoyo pedagógico"]
    assert data["k"] == 5
    # Read with the reports service's own token: the aggregate needs rows no single reader may see.
    assert {c.role for c in results_world.calls if c.service == "observations"} == {"service"}
    assert {c.role for c in results_world.calls if c.path.endswith("/cycles")} == {"service"}


def test_small_groups_are_suppressed(client: TestClient, headers: Headers, results_world: FakeWorld) -> None:
    data = results(client, headers("coordinator")).json()
    levels = {g["key"]: g for g in data["by_level"]}
    assert levels["kinder"]["suppressed"] is False
    assert levels["kinder"]["n_classrooms"] == 6
    assert levels["kinder"]["label"] == "Kínder"
    small = levels["1basico"]
    assert small == {
        "kind": "level",
        "key": "1basico",
        "label": "1.° básico",
        "suppressed": True,
        "n_classrooms": None,
        "domains": [],
        "dimensions": [],
        "from_release": None,
    }
    schools = {g["label"]: g for g in data["by_school"]}
    assert schools["Escuela Los Aromos"]["n_classrooms"] == 7
    assert schools["Escuela Pablo Neruda"]["suppressed"] is True
    assert schools["Escuela Pablo Neruda"]["n_classrooms"] is None


def test_k_is_a_setting(
    make_client: Callable[..., TestClient], siblings: Any, headers: Headers, results_world: FakeWorld
) -> None:
    with make_client(siblings.cycles.url, siblings.observations.url, min_group_size=11) as client:
        data = results(client, headers("coordinator")).json()
    assert data["k"] == 11
    assert data["network_results"]["suppressed"] is True  # 10 classrooms < 11


@pytest.mark.parametrize(
    ("role", "school_id", "schools_seen"),
    [
        ("coordinator", None, ["Escuela Los Aromos", "Escuela Pablo Neruda"]),
        ("facilitator", None, ["Escuela Los Aromos", "Escuela Pablo Neruda"]),
        ("coach", None, ["Escuela Los Aromos", "Escuela Pablo Neruda"]),
        ("leader", SCHOOL_A, ["Escuela Los Aromos"]),  # own school only
        ("leader", SCHOOL_B, ["Escuela Pablo Neruda"]),  # own school, suppressed (< k)
        ("teacher", SCHOOL_A, []),  # network aggregates only
    ],
)
def test_who_sees_which_groups(
    client: TestClient,
    headers: Headers,
    results_world: FakeWorld,
    *,
    role: str,
    school_id: str | None,
    schools_seen: list[str],
) -> None:
    publish(client, "2024-2")
    data = results(client, headers(role, school_id=school_id)).json()
    assert [g["label"] for g in data["by_school"]] == schools_seen
    assert data["network_results"]["n_classrooms"] == 10
    if role == "leader" and school_id == SCHOOL_B:
        assert data["by_school"][0]["suppressed"] is True
    assert data["viewer_role"] == role
    # Coordinators read the live view by default; everyone else the release.
    assert data["source"]["kind"] == ("live" if role == "coordinator" else "release")


def test_non_members_get_404(client: TestClient, headers: Headers, results_world: FakeWorld) -> None:
    response = results(client, headers("coordinator", uuid.uuid4()))
    assert response.status_code == 404
    assert not results_world.calls  # nothing was read for them


def test_paired_wave_comparison(client: TestClient, headers: Headers, results_world: FakeWorld) -> None:
    data = results(client, headers("coordinator"), compare="2024-1").json()
    comparison = data["comparison"]
    assert comparison["n_pairs"] == 8  # classrooms 8 and 9 were not observed in 2024-1
    pc = next(c for c in comparison["dimensions"] if c["code"] == "PC")
    assert pc["mean_change"] == pytest.approx(0.5)
    assert pc["sd_change"] == pytest.approx(math.sqrt(2 / 7))
    assert pc["effect_size_dz"] == pytest.approx(0.5 / math.sqrt(2 / 7))
    nc = next(c for c in comparison["dimensions"] if c["code"] == "NC")
    assert nc["mean_change"] == pytest.approx(0.0)
    assert nc["effect_size_dz"] is None  # no variation in the change
    assert [s["label"] for s in data["charts"][0]["series"]] == ["Medición 2024-1", "Medición 2024-2"]
    response = results(client, headers(), compare="2024-2")
    assert response.status_code == 422
    assert results(client, headers(), wave="2024 2").status_code == 422


def test_phea_activity(client: TestClient, headers: Headers, results_world: FakeWorld) -> None:
    publish(client, "2024-2")
    activity = results(client, headers("teacher")).json()["activity"]
    assert activity["total"] == 3
    assert activity["by_stage"] == {"plan": 1, "do": 0, "study": 0, "act": 1, "closed": 1}
    assert activity["by_decision"] == {"adopt": 1, "adapt": 0, "abandon": 1}
    assert [(s["name"], s["total"]) for s in activity["by_school"]] == [("Escuela Los Aromos", 2), ("Toda la red", 1)]


def test_without_the_scores_endpoint_the_same_numbers(
    client: TestClient, headers: Headers, results_world: FakeWorld
) -> None:
    first = results(client, headers(), compare="2024-1").json()
    results_world.scores_endpoint = False
    second = results(client, headers(), compare="2024-1").json()
    assert second["network_results"] == first["network_results"]
    assert second["comparison"] == first["comparison"]


def test_csv_opens_with_the_right_columns(client: TestClient, headers: Headers, results_world: FakeWorld) -> None:
    response = results(client, headers(), compare="2024-1", format="csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == [
        "Tipo de grupo",
        "Grupo",
        "Medición",
        "Tipo",
        "Código",
        "Nombre",
        "Dominio",
        "Aulas (n)",
        "Promedio",
        "DE",
        "Promedio ajustado",
        "Bajo",
        "Medio",
        "Alto",
        "Suprimido",
        "Cambio pareado",
        "DE del cambio",
        "d_z",
        "Pares (n)",
        "Origen",
    ]
    pc = next(r for r in rows if r[0] == "Red" and r[4] == "PC")
    assert pc[1] == "Toda la red"
    assert pc[7:10] == ["10", "5,000", "0,816"]
    assert pc[15] == "0,500"
    assert pc[18] == "8"
    assert pc[19] == "en vivo"  # the coordinator's default view
    suppressed = next(r for r in rows if r[1] == "Escuela Pablo Neruda")
    assert suppressed[14] == "sí"
    assert suppressed[7:11] == ["", "", "", ""]


def test_xlsx(client: TestClient, headers: Headers, results_world: FakeWorld) -> None:
    response = results(client, headers(), compare="2024-1", format="xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Resultados", "Comparación 2024-1 a 2024-2", "Ciclos PHEA"]
    sheet = workbook["Resultados"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Tipo de grupo", "Grupo", "Medición"]
    pc = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "Red" and row[4] == "PC")
    assert pc[8] == pytest.approx(5.0)  # a number, not text


def test_html_and_pdf(client: TestClient, headers: Headers, results_world: FakeWorld) -> None:
    html = results(client, headers(), compare="2024-1", format="html").text
    assert "Red &lt;Norte&gt; &amp; Sur" in html
    assert "<Norte>" not in html
    assert html.count("<svg") == 2  # one chart per domain
    assert "suprimido" in html
    pdf = results(client, headers(), compare="2024-1", format="pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Toda la red" in text
    assert "Página 1 de" in text


def test_waves(client: TestClient, headers: Headers, results_world: FakeWorld) -> None:
    waves = f"/api/v1/reports/networks/{NETWORK}/waves"
    live = [{"wave": "2024-2", "observations": 11, "releases": 0}, {"wave": "2024-1", "observations": 8, "releases": 0}]
    assert client.get(waves, headers=headers("coordinator")).json()["waves"] == live
    # Readers see only released waves, with the latest release's count: a live count would time each arrival.
    assert client.get(waves, headers=headers("teacher")).json()["waves"] == []
    publish(client, "2024-1")
    released = [{"wave": "2024-1", "observations": 8, "releases": 1}]
    for role in ("teacher", "leader"):
        assert client.get(waves, headers=headers(role)).json()["waves"] == released


def test_observations_down_is_503(
    make_client: Callable[..., TestClient], siblings: Any, headers: Headers, results_world: FakeWorld
) -> None:
    with make_client(siblings.cycles.url, f"http://127.0.0.1:{free_port()}") as client:
        response = results(client, headers())
    assert response.status_code == 503
    assert response.json()["service"] == "observations"
