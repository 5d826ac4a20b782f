"""Phases on the run chart and the system's phase proposals (issue 15, points 1 and 2), against fake siblings."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mejora_common.testing import DEMO_NETWORK_ID as NETWORK

from .test_spc_rule_sets import DEMO, STABLE

Headers = Callable[..., dict[str, str]]
FakeWorld = Any
OTHER_NETWORK = uuid.UUID("00000000-0000-4000-8000-0000000000ff")
SHIFTED = "7b7c0000-0000-4000-8000-000000000101"
STEADY = "7b7c0000-0000-4000-8000-000000000102"
IDEA = "7b7c0000-0000-4000-8000-000000000201"
CYCLE = "7b7c0000-0000-4000-8000-000000000301"


def month(i: int) -> str:
    """The demo's months: March 2023 on."""
    year, m = divmod(2 + i, 12)
    return f"{2023 + year}-{m + 1:02d}-01"


def measure(measure_id: str, name: str) -> dict[str, Any]:
    return {
        "id": measure_id,
        "network_id": str(NETWORK),
        "name": name,
        "kind": "outcome",
        "unit": "%",
        "value_type": "proportion",
        "direction": "up",
        "frequency": "monthly",
        "run_rules": "anhoj",
    }


def points(values: list[float], notes: dict[int, str] | None = None) -> list[dict[str, Any]]:
    return [
        {
            "id": str(uuid.uuid4()),
            "period": month(i),
            "value": v,
            "numerator": round(v * 180),
            "denominator": 180,
            "school_id": None,
            "note": (notes or {}).get(i, ""),
        }
        for i, v in enumerate(values)
    ]


@pytest.fixture
def demo_world(world: FakeWorld) -> FakeWorld:
    world.measures[SHIFTED] = measure(SHIFTED, "Niños y niñas que responden con oraciones completas")
    world.points[SHIFTED] = points(DEMO, {13: "Sesión de aprendizaje sobre preguntas abiertas"})
    world.measures[STEADY] = measure(STEADY, "Una medida estable")
    world.points[STEADY] = points(STABLE)
    world.events += [
        {
            "id": "sa1",
            "network_id": str(NETWORK),
            "kind": "learning_session",
            "title": "Sesión de aprendizaje 1: preguntas abiertas y conversación",
            "starts_at": "2024-04-12T12:30:00Z",
        },
        {
            "id": "sa0",
            "network_id": str(NETWORK),
            "kind": "learning_session",
            "title": "Una sesión de otro año",
            "starts_at": "2023-07-12T12:30:00Z",
        },
    ]
    world.cycles.append(
        {
            "id": CYCLE,
            "network_id": str(NETWORK),
            "school_id": None,
            "change_idea_id": IDEA,
            "owner_name": "Javiera Morales",
            "previous_cycle_id": None,
            "title": "Tarjetas de preguntas abiertas en NT2 A",
            "stage": "closed",
            "act_decision": "adapt",
            "objective": "",
            "questions": [],
            "do_carried_out_on": "2024-04-24",
            "created_at": "2024-04-15T12:00:00Z",
            "updated_at": "2024-05-15T12:00:00Z",
        }
    )
    return world


def proposals(client: TestClient, headers: dict[str, str], measure_id: str = SHIFTED, **params: Any) -> Any:
    response = client.get(f"/api/v1/measures/{measure_id}/phase-proposals", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def confirmed(start: str, reason: str, baseline: int | None = None) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "measure_id": SHIFTED,
        "start_period": start,
        "reason": reason,
        "baseline_points": baseline,
        "proposed": True,
        "confirmed_by_id": None,
        "confirmed_by_name": "Carolina Fuentes",
        "confirmed_at": "2024-06-01T12:00:00Z",
        "updated_at": "2024-06-01T12:00:00Z",
        "version": 1,
    }


def test_the_demos_shifted_measure_gets_a_proposal_linked_to_what_happened(
    client: TestClient, headers: Headers, demo_world: FakeWorld
) -> None:
    data = proposals(client, headers("teacher"))
    assert data["rule_set"] == "anhoj" and data["current_phase_start"] is None
    [proposal] = data["proposals"]
    assert proposal["start_period"] == "2024-04-01" and proposal["label"] == "abr 2024"
    assert (proposal["rule"], proposal["length"], proposal["limit"], proposal["side"]) == ("long_run", 13, 8, "above")
    assert proposal["favourable"] is True
    assert proposal["current_median"] == pytest.approx((0.394 + 0.547) / 2)  # highest before, lowest after
    assert proposal["proposed_median"] == pytest.approx(0.578)
    assert "13 puntos seguidos sobre la mediana" in proposal["description"]
    kinds = [(c["kind"], c["id"]) for c in proposal["context"]]
    assert kinds == [("learning_session", "sa1"), ("cycle", CYCLE), ("note", None)]
    assert "nunca" in data["note"].lower() and "Making Data Count" in data["note"]
    ihi = proposals(client, headers("teacher"), rules="ihi")
    assert ihi["rule_set"] == "ihi" and ihi["proposals"][0]["rule"] == "shift"


def test_a_stable_measure_gets_no_proposal(client: TestClient, headers: Headers, demo_world: FakeWorld) -> None:
    assert proposals(client, headers("teacher"), STEADY)["proposals"] == []


def test_a_confirmed_phase_changes_the_chart_and_ends_the_proposal(
    client: TestClient, headers: Headers, demo_world: FakeWorld
) -> None:
    before = client.get(f"/api/v1/measures/{SHIFTED}/run-chart", headers=headers("teacher")).json()
    assert len(before["phases"]) == 1 and before["analysis"]["runs_signal"] is True
    assert {f["rule"] for f in before["findings"]} == {"long_run", "few_crossings"}
    demo_world.phases[SHIFTED] = [confirmed("2024-04-01", "Sesión de aprendizaje sobre preguntas abiertas")]
    after = client.get(f"/api/v1/measures/{SHIFTED}/run-chart", headers=headers("teacher")).json()
    first, second = after["phases"]
    assert (first["start"], first["end"], first["median"]) == (0, 12, pytest.approx(0.362))
    assert (second["start"], second["start_period"], second["median"]) == (13, "2024-04-01", pytest.approx(0.578))
    assert second["reason"].startswith("Sesión") and second["confirmed_by_name"] == "Carolina Fuentes"
    assert after["findings"] == [] and after["analysis"]["runs_signal"] is False
    centre = next(line for line in after["chart"]["lines"] if line["role"] == "centre")
    assert centre["values"][:13] == [pytest.approx(0.362)] * 13 and centre["values"][13] == pytest.approx(0.578)
    assert any(m["label"].startswith("Fase desde abr 2024") for m in after["chart"]["markers"])
    data = proposals(client, headers("teacher"))
    assert data["current_phase_start"] == "2024-04-01" and data["proposals"] == []


def test_a_dismissed_proposal_is_not_made_again(client: TestClient, headers: Headers, demo_world: FakeWorld) -> None:
    demo_world.dismissals[SHIFTED] = [
        {
            "id": str(uuid.uuid4()),
            "measure_id": SHIFTED,
            "start_period": "2024-04-01",
            "reason": "Cambió la forma de contar",
            "dismissed_by_id": None,
            "dismissed_by_name": "Carolina Fuentes",
            "dismissed_at": "2024-06-01T12:00:00Z",
        }
    ]
    data = proposals(client, headers("coordinator"))
    assert data["proposals"] == []
    assert [(d["start_period"], d["reason"]) for d in data["dismissed"]] == [
        ("2024-04-01", "Cambió la forma de contar")
    ]


def test_ihi_rules_on_the_run_chart_say_which_rule_fired_where(
    client: TestClient, headers: Headers, demo_world: FakeWorld
) -> None:
    data = client.get(f"/api/v1/measures/{SHIFTED}/run-chart?rules=ihi", headers=headers("teacher")).json()
    assert data["rule_set"] == "ihi"
    shifts = [f["points"] for f in data["findings"] if f["rule"] == "shift"]
    assert shifts == [list(range(13)), list(range(13, 26))]
    assert data["phases"][0]["runs"] == 2 and data["phases"][0]["runs_lower"] == 9
    assert any(f["rule"] == "too_few_runs" for f in data["findings"])


def test_proposals_of_another_networks_measure_are_not_found(
    client: TestClient, headers: Headers, demo_world: FakeWorld
) -> None:
    response = client.get(f"/api/v1/measures/{SHIFTED}/phase-proposals", headers=headers("coordinator", OTHER_NETWORK))
    assert response.status_code == 404
