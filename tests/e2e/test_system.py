"""The whole system through the gateway, as a client sees it."""

from __future__ import annotations

from typing import Any

import httpx

from mejora_common.keys import SigningKey
from mejora_common.testing import auth_header, expired_token, make_token

NETWORK_NAME = "Red de Educadoras y Docentes de NT1 a 2° básico"


def test_health_reports_every_service_ready(system: Any) -> None:
    with system.client() as client:
        response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "services": {s: {"status": "ready"} for s in ("cycles", "observations", "reports")},
    }


def test_login_me_and_networks_through_the_gateway(system: Any) -> None:
    headers = auth_header(system.token("acompanante@demo.cl"))
    with system.client() as client:
        me = client.get("/api/v1/auth/me", headers=headers).json()
        assert me["role"] == "coach"
        networks = client.get("/api/v1/networks", headers=headers).json()
        assert [n["name"] for n in networks["items"]] == [NETWORK_NAME]
        network_id = networks["items"][0]["id"]
        detail = client.get(f"/api/v1/networks/{network_id}", headers=headers)
        assert detail.status_code == 200
        assert detail.json()["school_count"] == 6


def test_unauthenticated_requests_are_401_at_the_gateway_and_at_each_service(system: Any) -> None:
    good = system.token("educadora@demo.cl")
    header, payload, signature = good.split(".")
    other_key = make_token(key=SigningKey.generate())  # not cycles' key (nor, here, the test key cycles lacks)
    bad_tokens = [None, "basura", f"{header}.{payload}.{signature[::-1]}", expired_token(), other_key]
    with system.client() as client:
        for token in bad_tokens:
            headers = auth_header(token) if token else {}
            response = client.get("/api/v1/networks", headers=headers)
            assert response.status_code == 401
            assert response.headers["content-type"] == "application/problem+json"
    # Defence in depth: a service reached directly still verifies the token itself.
    for token in bad_tokens:
        headers = auth_header(token) if token else {}
        direct = httpx.get(f"{system.service_url('cycles')}/api/v1/networks", headers=headers)
        assert direct.status_code == 401
    ok = httpx.get(f"{system.service_url('cycles')}/api/v1/networks", headers=auth_header(good))
    assert ok.status_code == 200


def test_request_id_is_echoed_end_to_end(system: Any) -> None:
    with system.client() as client:
        response = client.get("/api/v1/health", headers={"X-Request-ID": "prueba-123"})
        assert response.headers["x-request-id"] == "prueba-123"
        login = client.post(
            "/api/v1/auth/token",
            data={"username": "educadora@demo.cl", "password": "mal"},
            headers={"X-Request-ID": "prueba-456"},
        )
        assert login.status_code == 401
        assert login.headers["x-request-id"] == "prueba-456"


def test_openapi_and_docs_are_published(system: Any) -> None:
    with system.client() as client:
        document = client.get("/api/v1/openapi.json").json()
        assert "/api/v1/networks" in document["paths"]
        assert "/api/v1/auth/token" in document["paths"]
        assert "/health" not in document["paths"]
        assert "Incompleto" not in document["info"]["description"]
        docs = client.get("/api/docs")
        assert docs.status_code == 200
        assert "/api/v1/openapi.json" in docs.text
        assert client.get("/swagger-ui/swagger-ui-bundle.js").status_code == 200
        assert "cdn" not in docs.text


def test_frontend_is_served_with_spa_fallback(system: Any) -> None:
    with system.client() as client:
        index = client.get("/")
        assert index.status_code == 200
        assert '<div id="root">' in index.text
        deep = client.get("/redes/algo")
        assert deep.status_code == 200
        assert deep.text == index.text
        missing_api = client.get("/api/v1/no-existe", headers=auth_header(system.token("educadora@demo.cl")))
        assert missing_api.status_code == 404
        assert missing_api.headers["content-type"] == "application/problem+json"


def test_zz_a_stopped_service_is_503_while_the_others_keep_answering(system: Any) -> None:
    headers = auth_header(system.token("coordinacion@demo.cl"))
    system.stop("observations")
    try:
        with system.client() as client:
            health = client.get("/api/v1/health")
            assert health.status_code == 503
            assert health.json()["unavailable"] == ["observations"]
            assert "observaciones" in health.json()["detail"]
            down = client.get("/api/v1/instruments", headers=headers)
            assert down.status_code == 503
            assert down.json()["service"] == "observations"
            assert client.get("/api/v1/networks", headers=headers).status_code == 200
    finally:
        system.start("observations")
    with system.client() as client:
        assert client.get("/api/v1/health").status_code == 200
