"""Idempotency-Key on the service's creates (mejora_common.idempotency with this service's table), both databases."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cycles_service.service import calendar
from mejora_common.testing import DEMO_NETWORK_ID

NET = f"/api/v1/networks/{DEMO_NETWORK_ID}"
BARRIER = {"description": "Falta tiempo para planificar", "level": "school"}


def _count(client: TestClient, headers: dict[str, str], what: str) -> int:
    total: int = client.get(f"{NET}/{what}", headers=headers).json()["total"]
    return total


def test_a_replayed_create_creates_once_and_another_body_is_422(client: TestClient, bearer: Any) -> None:
    coordinator = bearer("coordinacion@demo.cl")
    before = _count(client, coordinator, "barriers")
    keyed = {**coordinator, "Idempotency-Key": "barrera-1"}
    first = client.post(f"{NET}/barriers", json=BARRIER, headers=keyed)
    again = client.post(f"{NET}/barriers", json=BARRIER, headers=keyed)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again.headers["Idempotency-Replayed"] == "true"
    assert again.headers["ETag"] == first.headers["ETag"]
    assert _count(client, coordinator, "barriers") == before + 1
    other = client.post(f"{NET}/barriers", json={**BARRIER, "description": "Otra"}, headers=keyed)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert _count(client, coordinator, "barriers") == before + 1

    school = {"rbd": 13579, "name": "Escuela Nueva"}
    schools_before = _count(client, coordinator, "schools")
    created = [
        client.post(f"{NET}/schools", json=school, headers={**coordinator, "Idempotency-Key": "escuela-1"})
        for _ in range(3)
    ]
    assert [r.status_code for r in created] == [201, 201, 201]
    assert len({r.json()["id"] for r in created}) == 1
    assert _count(client, coordinator, "schools") == schools_before + 1


def test_a_duplicate_while_the_first_runs_is_409(
    client: TestClient, bearer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    coordinator = bearer("coordinacion@demo.cl")
    before = _count(client, coordinator, "barriers")
    started, release = threading.Event(), threading.Event()
    create = calendar.create_barrier

    def slow_create(*args: Any) -> Any:
        started.set()
        assert release.wait(30)
        return create(*args)

    monkeypatch.setattr(calendar, "create_barrier", slow_create)
    keyed = {**coordinator, "Idempotency-Key": "barrera-lenta"}
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(client.post, f"{NET}/barriers", json=BARRIER, headers=keyed)
        assert started.wait(30)
        duplicate = client.post(f"{NET}/barriers", json=BARRIER, headers=keyed)
        release.set()
        assert first.result().status_code == 201
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "request_in_progress"
    assert duplicate.headers["Retry-After"]
    assert _count(client, coordinator, "barriers") == before + 1
