"""Deactivation: a coordinator deactivates a person who left; her sessions and access tokens end at once."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .conftest import COORDINATOR, NET, Inbox, bearer, login, new_person

TEACHER = "educadora@demo.cl"


def person_id_of(client: TestClient, headers: dict[str, str], address: str) -> str:
    people = client.get(f"{NET}/people", params={"limit": 100}, headers=headers).json()["items"]
    found: str = next(p["id"] for p in people if p.get("email") == address)
    return found


def set_active(client: TestClient, headers: dict[str, str], person_id: str, active: bool) -> dict[str, object]:
    url = f"{NET}/people/{person_id}/account"
    current = client.get(url, headers=headers)
    assert current.status_code == 200, current.text
    response = client.patch(url, json={"is_active": active}, headers={**headers, "If-Match": current.headers["ETag"]})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_a_deactivated_person_is_out_at_once_and_can_be_reactivated(client: TestClient) -> None:
    coordinator = bearer(client, COORDINATOR)
    tokens = login(client, TEACHER)
    access = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.get("/api/v1/networks", headers=access).status_code == 200
    person_id = person_id_of(client, coordinator, TEACHER)

    assert set_active(client, coordinator, person_id, False)["is_active"] is False
    denied = client.post("/api/v1/auth/token", data={"username": TEACHER, "password": "mejora2024"})
    assert denied.status_code == 401
    assert denied.json()["code"] == "account_disabled"
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code == 401
    refused = client.get("/api/v1/networks", headers=access)
    assert refused.status_code == 401
    assert refused.json()["code"] == "account_disabled"
    # Her data stays: she is still in the directory.
    assert client.get(f"/api/v1/people/{person_id}", headers=coordinator).status_code == 200

    assert set_active(client, coordinator, person_id, True)["is_active"] is True
    assert login(client, TEACHER)["access_token"]
    # The session ended by the deactivation does not come back.
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code == 401


def test_the_change_needs_the_etag(client: TestClient) -> None:
    coordinator = bearer(client, COORDINATOR)
    url = f"{NET}/people/{person_id_of(client, coordinator, TEACHER)}/account"
    missing = client.patch(url, json={"is_active": False}, headers=coordinator)
    assert missing.status_code == 428
    etag = client.get(url, headers=coordinator).headers["ETag"]
    assert client.patch(url, json={"is_active": False}, headers={**coordinator, "If-Match": etag}).status_code == 200
    stale = client.patch(url, json={"is_active": True}, headers={**coordinator, "If-Match": etag})
    assert stale.status_code == 412


def test_who_may_deactivate(client: TestClient) -> None:
    coordinator = bearer(client, COORDINATOR)
    teacher_id = person_id_of(client, coordinator, TEACHER)
    leader = bearer(client, "direccion@demo.cl")
    assert client.get(f"{NET}/people/{teacher_id}/account", headers=leader).status_code == 403
    forbidden = client.patch(
        f"{NET}/people/{teacher_id}/account", json={"is_active": False}, headers={**leader, "If-Match": '"1"'}
    )
    assert forbidden.status_code == 403
    assert client.get(f"{NET}/accounts", headers=leader).status_code == 403
    own = person_id_of(client, coordinator, COORDINATOR)
    url = f"{NET}/people/{own}/account"
    etag = client.get(url, headers=coordinator).headers["ETag"]
    itself = client.patch(url, json={"is_active": False}, headers={**coordinator, "If-Match": etag})
    assert itself.status_code == 409
    assert itself.json()["code"] == "cannot_deactivate_self"
    no_account = new_person(client, coordinator, "sin.cuenta@demo.cl")
    url = f"{NET}/people/{no_account}/account"
    etag = client.get(url, headers=coordinator).headers["ETag"]
    none = client.patch(url, json={"is_active": False}, headers={**coordinator, "If-Match": etag})
    assert none.status_code == 409
    assert none.json()["code"] == "no_account"


def test_the_list_shows_each_persons_account_state(client: TestClient, inbox: Inbox) -> None:
    coordinator = bearer(client, COORDINATOR)
    invited = new_person(client, coordinator, "invitada@demo.cl")
    assert client.post(f"{NET}/people/{invited}/invitation", headers=coordinator).status_code == 201
    plain = new_person(client, coordinator, "nada@demo.cl")
    page = client.get(f"{NET}/accounts", params={"limit": 100}, headers=coordinator)
    assert page.status_code == 200, page.text
    states = {item["person_id"]: item for item in page.json()["items"]}
    assert page.json()["total"] == len(states)
    assert states[invited]["has_account"] and states[invited]["awaiting_password"]
    assert states[invited]["invitation_expires_at"] is not None
    assert not states[plain]["has_account"]
    teacher = states[person_id_of(client, coordinator, TEACHER)]
    assert teacher["is_active"] and not teacher["awaiting_password"] and teacher["invitation_expires_at"] is None
