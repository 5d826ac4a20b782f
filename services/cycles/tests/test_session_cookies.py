"""The web app's session cookies (issue 11, point 1): flags, CSRF for the cookie refresh and logout."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from typing import Any

from fastapi.testclient import TestClient

from mejora_common.testing import DEMO_PASSWORD, auth_header

COOKIE_LOGIN = {"X-Token-Delivery": "cookie"}


def cookie_login(client: TestClient, email: str = "educadora@demo.cl", **headers: str) -> Any:
    response = client.post(
        "/api/v1/auth/token", data={"username": email, "password": DEMO_PASSWORD}, headers=COOKIE_LOGIN | headers
    )
    assert response.status_code == 200, response.text
    return response


def set_cookies(response: Any) -> dict[str, str]:
    """Each ``Set-Cookie`` of an answer, by cookie name (the raw header)."""
    return {header.split("=", 1)[0]: header for header in response.headers.get_list("set-cookie")}


def attributes(header: str) -> dict[str, str]:
    morsel = next(iter(SimpleCookie(header).values()))
    return {key: str(value) for key, value in morsel.items() if value}


def test_cookie_login_keeps_the_refresh_token_out_of_the_body(client: TestClient) -> None:
    response = cookie_login(client)
    assert "refresh_token" not in response.json()
    assert response.json()["access_token"]
    cookies = set_cookies(response)
    assert set(cookies) == {"mejora_refresh", "mejora_csrf"}
    refresh = attributes(cookies["mejora_refresh"])
    assert "httponly" in cookies["mejora_refresh"].lower()
    assert refresh["samesite"] == "strict"
    assert refresh["path"] == "/api/v1/auth"
    assert "secure" not in refresh  # plain HTTP (development)
    csrf = attributes(cookies["mejora_csrf"])
    assert "httponly" not in cookies["mejora_csrf"].lower()  # the app reads it
    assert csrf["samesite"] == "strict"
    assert csrf["path"] == "/"


def test_cookies_are_secure_under_https(client: TestClient) -> None:
    cookies = set_cookies(cookie_login(client, **{"X-Forwarded-Proto": "https"}))
    for header in cookies.values():
        assert "secure" in attributes(header)


def test_bearer_login_still_answers_the_pair_in_the_body(client: TestClient, login: Any) -> None:
    response = client.post("/api/v1/auth/token", data={"username": "educadora@demo.cl", "password": DEMO_PASSWORD})
    assert response.json()["refresh_token"]
    assert response.headers.get_list("set-cookie") == []


def test_cookie_refresh_needs_the_csrf_token(client: TestClient) -> None:
    cookie_login(client)
    for headers in ({}, {"X-CSRF-Token": "otro-valor"}):
        refused = client.post("/api/v1/auth/refresh", headers=headers)
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "csrf_failed"


def test_cookie_refresh_rotates_the_cookie_and_never_returns_the_token(client: TestClient) -> None:
    login = cookie_login(client)
    first = client.cookies.get("mejora_refresh")
    csrf = client.cookies.get("mejora_csrf")
    assert first and csrf
    response = client.post("/api/v1/auth/refresh", headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200, response.text
    assert "refresh_token" not in response.json()
    assert client.get("/api/v1/auth/me", headers=auth_header(response.json()["access_token"])).status_code == 200
    rotated = set_cookies(response)
    assert set(rotated) == {"mejora_refresh", "mejora_csrf"}
    assert client.cookies.get("mejora_refresh") != first
    # The session's CSRF token stays the same for its whole family.
    assert client.cookies.get("mejora_csrf") == csrf == set_cookies(login)["mejora_csrf"].split(";")[0].split("=")[1]


def test_cookie_refresh_without_a_session_is_401(client: TestClient) -> None:
    response = client.post("/api/v1/auth/refresh", headers={"X-CSRF-Token": "x"})
    assert response.status_code == 401
    assert response.json()["code"] == "refresh_token_invalid"


def test_the_csrf_token_of_one_session_does_not_open_another(client: TestClient) -> None:
    cookie_login(client, "direccion@demo.cl")
    other_csrf = client.cookies.get("mejora_csrf")
    client.cookies.clear()
    cookie_login(client)
    assert client.cookies.get("mejora_csrf") != other_csrf
    assert client.post("/api/v1/auth/refresh", headers={"X-CSRF-Token": str(other_csrf)}).status_code == 403


def test_cookie_logout_needs_csrf_revokes_and_clears_the_cookies(client: TestClient) -> None:
    cookie_login(client)
    token, csrf = client.cookies.get("mejora_refresh"), client.cookies.get("mejora_csrf")
    assert client.post("/api/v1/auth/logout").status_code == 403
    response = client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": str(csrf)})
    assert response.status_code == 204
    cleared = set_cookies(response)
    assert set(cleared) == {"mejora_refresh", "mejora_csrf"}
    assert all(attributes(header)["max-age"] == "0" for header in cleared.values())
    # The family is revoked server-side, not only forgotten by the browser.
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": token}).status_code == 401


def test_tabs_refreshing_through_the_cookie_at_once_all_get_the_same_successor(client: TestClient) -> None:
    cookie_login(client)
    token, csrf = client.cookies.get("mejora_refresh"), str(client.cookies.get("mejora_csrf"))
    client.cookies.clear()
    headers = {"Cookie": f"mejora_refresh={token}", "X-CSRF-Token": csrf}
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: client.post("/api/v1/auth/refresh", headers=headers), range(4)))
    assert [a.status_code for a in answers] == [200] * 4, [a.text for a in answers]
    successors = {set_cookies(a)["mejora_refresh"].split(";")[0] for a in answers}
    assert len(successors) == 1
