"""Refresh-token families (issue 11, point 1): rotation, the grace period, reuse as theft, logout, revocation."""

from __future__ import annotations

import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col, select

from cycles_service.models import Account, RefreshToken, RefreshTokenFamily
from cycles_service.service.security import digest
from cycles_service.service.sessions import revoke_account_sessions
from mejora_common.testing import auth_header

REFRESH = "/api/v1/auth/refresh"


def refresh(client: TestClient, token: str) -> Any:
    return client.post(REFRESH, json={"refresh_token": token})


def age_rotation(client: TestClient, token: str, seconds: int) -> None:
    """Move a rotated token's rotation ``seconds`` into the past (no waiting in tests)."""
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        stored = session.exec(select(RefreshToken).where(RefreshToken.token_hash == digest(token))).one()
        assert stored.rotated_at is not None
        session.execute(
            update(RefreshToken)
            .where(col(RefreshToken.id) == stored.id)
            .values(rotated_at=stored.rotated_at - timedelta(seconds=seconds))
        )
        session.commit()


def family_of(client: TestClient, token: str) -> RefreshTokenFamily:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        stored = session.exec(select(RefreshToken).where(RefreshToken.token_hash == digest(token))).one()
        family = session.get(RefreshTokenFamily, stored.family_id)
        assert family is not None
        return family


def test_each_login_starts_a_family_and_rotation_stays_in_it(client: TestClient, login: Any) -> None:
    one, other = login("educadora@demo.cl"), login("educadora@demo.cl")
    assert family_of(client, one["refresh_token"]).id != family_of(client, other["refresh_token"]).id
    second = refresh(client, one["refresh_token"]).json()["refresh_token"]
    assert family_of(client, second).id == family_of(client, one["refresh_token"]).id


def test_rotated_token_within_grace_returns_the_same_successor(client: TestClient, login: Any) -> None:
    first = login("educadora@demo.cl")["refresh_token"]
    tab_a = refresh(client, first)
    tab_b = refresh(client, first)
    assert tab_a.status_code == tab_b.status_code == 200
    assert tab_a.json()["refresh_token"] == tab_b.json()["refresh_token"] != first
    assert client.get("/api/v1/auth/me", headers=auth_header(tab_b.json()["access_token"])).status_code == 200
    # The successor both tabs hold keeps working, and the family is alive.
    assert refresh(client, tab_b.json()["refresh_token"]).status_code == 200
    assert family_of(client, first).revoked_at is None


def test_within_grace_a_token_rotated_twice_leads_to_the_newest(client: TestClient, login: Any) -> None:
    first = login("educadora@demo.cl")["refresh_token"]
    second = refresh(client, first).json()["refresh_token"]
    third = refresh(client, second).json()["refresh_token"]
    again = refresh(client, first)
    assert again.status_code == 200
    assert again.json()["refresh_token"] == third


def test_two_tabs_refreshing_at_the_same_moment_get_one_successor(client: TestClient, login: Any) -> None:
    first = login("educadora@demo.cl")["refresh_token"]
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: refresh(client, first), range(4)))
    assert [a.status_code for a in answers] == [200] * 4
    assert len({a.json()["refresh_token"] for a in answers}) == 1
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        family = family_of(client, first)
        tokens = session.exec(select(RefreshToken).where(RefreshToken.family_id == family.id)).all()
    assert len(tokens) == 2


def test_reuse_after_grace_revokes_the_whole_family_and_is_logged(
    client: TestClient, login: Any, caplog: pytest.LogCaptureFixture
) -> None:
    first = login("educadora@demo.cl")["refresh_token"]
    second = refresh(client, first).json()["refresh_token"]
    newest = refresh(client, second).json()["refresh_token"]
    age_rotation(client, first, 60)
    with caplog.at_level(logging.WARNING, logger="mejora.cycles.sessions"):
        stolen = refresh(client, first)
    assert stolen.status_code == 401
    assert stolen.json()["code"] == "refresh_token_invalid"
    # The newest token of the family, never used by the thief, is revoked too.
    assert refresh(client, newest).status_code == 401
    assert refresh(client, second).status_code == 401
    family = family_of(client, first)
    assert family.revoked_at is not None
    assert family.revoked_reason == "reuse"
    [event] = [r for r in caplog.records if getattr(r, "fields", {}).get("event") == "refresh_token_reuse"]
    assert event.fields["family_id"] == str(family.id)  # type: ignore[attr-defined]
    assert event.fields["account_id"] == str(family.account_id)  # type: ignore[attr-defined]


def test_reuse_revokes_only_that_family(client: TestClient, login: Any) -> None:
    phone = login("educadora@demo.cl")["refresh_token"]
    laptop = login("educadora@demo.cl")["refresh_token"]
    refresh(client, phone)
    age_rotation(client, phone, 60)
    assert refresh(client, phone).status_code == 401
    assert refresh(client, laptop).status_code == 200


def test_logout_revokes_the_family_from_any_of_its_tokens(client: TestClient, login: Any) -> None:
    first = login("educadora@demo.cl")["refresh_token"]
    second = refresh(client, first).json()["refresh_token"]
    assert client.post("/api/v1/auth/logout", json={"refresh_token": first}).status_code == 204
    assert refresh(client, second).status_code == 401
    family = family_of(client, first)
    assert family.revoked_reason == "logout"


def test_revoke_account_sessions_ends_every_family_of_the_account(client: TestClient, login: Any) -> None:
    mine = [login("educadora@demo.cl")["refresh_token"] for _ in range(2)]
    someone_else = login("direccion@demo.cl")["refresh_token"]
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        account = session.exec(select(Account).where(Account.email == "educadora@demo.cl")).one()
        assert revoke_account_sessions(session, account.id, "deactivated") == 2
        session.commit()
        assert revoke_account_sessions(session, account.id, "deactivated") == 0
    assert [refresh(client, token).status_code for token in mine] == [401, 401]
    assert family_of(client, mine[0]).revoked_reason == "deactivated"
    assert refresh(client, someone_else).status_code == 200


def test_unknown_and_deactivated_refresh_tokens_are_the_same_401(client: TestClient, login: Any) -> None:
    token = login("educadora@demo.cl")["refresh_token"]
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        account = session.exec(select(Account).where(Account.email == "educadora@demo.cl")).one()
        account.is_active = False
        session.add(account)
        session.commit()
    disabled = refresh(client, token)
    unknown = refresh(client, uuid.uuid4().hex)
    assert disabled.status_code == unknown.status_code == 401
    assert disabled.json()["code"] == unknown.json()["code"] == "refresh_token_invalid"
