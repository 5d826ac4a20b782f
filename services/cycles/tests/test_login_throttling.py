"""Brute-force protection of POST /api/v1/auth/token: lock after N failures, per account and per integration client."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from cycles_service.models import Account, IntegrationClient
from cycles_service.service import throttling
from cycles_service.settings import Settings
from mejora_common.testing import DEMO_NETWORK_ID, DEMO_PASSWORD

EMAIL = "educadora@demo.cl"
START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


class Clock:
    """A controllable ``throttling.now``."""

    def __init__(self) -> None:
        self.current = START

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(throttling, "now", fake)
    return fake


def password_login(client: TestClient, password: str, email: str = EMAIL) -> httpx.Response:
    return client.post("/api/v1/auth/token", data={"username": email, "password": password})


def fail(client: TestClient, times: int, email: str = EMAIL) -> list[int]:
    return [password_login(client, "incorrecta", email).status_code for _ in range(times)]


def assert_locked(response: httpx.Response, seconds: int, minutes: int) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == str(seconds)
    body = response.json()
    assert body["code"] == "too_many_attempts"
    unit = "minuto" if minutes == 1 else "minutos"
    assert body["detail"] == f"Demasiados intentos fallidos. Intenta nuevamente en {minutes} {unit}."


def account(client: TestClient, email: str = EMAIL) -> Account:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        return session.exec(select(Account).where(Account.email == email)).one()


def test_settings_default_to_five_failures_and_fifteen_minutes(monkeypatch: pytest.MonkeyPatch) -> None:
    assert (Settings().login_max_failures, Settings().login_lock_minutes) == (5, 15)
    monkeypatch.setenv("MEJORA_LOGIN_MAX_FAILURES", "3")
    monkeypatch.setenv("MEJORA_LOGIN_LOCK_MINUTES", "2")
    assert (Settings().login_max_failures, Settings().login_lock_minutes) == (3, 2)


def test_locked_after_n_failures_even_with_the_right_password(client: TestClient, clock: Clock) -> None:
    assert fail(client, 4) == [401] * 4
    assert_locked(password_login(client, "incorrecta"), 15 * 60, 15)  # the fifth failure locks
    assert account(client).locked_until == START + timedelta(minutes=15)
    clock.advance(minutes=5, seconds=30)
    assert_locked(password_login(client, DEMO_PASSWORD), 9 * 60 + 30, 10)  # the right password too
    assert_locked(password_login(client, "incorrecta"), 9 * 60 + 30, 10)
    # Other accounts are not affected.
    assert password_login(client, DEMO_PASSWORD, "direccion@demo.cl").status_code == 200


def test_unlocked_after_the_period_with_a_fresh_counter(client: TestClient, clock: Clock) -> None:
    fail(client, 5)
    clock.advance(minutes=14, seconds=59)
    assert_locked(password_login(client, DEMO_PASSWORD), 1, 1)
    clock.advance(seconds=1)
    assert fail(client, 4) == [401] * 4  # the lock restarted the count
    assert password_login(client, "incorrecta").status_code == 429
    clock.advance(minutes=15)
    assert password_login(client, DEMO_PASSWORD).status_code == 200
    assert (account(client).failed_logins, account(client).locked_until) == (0, None)


def test_a_successful_login_resets_the_counter(client: TestClient, clock: Clock) -> None:
    assert fail(client, 4) == [401] * 4
    assert account(client).failed_logins == 4
    assert password_login(client, DEMO_PASSWORD).status_code == 200
    assert account(client).failed_logins == 0
    assert fail(client, 4) == [401] * 4
    assert password_login(client, DEMO_PASSWORD).status_code == 200


def test_unknown_emails_keep_the_same_401_and_no_state(client: TestClient, clock: Clock) -> None:
    for _ in range(7):
        response = password_login(client, "incorrecta", "nadie@demo.cl")
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_credentials"
        assert "retry-after" not in response.headers
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        rows = session.exec(select(Account)).all()
    assert rows and all(row.failed_logins == 0 and row.locked_until is None for row in rows)


def test_limit_and_period_come_from_the_settings(client: TestClient, clock: Clock) -> None:
    app: Any = client.app
    app.state.settings = app.state.settings.model_copy(update={"login_max_failures": 2, "login_lock_minutes": 1})
    assert fail(client, 2) == [401, 429]
    assert_locked(password_login(client, DEMO_PASSWORD), 60, 1)
    clock.advance(minutes=1)
    assert password_login(client, DEMO_PASSWORD).status_code == 200
    # 0 failures turns the protection off.
    app.state.settings = app.state.settings.model_copy(update={"login_max_failures": 0})
    assert fail(client, 8) == [401] * 8
    assert account(client).failed_logins == 0


def test_failures_are_counted_atomically_not_from_a_stale_read(client: TestClient, clock: Clock) -> None:
    """Two requests that read the account before either counts its failure must count two, not one."""
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with Session(engine, expire_on_commit=False) as first, Session(engine, expire_on_commit=False) as second:
        stale_first = first.exec(select(Account).where(Account.email == EMAIL)).one()
        stale_second = second.exec(select(Account).where(Account.email == EMAIL)).one()
        assert stale_first.failed_logins == stale_second.failed_logins == 0
        throttling.record_failure(first, stale_first, settings)
        assert stale_second.failed_logins == 0  # still the stale read
        throttling.record_failure(second, stale_second, settings)
    assert account(client).failed_logins == 2


# Integration clients (client-credentials grant): the same rule per client id.


def create_integration(client: TestClient, bearer: Callable[[str], dict[str, str]]) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/networks/{DEMO_NETWORK_ID}/integrations",
        json={"name": "Sistema de matrícula", "scopes": ["directory:read"]},
        headers=bearer("coordinacion@demo.cl"),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def client_login(client: TestClient, client_id: str, secret: str) -> httpx.Response:
    return client.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )


def test_integration_clients_are_locked_after_n_failures(
    client: TestClient, bearer: Callable[[str], dict[str, str]], clock: Clock
) -> None:
    created = create_integration(client, bearer)
    other = create_integration(client, bearer)
    client_id, secret = created["client_id"], created["client_secret"]
    assert [client_login(client, client_id, "otro").status_code for _ in range(4)] == [401] * 4
    assert client_login(client, client_id, secret).status_code == 200  # success resets
    assert [client_login(client, client_id, "otro").status_code for _ in range(4)] == [401] * 4
    assert_locked(client_login(client, client_id, "otro"), 15 * 60, 15)
    clock.advance(minutes=10)
    assert_locked(client_login(client, client_id, secret), 5 * 60, 5)
    assert client_login(client, other["client_id"], other["client_secret"]).status_code == 200
    clock.advance(minutes=5)
    assert client_login(client, client_id, secret).status_code == 200
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        row = session.exec(select(IntegrationClient).where(IntegrationClient.client_id == client_id)).one()
    assert (row.failed_logins, row.locked_until) == (0, None)


def test_unknown_client_ids_keep_the_same_401(client: TestClient, clock: Clock) -> None:
    for _ in range(7):
        response = client_login(client, "mr_desconocido", "otro")
        assert response.status_code == 401 and response.json()["code"] == "invalid_client"
