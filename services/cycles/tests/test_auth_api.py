from typing import Any

from fastapi.testclient import TestClient

from mejora_common.keys import SigningKey
from mejora_common.testing import DEMO_NETWORK_ID, auth_header, expired_token, make_token


def test_login_returns_access_and_refresh_tokens(client: TestClient, login: Any, bearer: Any) -> None:
    tokens = login("coordinacion@demo.cl")
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 15 * 60
    assert tokens["refresh_token"]


def test_login_is_case_insensitive_on_email(client: TestClient, login: Any, bearer: Any) -> None:
    assert login("  Educadora@Demo.cl ")["access_token"]


def test_wrong_password_and_unknown_email_are_the_same_401(client: TestClient, login: Any, bearer: Any) -> None:
    wrong = client.post("/api/v1/auth/token", data={"username": "educadora@demo.cl", "password": "nope"})
    unknown = client.post("/api/v1/auth/token", data={"username": "nadie@demo.cl", "password": "nope"})
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "invalid_credentials"
        assert response.json()["detail"] == "Correo o contraseña incorrectos."


def test_login_form_validation_is_problem_json(client: TestClient, login: Any, bearer: Any) -> None:
    response = client.post("/api/v1/auth/token", data={"username": "x"})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"password"}


def test_me_returns_role_and_memberships(client: TestClient, login: Any, bearer: Any) -> None:
    me = client.get("/api/v1/auth/me", headers=bearer("direccion@demo.cl")).json()
    assert me["email"] == "direccion@demo.cl"
    assert me["role"] == "leader"
    [membership] = me["memberships"]
    assert membership["network_id"] == str(DEMO_NETWORK_ID)
    assert membership["role"] == "leader"
    assert membership["school_name"] == "Escuela Básica Los Aromos"


def test_refresh_rotates_and_the_newest_token_keeps_working(client: TestClient, login: Any, bearer: Any) -> None:
    first = login("educadora@demo.cl")
    second = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    assert second.json()["refresh_token"] != first["refresh_token"]
    assert client.get("/api/v1/auth/me", headers=auth_header(second.json()["access_token"])).status_code == 200
    third = client.post("/api/v1/auth/refresh", json={"refresh_token": second.json()["refresh_token"]})
    assert third.status_code == 200
    assert third.json()["refresh_token"] not in {first["refresh_token"], second.json()["refresh_token"]}
    # (A rotated token presented again: tests/test_session_families.py.)


def test_logout_revokes_refresh_token(client: TestClient, login: Any, bearer: Any) -> None:
    tokens = login("educadora@demo.cl")
    assert client.post("/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]}).status_code == 204
    again = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert again.status_code == 401


def test_missing_malformed_tampered_expired_tokens_are_401(client: TestClient, login: Any, bearer: Any) -> None:
    good = login("educadora@demo.cl")["access_token"]
    header, payload, signature = good.split(".")
    cases = {
        "unauthenticated": {},
        "token_invalid": {"Authorization": "Basic abc"},
    }
    for code, headers in cases.items():
        response = client.get("/api/v1/networks", headers=headers)
        assert response.status_code == 401
        assert response.json()["code"] == code
        assert response.headers["www-authenticate"] == "Bearer"
    for token in (
        "x.y.z",
        f"{header}.{payload}.{signature[:-4]}AAAA",
        make_token(key=SigningKey.generate()),  # signed by a key that is not cycles'
        expired_token(),
    ):
        response = client.get("/api/v1/networks", headers=auth_header(token))
        assert response.status_code == 401, token
        assert response.headers["content-type"] == "application/problem+json"
    assert client.get("/api/v1/networks", headers=auth_header(expired_token())).json()["code"] == "token_expired"
