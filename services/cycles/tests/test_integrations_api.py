"""Integration clients (API keys of SLEP systems): management, client-credentials grant, scopes."""

import base64
import uuid
from collections.abc import Callable
from typing import Any

import jwt
from fastapi.testclient import TestClient

from cycles_service.domain.access import INTEGRATION_SCOPES
from cycles_service.schemas.integrations import IntegrationScope
from mejora_common.auth import INTEGRATION_ROLE, verify_access_token
from mejora_common.testing import DEMO_NETWORK_ID, TEST_KEYS, auth_header, make_principal, make_token

NET = f"/api/v1/networks/{DEMO_NETWORK_ID}"
OTHER_NET = uuid.UUID("00000000-0000-4000-8000-0000000000aa")
ROSTER = (
    "rbd;establecimiento;comuna;run;nombre;email;rol;niveles\n"
    "9300;Escuela Nueva Esperanza;La Pintana;12.345.678-5;Ana Pérez Soto;ana@nueva.cl;Docente;1° básico\n"
)

Create = Callable[..., dict[str, Any]]


def create(client: TestClient, bearer: Any, scopes: list[str], name: str = "Sistema de matrícula") -> dict[str, Any]:
    response = client.post(
        f"{NET}/integrations", json={"name": name, "scopes": scopes}, headers=bearer("coordinacion@demo.cl")
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def client_token(client: TestClient, created: dict[str, Any], **extra: str) -> str:
    response = client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": created["client_id"],
            "client_secret": created["client_secret"],
            **extra,
        },
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def test_scope_names_are_one_list() -> None:
    assert set(IntegrationScope.__args__) == set(INTEGRATION_SCOPES)


def test_coordinator_creates_lists_and_revokes(client: TestClient, bearer: Any) -> None:
    coordinator = bearer("coordinacion@demo.cl")
    created = create(client, bearer, ["roster:import", "aggregates:read", "roster:import"])
    assert created["client_id"].startswith("mr_")
    assert len(created["client_secret"]) >= 32
    assert created["scopes"] == ["aggregates:read", "roster:import"]
    assert created["active"] is True and created["revoked_at"] is None and created["last_used_at"] is None
    assert created["created_by_name"]

    listed = client.get(f"{NET}/integrations", headers=coordinator).json()
    assert listed["total"] == 1
    [item] = listed["items"]
    assert item["client_id"] == created["client_id"]
    assert "client_secret" not in item and "secret_hash" not in item  # the secret is shown once only

    url = f"/api/v1/integrations/{created['id']}"
    assert item["version"] == created["version"] == 1
    assert client.delete(url, headers=coordinator).status_code == 428
    assert client.delete(url, headers={**coordinator, "If-Match": '"7"'}).status_code == 412
    assert client.delete(url, headers={**coordinator, "If-Match": '"1"'}).status_code == 204
    # again, after a lost answer: nothing left to change, so whatever the (now stale) ETag
    assert client.delete(url, headers={**coordinator, "If-Match": '"1"'}).status_code == 204
    [revoked] = client.get(f"{NET}/integrations", headers=coordinator).json()["items"]
    assert revoked["active"] is False and revoked["revoked_at"]


def test_retried_create_with_the_same_id_does_not_duplicate(client: TestClient, bearer: Any) -> None:
    coordinator = bearer("coordinacion@demo.cl")
    body = {"id": str(uuid.uuid4()), "name": "SIGE local", "scopes": ["directory:read"]}
    first = client.post(f"{NET}/integrations", json=body, headers=coordinator)
    again = client.post(f"{NET}/integrations", json=body, headers=coordinator)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["client_id"] == first.json()["client_id"]
    assert again.json()["client_secret"] is None  # never shown twice
    assert client.get(f"{NET}/integrations", headers=coordinator).json()["total"] == 1


def test_create_validates_in_spanish(client: TestClient, bearer: Any) -> None:
    coordinator = bearer("coordinacion@demo.cl")
    bad = client.post(f"{NET}/integrations", json={"name": " ", "scopes": ["cycles:write"]}, headers=coordinator)
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert {e["field"] for e in bad.json()["errors"]} == {"name", "scopes[0]"}
    empty = client.post(f"{NET}/integrations", json={"name": "X", "scopes": []}, headers=coordinator)
    assert empty.status_code == 422


def test_only_coordinators_manage_integrations(client: TestClient, bearer: Any) -> None:
    created = create(client, bearer, ["directory:read"])
    for email in ("facilitacion@demo.cl", "educadora@demo.cl", "direccion@demo.cl"):
        headers = bearer(email)
        assert client.get(f"{NET}/integrations", headers=headers).status_code == 403
        body = {"name": "X", "scopes": ["directory:read"]}
        assert client.post(f"{NET}/integrations", json=body, headers=headers).status_code == 403
        assert client.delete(f"/api/v1/integrations/{created['id']}", headers=headers).status_code == 403
    outsider = auth_header(make_token(make_principal("coordinator", OTHER_NET)))
    assert client.get(f"{NET}/integrations", headers=outsider).status_code == 404
    assert client.delete(f"/api/v1/integrations/{created['id']}", headers=outsider).status_code == 404
    assert (
        client.delete(f"/api/v1/integrations/{uuid.uuid4()}", headers=bearer("coordinacion@demo.cl")).status_code == 404
    )


def test_client_credentials_grant_issues_a_scoped_integration_token(client: TestClient, bearer: Any) -> None:
    created = create(client, bearer, ["roster:import", "directory:read"])
    response = client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": created["client_id"],
            "client_secret": created["client_secret"],
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "refresh_token" not in body  # no refresh token for clients
    assert body["token_type"] == "bearer" and body["expires_in"] == 15 * 60
    assert body["scope"] == "directory:read roster:import"
    principal = verify_access_token(body["access_token"], TEST_KEYS.verifier("cycles"))
    assert principal.role == INTEGRATION_ROLE and principal.is_integration
    assert principal.scopes == ("directory:read", "roster:import")
    assert principal.has_scope("roster:import") and not principal.has_scope("aggregates:read")
    [membership] = principal.memberships
    assert membership.network_id == DEMO_NETWORK_ID and membership.role == INTEGRATION_ROLE
    assert jwt.decode(body["access_token"], options={"verify_signature": False})["scopes"] == list(principal.scopes)

    [listed] = client.get(f"{NET}/integrations", headers=bearer("coordinacion@demo.cl")).json()["items"]
    assert listed["last_used_at"] is not None


def test_client_credentials_over_http_basic_and_a_narrower_scope(client: TestClient, bearer: Any) -> None:
    created = create(client, bearer, ["roster:import", "directory:read"])
    basic = base64.b64encode(f"{created['client_id']}:{created['client_secret']}".encode()).decode()
    response = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials", "scope": "directory:read"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 200, response.text
    assert verify_access_token(response.json()["access_token"], TEST_KEYS.verifier("cycles")).scopes == (
        "directory:read",
    )
    wider = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials", "scope": "aggregates:read"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert wider.status_code == 400 and wider.json()["code"] == "invalid_scope"


def test_bad_secret_unknown_client_and_missing_fields(client: TestClient, bearer: Any) -> None:
    created = create(client, bearer, ["directory:read"])
    for client_id, secret in ((created["client_id"], "otro-secreto"), ("mr_desconocido", created["client_secret"])):
        response = client.post(
            "/api/v1/auth/token",
            data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
        )
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "invalid_client"
        assert response.json()["detail"] == "Las credenciales del cliente no son válidas."
    missing = client.post("/api/v1/auth/token", data={"grant_type": "client_credentials"})
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["errors"]} == {"client_id", "client_secret"}
    bad_basic = client.post(
        "/api/v1/auth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": "Basic %%%"}
    )
    assert bad_basic.status_code == 401
    unknown_grant = client.post("/api/v1/auth/token", data={"grant_type": "authorization_code"})
    assert unknown_grant.status_code == 422


def test_revoked_client_secret_stops_working_at_once(client: TestClient, bearer: Any) -> None:
    created = create(client, bearer, ["roster:import"])
    token = client_token(client, created)
    revoked = client.delete(
        f"/api/v1/integrations/{created['id']}", headers={**bearer("coordinacion@demo.cl"), "If-Match": '"1"'}
    )
    assert revoked.status_code == 204
    response = client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": created["client_id"],
            "client_secret": created["client_secret"],
        },
    )
    assert response.status_code == 401 and response.json()["code"] == "client_revoked"
    # A token issued before lives out its short lifetime, but cycles refuses its writes at once.
    headers = {**auth_header(token), "Content-Type": "text/csv"}
    refused = client.post(f"{NET}/roster:import", content=ROSTER.encode(), headers=headers)
    assert refused.status_code == 401 and refused.json()["code"] == "client_revoked"


def test_password_grant_is_unchanged(client: TestClient) -> None:
    for data in (
        {"username": "coordinacion@demo.cl", "password": "mejora2024"},
        {"username": "coordinacion@demo.cl", "password": "mejora2024", "grant_type": "password"},
    ):
        response = client.post("/api/v1/auth/token", data=data)
        assert response.status_code == 200, response.text
        assert set(response.json()) == {"access_token", "token_type", "expires_in", "refresh_token"}
        assert verify_access_token(response.json()["access_token"], TEST_KEYS.verifier("cycles")).scopes == ()
    wrong = client.post("/api/v1/auth/token", data={"username": "coordinacion@demo.cl", "password": "x"})
    assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_credentials"
    missing = client.post("/api/v1/auth/token", data={})
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json()["errors"]] == ["username", "password"]
    # A password form never falls into the client-credentials branch, even with client fields.
    mixed = client.post(
        "/api/v1/auth/token", data={"username": "coordinacion@demo.cl", "password": "x", "client_id": "mr_x"}
    )
    assert mixed.status_code == 401 and mixed.json()["code"] == "invalid_credentials"


def test_roster_import_needs_the_roster_scope(client: TestClient, bearer: Any) -> None:
    importer = auth_header(client_token(client, create(client, bearer, ["roster:import"])))
    reader = auth_header(client_token(client, create(client, bearer, ["directory:read", "aggregates:read"])))
    csv_headers = {"Content-Type": "text/csv"}
    done = client.post(f"{NET}/roster:import", content=ROSTER.encode(), headers={**importer, **csv_headers})
    assert done.status_code == 200, done.text
    assert done.json()["people"]["created"] == 1

    refused = client.post(f"{NET}/roster:import", content=ROSTER.encode(), headers={**reader, **csv_headers})
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "insufficient_scope"
    assert "roster:import" in refused.json()["detail"]
    other = client.post(
        f"/api/v1/networks/{OTHER_NET}/roster:import", content=ROSTER.encode(), headers={**importer, **csv_headers}
    )
    assert other.status_code == 404


def test_directory_read_scope_and_no_runs(client: TestClient, bearer: Any) -> None:
    reader = auth_header(client_token(client, create(client, bearer, ["directory:read"])))
    importer = auth_header(client_token(client, create(client, bearer, ["roster:import"])))
    schools = client.get(f"{NET}/schools", headers=reader)
    assert schools.status_code == 200 and schools.json()["total"] == 6
    people = client.get(f"{NET}/people?limit=200", headers=reader).json()
    assert people["total"] >= 22
    assert all(p["run"] is None for p in people["items"])  # RUNs are not part of directory:read
    person = people["items"][0]
    assert client.get(f"/api/v1/people/{person['id']}", headers=reader).json()["run"] is None
    school_id = schools.json()["items"][0]["id"]
    assert client.get(f"/api/v1/schools/{school_id}", headers=reader).status_code == 200

    for path in (f"{NET}/schools", f"{NET}/people", f"/api/v1/people/{person['id']}", f"/api/v1/schools/{school_id}"):
        refused = client.get(path, headers=importer)
        assert refused.status_code == 403, path
        assert refused.json()["code"] == "insufficient_scope"
        assert "directory:read" in refused.json()["detail"]
    assert client.get(f"/api/v1/networks/{OTHER_NET}/schools", headers=reader).status_code == 404
    # Its own network is readable with any scope; nobody else's.
    assert client.get(NET, headers=importer).json()["my_role"] == "integration"
    assert client.get(f"/api/v1/networks/{OTHER_NET}", headers=importer).status_code == 404


def test_integrations_reach_nothing_else(client: TestClient, bearer: Any) -> None:
    token = client_token(client, create(client, bearer, ["roster:import", "directory:read", "aggregates:read"]))
    headers = auth_header(token)
    for method, path, body in (
        ("GET", f"/api/v1/cycles?network_id={DEMO_NETWORK_ID}", None),
        ("GET", f"{NET}/aims", None),
        ("GET", f"{NET}/measures", None),
        ("GET", f"{NET}/events", None),
        ("GET", f"{NET}/integrations", None),
        ("GET", "/api/v1/auth/me", None),
        ("POST", f"{NET}/schools", {"rbd": 10203, "name": "Escuela X"}),
        ("POST", "/api/v1/cycles", {"network_id": str(DEMO_NETWORK_ID), "title": "x"}),
    ):
        response = client.request(method, path, json=body, headers=headers)
        assert response.status_code == 403, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "integration_forbidden"
