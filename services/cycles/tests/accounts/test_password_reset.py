"""Password reset by e-mail (through the local SMTP server): no enumeration, single use, every session ends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from cycles_service.service import account_links
from mejora_common.db import utcnow
from mejora_common.testing import DEMO_PASSWORD

from .conftest import Inbox, login

TEACHER = "educadora@demo.cl"
NEW_PASSWORD = "mi-clave-nueva-y-larga"


def ask(client: TestClient, address: str) -> tuple[int, dict[str, str], bytes]:
    response = client.post("/api/v1/auth/password-reset", json={"email": address})
    headers = {k: v for k, v in response.headers.items() if k.lower() not in ("x-request-id", "date")}
    return response.status_code, headers, response.content


def test_the_answer_is_the_same_whether_or_not_the_account_exists(client: TestClient, inbox: Inbox) -> None:
    known = ask(client, TEACHER)
    unknown = ask(client, "nadie@demo.cl")
    assert known == unknown
    assert known[0] == 202
    assert len(inbox.to(TEACHER)) == 1
    assert inbox.to("nadie@demo.cl") == []
    assert len(inbox.messages) == 1


def test_a_reset_sets_the_password_once_and_ends_every_session(client: TestClient, inbox: Inbox) -> None:
    session = login(client, TEACHER)
    ask(client, TEACHER)
    token = inbox.last_link(TEACHER, "/cuenta/restablecer")
    done = client.post("/api/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD})
    assert done.status_code == 204, done.text

    old_refresh = client.post("/api/v1/auth/refresh", json={"refresh_token": session["refresh_token"]})
    assert old_refresh.status_code == 401
    old_password = client.post("/api/v1/auth/token", data={"username": TEACHER, "password": DEMO_PASSWORD})
    assert old_password.status_code == 401
    fresh = login(client, TEACHER, NEW_PASSWORD)
    assert (
        client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {fresh['access_token']}"}).status_code == 200
    )

    again = client.post("/api/v1/auth/password-reset/confirm", json={"token": token, "password": "y-otra-mas-larga"})
    assert again.status_code == 400
    assert again.json()["code"] == "link_invalid"


def test_access_tokens_issued_before_the_reset_are_refused_here(
    client: TestClient, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    access = {"Authorization": f"Bearer {login(client, TEACHER)['access_token']}"}
    assert client.get("/api/v1/networks", headers=access).status_code == 200
    ask(client, TEACHER)
    token = inbox.last_link(TEACHER, "/cuenta/restablecer")
    # The reset happens a few seconds after the token was issued (tokens carry iat in whole seconds).
    later = utcnow() + timedelta(seconds=5)
    monkeypatch.setattr(account_links, "now", lambda: later)
    assert (
        client.post("/api/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}).status_code
        == 204
    )
    refused = client.get("/api/v1/networks", headers=access)
    assert refused.status_code == 401
    assert refused.json()["code"] == "session_ended"


def test_the_link_expires_after_an_hour(client: TestClient, inbox: Inbox, monkeypatch: pytest.MonkeyPatch) -> None:
    ask(client, TEACHER)
    token = inbox.last_link(TEACHER, "/cuenta/restablecer")
    later = utcnow() + timedelta(minutes=61)
    monkeypatch.setattr(account_links, "now", lambda: later)
    expired = client.post("/api/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD})
    assert expired.status_code == 400
    assert login(client, TEACHER)["access_token"]


def test_a_new_request_invalidates_the_earlier_link(client: TestClient, inbox: Inbox) -> None:
    ask(client, TEACHER)
    first = inbox.last_link(TEACHER, "/cuenta/restablecer")
    ask(client, TEACHER)
    second = inbox.last_link(TEACHER, "/cuenta/restablecer")
    stale = client.post("/api/v1/auth/password-reset/confirm", json={"token": first, "password": NEW_PASSWORD})
    assert stale.status_code == 400
    fresh = client.post("/api/v1/auth/password-reset/confirm", json={"token": second, "password": NEW_PASSWORD})
    assert fresh.status_code == 204


def test_without_smtp_the_mail_goes_to_the_outbox(make_client: object, tmp_path: object) -> None:
    from pathlib import Path

    assert callable(make_client)
    client: TestClient = make_client(smtp_host="")
    assert ask(client, TEACHER)[0] == 202
    outbox = Path(str(tmp_path)) / "outbox"
    [written] = list(outbox.glob("*.eml"))
    assert written.stat().st_mode & 0o777 == 0o600
    assert outbox.stat().st_mode & 0o777 == 0o700
    assert "/cuenta/restablecer#token=" in written.read_text()
