"""N writers holding the same ETag at the same moment: exactly one succeeds, the others get 412 (both databases).

Each writer is held, after its If-Match check passed and before it writes, until all have passed it: without the
conditional UPDATE/DELETE every writer would then succeed (the lost updates of issue 9).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cycles_service.service import common
from mejora_common.testing import DEMO_NETWORK_ID

NET = str(DEMO_NETWORK_ID)
WRITERS = 5
"""Fewer than the ``write`` route class lets in at once (6), so every writer reaches the rendezvous."""

Write = Callable[[int, str], Any]


def race(write: Write, etag: str) -> list[int]:
    """The statuses of ``WRITERS`` concurrent ``write``s with the same ``etag``, all past their check at once."""
    barrier = threading.Barrier(WRITERS, timeout=30)
    check = common.check_if_match

    def held(version: int, if_match: str | None, **kwargs: Any) -> None:
        check(version, if_match, **kwargs)
        barrier.wait()

    with pytest.MonkeyPatch.context() as patch, ThreadPoolExecutor(WRITERS) as pool:
        patch.setattr(common, "check_if_match", held)
        return sorted(pool.map(lambda i: write(i, etag).status_code, range(WRITERS)))


def _cycle(client: TestClient, headers: dict[str, str]) -> tuple[str, str]:
    created = client.post("/api/v1/cycles", json={"network_id": NET, "title": "Carrera"}, headers=headers)
    assert created.status_code == 201, created.text
    return f"/api/v1/cycles/{created.json()['id']}", created.headers["ETag"]


def test_parallel_patches_of_a_cycle(client: TestClient, bearer: Any) -> None:
    teacher = bearer("educadora@demo.cl")
    url, etag = _cycle(client, teacher)

    def write(i: int, tag: str) -> Any:
        return client.patch(url, json={"objective": f"escritor {i}"}, headers={**teacher, "If-Match": tag})

    assert race(write, etag) == [200] + [412] * (WRITERS - 1)
    final = client.get(url, headers=teacher)
    assert final.json()["revision"] == 2 and final.headers["ETag"] == '"2"'


def test_parallel_advances_of_a_cycle_move_it_once(client: TestClient, bearer: Any) -> None:
    teacher = bearer("educadora@demo.cl")
    url, etag = _cycle(client, teacher)
    plan = {
        "objective": "o",
        "questions": [{"text": "¿?", "prediction": "p"}],
        "plan_who": "a",
        "plan_what": "b",
        "plan_when": "c",
        "plan_where": "d",
        "plan_data_collection": "e",
    }
    planned = client.patch(url, json=plan, headers={**teacher, "If-Match": etag})
    assert planned.status_code == 200, planned.text

    def write(_: int, tag: str) -> Any:
        return client.post(f"{url}/advance", headers={**teacher, "If-Match": tag})

    assert race(write, planned.headers["ETag"]) == [200] + [412] * (WRITERS - 1)
    history = client.get(url, headers=teacher).json()["history"]
    assert [(t["from_stage"], t["to_stage"]) for t in history] == [("plan", "do")]


def test_parallel_deletes_of_a_school(client: TestClient, bearer: Any) -> None:
    coordinator = bearer("coordinacion@demo.cl")
    created = client.post(
        f"/api/v1/networks/{NET}/schools", json={"rbd": 24680, "name": "Escuela Efímera"}, headers=coordinator
    )
    url = f"/api/v1/schools/{created.json()['id']}"

    def write(_: int, tag: str) -> Any:
        return client.delete(url, headers={**coordinator, "If-Match": tag})

    assert race(write, created.headers["ETag"]) == [204] + [412] * (WRITERS - 1)
    assert client.get(url, headers=coordinator).status_code == 404


def test_parallel_edits_of_a_barrier_and_an_aim(client: TestClient, bearer: Any) -> None:
    coordinator = bearer("coordinacion@demo.cl")
    barrier = client.post(
        f"/api/v1/networks/{NET}/barriers",
        json={"description": "Falta tiempo", "level": "territory"},
        headers=coordinator,
    )
    assert barrier.status_code == 201, barrier.text
    url = f"/api/v1/barriers/{barrier.json()['id']}"

    def edit_barrier(i: int, tag: str) -> Any:
        return client.patch(url, json={"description": f"versión {i}"}, headers={**coordinator, "If-Match": tag})

    assert race(edit_barrier, barrier.headers["ETag"]) == [200] + [412] * (WRITERS - 1)
    assert client.get(url, headers=coordinator).json()["version"] == 2

    aim = client.post(f"/api/v1/networks/{NET}/aims", json={"statement": "Mejorar"}, headers=coordinator)
    aim_url = f"/api/v1/aims/{aim.json()['id']}"

    def edit_aim(i: int, tag: str) -> Any:
        return client.patch(aim_url, json={"target_value": i + 1}, headers={**coordinator, "If-Match": tag})

    assert race(edit_aim, aim.headers["ETag"]) == [200] + [412] * (WRITERS - 1)
