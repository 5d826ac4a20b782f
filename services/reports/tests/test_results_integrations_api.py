"""Network results for integration clients (SLEP systems): ``aggregates:read``, k-suppression, nothing else."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mejora_common.auth import INTEGRATION_ROLE, Membership, Principal
from mejora_common.testing import DEMO_NETWORK_ID as NETWORK
from mejora_common.testing import auth_header, make_token

from .publishing import publish

FakeWorld = Any
SCHOOL_A = "36110edf-0411-5139-acde-e69a973b3d36"
SCHOOL_B = "0dde0b3d-df14-54b7-a601-98df18fcd9d1"
COACH = "33333333-3333-4333-8333-333333333333"


def integration_headers(*scopes: str, network_id: uuid.UUID = NETWORK) -> dict[str, str]:
    client_id = uuid.uuid4()
    principal = Principal(
        account_id=client_id,
        email="",
        name="Sistema del SLEP",
        role=INTEGRATION_ROLE,
        memberships=(Membership(network_id=network_id, person_id=client_id, role=INTEGRATION_ROLE),),
        scopes=scopes,
    )
    return auth_header(make_token(principal))


@pytest.fixture
def results_world(world: FakeWorld) -> FakeWorld:
    """Seven classrooms in school A and three in school B (< k = 5), wave 2024-2."""
    world.schools[SCHOOL_A] = {"id": SCHOOL_A, "name": "Escuela Los Aromos", "network_id": str(NETWORK)}
    world.schools[SCHOOL_B] = {"id": SCHOOL_B, "name": "Escuela Pablo Neruda", "network_id": str(NETWORK)}
    for i in range(10):
        obs_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"integration-obs-{i}"))
        world.observations[obs_id] = {
            "id": obs_id,
            "instrument_id": "55555555-5555-4555-8555-555555555555",
            "instrument_code": "class-prek-k3",
            "network_id": str(NETWORK),
            "school_id": SCHOOL_A if i < 7 else SCHOOL_B,
            "teacher_id": f"10000000-0000-4000-8000-{i:012d}",
            "observer_id": COACH,
            "level": "kinder",
            "observed_on": "2024-10-01",
            "wave": "2024-2",
            "mode": "live",
            "status": "submitted",
            "evidence": {},
        }
        pc = 4 + i % 3
        world.scores[obs_id] = {
            "scale": {"min": 1, "max": 7},
            "dimensions": [
                {"code": "PC", "name": "Clima positivo", "domain": "ES", "mean": pc, "adjusted": pc, "band": "mid"}
            ],
            "domains": [{"code": "ES", "name": "Apoyo emocional", "mean": pc, "band": "mid"}],
        }
    return world


def results(client: TestClient, headers: dict[str, str]) -> Any:
    return client.get(f"/api/v1/reports/networks/{NETWORK}/results", params={"wave": "2024-2"}, headers=headers)


def test_aggregates_read_sees_what_a_facilitator_sees(client: TestClient, results_world: FakeWorld) -> None:
    unpublished = results(client, integration_headers("aggregates:read"))
    assert unpublished.status_code == 404  # integrations read releases only
    assert unpublished.json()["code"] == "no_release"
    publish(client, "2024-2")
    response = results(client, integration_headers("aggregates:read"))
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["viewer_role"] == "integration"
    assert data["network_results"]["n_classrooms"] == 10
    schools = {g["label"]: g for g in data["by_school"]}
    assert set(schools) == {"Escuela Los Aromos", "Escuela Pablo Neruda"}  # like a facilitator: every school
    assert data["source"]["kind"] == "release"
    # The same k-suppression as everyone: 3 classrooms < k, no figures at all; and school A is suppressed too,
    # since the network (10) minus school A (7) would give school B's sums.
    assert schools["Escuela Los Aromos"]["suppressed"] is True
    assert schools["Escuela Pablo Neruda"]["suppressed"] is True
    assert schools["Escuela Pablo Neruda"]["n_classrooms"] is None
    assert schools["Escuela Pablo Neruda"]["dimensions"] == []
    # Scores are read with the reports service's own token; the network name with the client's.
    assert {c.role for c in results_world.calls if c.service == "observations"} == {"service"}
    assert {c.role for c in results_world.calls if c.path == f"/api/v1/networks/{NETWORK}"} == {INTEGRATION_ROLE}
    csv = client.get(
        f"/api/v1/reports/networks/{NETWORK}/results",
        params={"wave": "2024-2", "format": "csv"},
        headers=integration_headers("aggregates:read"),
    )
    assert csv.status_code == 200
    waves = client.get(f"/api/v1/reports/networks/{NETWORK}/waves", headers=integration_headers("aggregates:read"))
    assert waves.json()["waves"] == [{"wave": "2024-2", "observations": 10, "releases": 1}]


def test_without_the_scope_403_naming_it(client: TestClient, results_world: FakeWorld) -> None:
    for path in ("results?wave=2024-2", "waves"):
        response = client.get(
            f"/api/v1/reports/networks/{NETWORK}/{path}", headers=integration_headers("roster:import", "directory:read")
        )
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "insufficient_scope"
        assert "aggregates:read" in response.json()["detail"]
    assert not results_world.calls  # nothing was read for it


def test_other_networks_are_404(client: TestClient, results_world: FakeWorld) -> None:
    headers = integration_headers("aggregates:read", network_id=uuid.uuid4())
    assert results(client, headers).status_code == 404
    assert not results_world.calls


def test_nothing_else_in_reports(client: TestClient, results_world: FakeWorld) -> None:
    headers = integration_headers("aggregates:read", "directory:read", "roster:import")
    obs_id = next(iter(results_world.observations))
    teacher = results_world.observations[obs_id]["teacher_id"]
    for path in (
        f"/api/v1/reports/observations/{obs_id}/feedback",
        f"/api/v1/reports/teachers/{teacher}/trajectory",
        f"/api/v1/reports/networks/{NETWORK}/cycles-log",
        f"/api/v1/measures/{uuid.uuid4()}/run-chart",
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 403, (path, response.text)
        assert response.json()["code"] == "integration_forbidden"
    assert not results_world.calls
