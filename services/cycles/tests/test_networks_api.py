import uuid
from typing import Any

from fastapi.testclient import TestClient

from mejora_common.testing import DEMO_NETWORK_ID, auth_header, make_principal, make_token


def test_member_lists_and_reads_their_network(client: TestClient, login: Any, bearer: Any) -> None:
    headers = bearer("educadora@demo.cl")
    page = client.get("/api/v1/networks", headers=headers).json()
    assert page["total"] == 1
    assert page["limit"] == 50
    [network] = page["items"]
    assert network["name"] == "Red de Educadoras y Docentes de NT1 a 2° básico"
    assert network["school_count"] == 6
    assert network["people_count"] == 22
    assert network["my_role"] == "teacher"
    one = client.get(f"/api/v1/networks/{DEMO_NETWORK_ID}", headers=headers)
    assert one.status_code == 200
    assert one.json()["slep"].startswith("Servicio Local")


def test_non_member_gets_404_and_empty_list(client: TestClient, login: Any, bearer: Any) -> None:
    outsider = auth_header(make_token(make_principal("coordinator", uuid.uuid4())))
    assert client.get("/api/v1/networks", headers=outsider).json()["total"] == 0
    response = client.get(f"/api/v1/networks/{DEMO_NETWORK_ID}", headers=outsider)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_pagination_bounds_are_validated(client: TestClient, login: Any, bearer: Any) -> None:
    headers = bearer("coordinacion@demo.cl")
    assert client.get("/api/v1/networks?limit=0", headers=headers).status_code == 422
    assert client.get("/api/v1/networks?limit=500", headers=headers).status_code == 422
    assert client.get("/api/v1/networks?offset=1", headers=headers).json()["items"] == []


def test_health_and_ready(client: TestClient, login: Any, bearer: Any) -> None:
    assert client.get("/health").json() == {"status": "ok", "service": "cycles"}
    assert client.get("/ready").json()["status"] == "ready"


def test_service_token_reads_any_network(client: TestClient) -> None:
    from mejora_common.auth import issue_service_token
    from mejora_common.testing import TEST_KEYS

    headers = auth_header(issue_service_token("reports", TEST_KEYS.signer("reports"), audience="cycles"))
    response = client.get(f"/api/v1/networks/{DEMO_NETWORK_ID}", headers=headers)
    assert response.status_code == 200
    assert response.json()["my_role"] == "service"
    assert client.get(f"/api/v1/networks/{uuid.uuid4()}", headers=headers).status_code == 404
