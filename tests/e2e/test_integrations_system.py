"""Integration clients (SLEP systems with an API key) on the real system, through the gateway."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from mejora_common.testing import DEMO_NETWORK_ID, auth_header

pytestmark = pytest.mark.e2e

NETWORK = str(DEMO_NETWORK_ID)
ROSTER = (
    "rbd;establecimiento;comuna;run;nombre;email;rol;niveles\n"
    # An existing demo school (so the shared demo keeps its six schools) and a new teacher.
    "9102;Escuela Básica Los Aromos;La Granja;21.000.111-5;Paula Rojas Vera;;docente;kinder\n"
)


def test_slep_system_imports_a_roster_and_reads_results_but_no_individual_observation(system: Any) -> None:
    coordinator = auth_header(system.token("coordinacion@demo.cl"))
    with system.client() as client:
        # A coordinator creates the client; the secret is in this answer only.
        created = client.post(
            f"/api/v1/networks/{NETWORK}/integrations",
            json={"name": "Sistema de matrícula SLEP", "scopes": ["roster:import", "aggregates:read"]},
            headers=coordinator,
        )
        assert created.status_code == 201, created.text
        client_id, secret = created.json()["client_id"], created.json()["client_secret"]
        listed = client.get(f"/api/v1/networks/{NETWORK}/integrations", headers=coordinator).json()["items"]
        assert any(i["client_id"] == client_id for i in listed)
        assert all("client_secret" not in i for i in listed)

        # The system gets a token with the client-credentials grant (HTTP Basic), without a refresh token.
        basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        issued = client.post(
            "/api/v1/auth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
        )
        assert issued.status_code == 200, issued.text
        assert "refresh_token" not in issued.json()
        assert issued.json()["scope"] == "aggregates:read roster:import"
        system_headers = auth_header(issued.json()["access_token"])

        # It imports a roster CSV (dry run, then for real).
        csv_headers = {**system_headers, "Content-Type": "text/csv"}
        dry = client.post(
            f"/api/v1/networks/{NETWORK}/roster:import?dry_run=true", content=ROSTER.encode(), headers=csv_headers
        )
        assert dry.status_code == 200, dry.text
        done = client.post(f"/api/v1/networks/{NETWORK}/roster:import", content=ROSTER.encode(), headers=csv_headers)
        assert done.status_code == 200, done.text
        assert done.json()["dry_run"] is False
        people = client.get(f"/api/v1/networks/{NETWORK}/people?limit=200", headers=coordinator).json()
        assert [p["name"] for p in people["items"] if p["run"] == "21000111-5"] == ["Paula Rojas Vera"]

        # It reads network results (the same k-suppression as everyone: no school has 5 observed classrooms).
        results = client.get(
            f"/api/v1/reports/networks/{NETWORK}/results", params={"wave": "2024-2"}, headers=system_headers
        )
        assert results.status_code == 200, results.text
        data = results.json()
        assert data["viewer_role"] == "integration"
        assert data["network_results"]["n_classrooms"] >= 5
        assert data["by_school"] and all(g["suppressed"] and g["n_classrooms"] is None for g in data["by_school"])

        # Without directory:read it may not read people, and no scope gives individual observations.
        refused = client.get(f"/api/v1/networks/{NETWORK}/people", headers=system_headers)
        assert refused.status_code == 403 and "directory:read" in refused.json()["detail"]
        observations = client.get(
            "/api/v1/observations", params={"network_id": NETWORK, "status": "submitted"}, headers=coordinator
        ).json()["items"]
        assert observations
        one = client.get(f"/api/v1/observations/{observations[0]['id']}", headers=system_headers)
        assert one.status_code == 403, one.text
        assert one.headers["content-type"] == "application/problem+json"
        assert one.json()["code"] == "integration_forbidden"
        listing = client.get("/api/v1/observations", params={"network_id": NETWORK}, headers=system_headers)
        assert listing.status_code == 403
        feedback = client.get(f"/api/v1/reports/observations/{observations[0]['id']}/feedback", headers=system_headers)
        assert feedback.status_code == 403
        cycles = client.get("/api/v1/cycles", params={"network_id": NETWORK}, headers=system_headers)
        assert cycles.status_code == 403

        # Revoked: the secret stops working at once, and so do roster imports with the token it already has.
        revoke = {**coordinator, "If-Match": created.headers["etag"]}
        assert client.delete(f"/api/v1/integrations/{created.json()['id']}", headers=revoke).status_code == 204
        again = client.post(
            "/api/v1/auth/token",
            data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
        )
        assert again.status_code == 401 and again.json()["code"] == "client_revoked"
        late = client.post(f"/api/v1/networks/{NETWORK}/roster:import", content=ROSTER.encode(), headers=csv_headers)
        assert late.status_code == 401


def test_password_login_through_the_gateway_is_unchanged(system: Any) -> None:
    with system.client() as client:
        response = client.post("/api/v1/auth/token", data={"username": "educadora@demo.cl", "password": "mejora2024"})
    assert response.status_code == 200
    assert set(response.json()) == {"access_token", "token_type", "expires_in", "refresh_token"}
