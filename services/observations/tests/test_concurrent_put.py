"""The same PUT sent 20 times in parallel to a real server creates one observation (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
from fastapi import FastAPI
from sqlmodel import Session, func, select

from mejora_common.testing import ServerThread
from observations_service.models import Observation

PARALLEL = 20


def test_twenty_parallel_retries_create_one_observation(
    app_factory: Callable[..., FastAPI], headers: Callable[[str], dict[str, str]], draft: Any
) -> None:
    app = app_factory()
    oid = str(uuid.uuid4())
    body = draft()
    auth = headers("acompanante@demo.cl")
    barrier = threading.Barrier(PARALLEL)
    statuses: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    with ServerThread(app) as server:

        def send() -> None:
            try:
                with httpx.Client(base_url=server.url, timeout=60) as http:
                    barrier.wait()
                    response = http.put(f"/api/v1/observations/{oid}", json=body, headers=auth)
                with lock:
                    statuses.append(response.status_code)
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                with lock:
                    errors.append(exc)

        threads = [threading.Thread(target=send) for _ in range(PARALLEL)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        listed = httpx.get(f"{server.url}/api/v1/observations", headers=headers("coordinacion@demo.cl")).json()

    assert errors == []
    assert Counter(statuses) == {201: 1, 200: PARALLEL - 1}
    assert listed["total"] == 1
    with Session(app.state.engine) as session:
        assert session.exec(select(func.count()).select_from(Observation)).one() == 1
        row = session.get(Observation, uuid.UUID(oid))
        assert row is not None
        assert row.revision == 1  # the retries found the same content and changed nothing
    app.state.engine.dispose()
