"""Invitations: a coordinator invites a person by e-mail (through the local SMTP server), the link sets her password."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, create_engine, select

from cycles_service.models import AccountToken
from cycles_service.service import account_links
from mejora_common.db import utcnow

from .conftest import COORDINATOR, NET, Inbox, bearer, login, new_person

NEW_PASSWORD = "una-clave-larga-de-prueba"


def invite(client: TestClient, headers: dict[str, str], person_id: str, **extra: str) -> dict[str, object]:
    response = client.post(f"{NET}/people/{person_id}/invitation", headers={**headers, **extra})
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def test_an_invited_person_sets_her_password_and_logs_in(client: TestClient, inbox: Inbox) -> None:
    coordinator = bearer(client, COORDINATOR)
    person_id = new_person(client, coordinator, "nueva.docente@demo.cl")
    answer = invite(client, coordinator, person_id)
    assert answer["status"] == "sent"
    assert answer["email"] == "nueva.docente@demo.cl"
    [mail] = inbox.to("nueva.docente@demo.cl")
    assert "Invitación" in mail["Subject"]
    token = inbox.last_link("nueva.docente@demo.cl", "/cuenta/invitacion")

    info = client.post("/api/v1/auth/invitation/check", json={"token": token})
    assert info.status_code == 200, info.text
    assert info.json()["email"] == "nueva.docente@demo.cl"
    assert info.json()["network_name"]
    # Before accepting, nobody can log in to the account.
    refused = client.post("/api/v1/auth/token", data={"username": "nueva.docente@demo.cl", "password": NEW_PASSWORD})
    assert refused.status_code == 401

    accepted = client.post("/api/v1/auth/invitation/accept", json={"token": token, "password": NEW_PASSWORD})
    assert accepted.status_code == 204, accepted.text
    me = client.get("/api/v1/auth/me", headers=bearer(client, "nueva.docente@demo.cl", NEW_PASSWORD)).json()
    assert [m["person_id"] for m in me["memberships"]] == [person_id]

    again = client.post("/api/v1/auth/invitation/accept", json={"token": token, "password": "otra-clave-distinta"})
    assert again.status_code == 400
    assert again.json()["code"] == "link_invalid"
    assert login(client, "nueva.docente@demo.cl", NEW_PASSWORD)["access_token"]


def test_only_the_digest_of_the_link_is_stored(client: TestClient, inbox: Inbox, database_url: str) -> None:
    coordinator = bearer(client, COORDINATOR)
    invite(client, coordinator, new_person(client, coordinator, "digest@demo.cl"))
    token = inbox.last_link("digest@demo.cl", "/cuenta/invitacion")
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    with Session(engine) as session:
        rows = session.exec(select(AccountToken)).all()
    engine.dispose()
    assert rows and all(token not in (row.token_hash, str(row.id)) for row in rows)


def test_inviting_again_invalidates_the_earlier_link(client: TestClient, inbox: Inbox) -> None:
    coordinator = bearer(client, COORDINATOR)
    person_id = new_person(client, coordinator, "dos.veces@demo.cl")
    invite(client, coordinator, person_id)
    first = inbox.last_link("dos.veces@demo.cl", "/cuenta/invitacion")
    invite(client, coordinator, person_id)
    second = inbox.last_link("dos.veces@demo.cl", "/cuenta/invitacion")
    assert first != second
    assert client.post("/api/v1/auth/invitation/check", json={"token": first}).json()["code"] == "link_invalid"
    stale = client.post("/api/v1/auth/invitation/accept", json={"token": first, "password": NEW_PASSWORD})
    assert stale.status_code == 400
    fresh = client.post("/api/v1/auth/invitation/accept", json={"token": second, "password": NEW_PASSWORD})
    assert fresh.status_code == 204


def test_the_link_expires_after_seven_days(client: TestClient, inbox: Inbox, monkeypatch: pytest.MonkeyPatch) -> None:
    coordinator = bearer(client, COORDINATOR)
    invite(client, coordinator, new_person(client, coordinator, "tarde@demo.cl"))
    token = inbox.last_link("tarde@demo.cl", "/cuenta/invitacion")
    later = utcnow() + timedelta(days=7, minutes=1)
    monkeypatch.setattr(account_links, "now", lambda: later)
    expired = client.post("/api/v1/auth/invitation/accept", json={"token": token, "password": NEW_PASSWORD})
    assert expired.status_code == 400
    assert expired.json()["code"] == "link_invalid"


def test_a_retried_invitation_with_the_same_key_sends_one_mail(client: TestClient, inbox: Inbox) -> None:
    coordinator = bearer(client, COORDINATOR)
    person_id = new_person(client, coordinator, "reintento@demo.cl")
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = invite(client, coordinator, person_id, **key)
    second = invite(client, coordinator, person_id, **key)
    assert first == second
    assert len(inbox.to("reintento@demo.cl")) == 1


def test_who_may_invite_and_whom(client: TestClient, inbox: Inbox) -> None:
    coordinator = bearer(client, COORDINATOR)
    person_id = new_person(client, coordinator, "quien@demo.cl")
    teacher = client.post(f"{NET}/people/{person_id}/invitation", headers=bearer(client, "educadora@demo.cl"))
    assert teacher.status_code == 403
    other_network = client.post(f"/api/v1/networks/{uuid.uuid4()}/people/{person_id}/invitation", headers=coordinator)
    assert other_network.status_code == 404
    unknown = client.post(f"{NET}/people/{uuid.uuid4()}/invitation", headers=coordinator)
    assert unknown.status_code == 404
    no_email = client.post(f"{NET}/people/{new_person(client, coordinator, None)}/invitation", headers=coordinator)
    assert no_email.status_code == 422
    assert no_email.json()["errors"][0]["field"] == "email"
    people = client.get(f"{NET}/people", params={"limit": 100}, headers=coordinator).json()["items"]
    has_account = next(p["id"] for p in people if p.get("email") == "educadora@demo.cl")
    exists = client.post(f"{NET}/people/{has_account}/invitation", headers=coordinator)
    assert exists.status_code == 409
    assert exists.json()["code"] == "account_exists"
    assert inbox.to("quien@demo.cl") == []


def test_the_password_follows_the_rules(client: TestClient, inbox: Inbox) -> None:
    coordinator = bearer(client, COORDINATOR)
    invite(client, coordinator, new_person(client, coordinator, "corta@demo.cl"))
    token = inbox.last_link("corta@demo.cl", "/cuenta/invitacion")
    short = client.post("/api/v1/auth/invitation/accept", json={"token": token, "password": "corta"})
    assert short.status_code == 422
    assert [e["field"] for e in short.json()["errors"]] == ["password"]
    # The refused attempt did not spend the link.
    ok = client.post("/api/v1/auth/invitation/accept", json={"token": token, "password": NEW_PASSWORD})
    assert ok.status_code == 204
