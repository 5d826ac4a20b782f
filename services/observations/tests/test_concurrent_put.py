"""Concurrent writes to a real server (SQLite and PostgreSQL): no duplicate, no lost update.

* the same creating PUT sent 20 times in parallel creates one observation (one 201, 19 × 200);
* N writers holding the same ETag: exactly one saves, for a replacing PUT and for submit; the others get 412;
* N parallel replays of one edit (same body, same ETag): all 200, one change (an offline tablet resending).
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import Session, func, select

from mejora_common.testing import ServerThread
from observations_service.models import Observation

PARALLEL = 20
WRITERS = 8
COACH = "acompanante@demo.cl"
Send = Callable[[httpx.Client, int], httpx.Response]


@pytest.fixture
def server(app_factory: Callable[..., FastAPI]) -> Iterator[tuple[FastAPI, str]]:
    app = app_factory()
    with ServerThread(app) as running:
        yield app, running.url
    app.state.engine.dispose()


def in_parallel(url: str, count: int, send: Send) -> list[int]:
    """Statuses of ``count`` requests released together (a barrier after each client is connected)."""
    barrier = threading.Barrier(count)
    statuses: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        try:
            with httpx.Client(base_url=url, timeout=60) as http:
                barrier.wait()
                response = send(http, n)
            with lock:
                statuses.append(response.status_code)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return statuses


def test_twenty_parallel_retries_create_one_observation(
    server: tuple[FastAPI, str], headers: Callable[[str], dict[str, str]], draft: Any
) -> None:
    app, url = server
    oid = str(uuid.uuid4())
    body = draft()
    auth = {**headers(COACH), "If-None-Match": "*"}
    statuses = in_parallel(
        url, PARALLEL, lambda http, _: http.put(f"/api/v1/observations/{oid}", json=body, headers=auth)
    )
    listed = httpx.get(f"{url}/api/v1/observations", headers=headers("coordinacion@demo.cl")).json()

    assert Counter(statuses) == {201: 1, 200: PARALLEL - 1}
    assert listed["total"] == 1
    with Session(app.state.engine) as session:
        assert session.exec(select(func.count()).select_from(Observation)).one() == 1
        row = session.get(Observation, uuid.UUID(oid))
        assert row is not None
        assert row.version == 1  # the retries found the same content and changed nothing


def _created(url: str, auth: dict[str, str], body: dict[str, Any]) -> tuple[str, str]:
    oid = str(uuid.uuid4())
    response = httpx.put(f"{url}/api/v1/observations/{oid}", json=body, headers=auth)
    assert response.status_code == 201, response.text
    return oid, response.headers["etag"]


def test_writers_with_the_same_etag_save_exactly_once(
    server: tuple[FastAPI, str], headers: Callable[[str], dict[str, str]], draft: Any
) -> None:
    app, url = server
    auth = headers(COACH)
    oid, tag = _created(url, auth, draft())

    def edit(http: httpx.Client, n: int) -> httpx.Response:
        body = draft(wave=f"2025-{n}")  # every writer saves something else (not the stored 2024-1)
        return http.put(f"/api/v1/observations/{oid}", json=body, headers={**auth, "If-Match": tag})

    statuses = in_parallel(url, WRITERS, edit)
    assert Counter(statuses) == {200: 1, 412: WRITERS - 1}
    with Session(app.state.engine) as session:
        row = session.get(Observation, uuid.UUID(oid))
        assert row is not None and row.version == 2


def test_parallel_replays_of_one_edit_all_answer_200(
    server: tuple[FastAPI, str], headers: Callable[[str], dict[str, str]], draft: Any
) -> None:
    app, url = server
    auth = headers(COACH)
    oid, tag = _created(url, auth, draft())
    edited = draft(wave="2024-2")
    statuses = in_parallel(
        url,
        WRITERS,
        lambda http, _: http.put(f"/api/v1/observations/{oid}", json=edited, headers={**auth, "If-Match": tag}),
    )
    assert Counter(statuses) == {200: WRITERS}
    with Session(app.state.engine) as session:
        row = session.get(Observation, uuid.UUID(oid))
        assert row is not None and (row.version, row.wave) == (2, "2024-2")


def test_submits_with_the_same_etag_succeed_exactly_once(
    server: tuple[FastAPI, str], headers: Callable[[str], dict[str, str]], draft: Any
) -> None:
    app, url = server
    auth = headers(COACH)
    oid, tag = _created(url, auth, draft())
    statuses = in_parallel(
        url,
        WRITERS,
        lambda http, _: http.post(f"/api/v1/observations/{oid}/submit", headers={**auth, "If-Match": tag}),
    )
    assert Counter(statuses) == {200: 1, 412: WRITERS - 1}
    with Session(app.state.engine) as session:
        row = session.get(Observation, uuid.UUID(oid))
        assert row is not None and (row.status, row.version) == ("submitted", 2)
