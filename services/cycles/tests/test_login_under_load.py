"""Logins under load: a login shed by the auth gate never counts toward the lock; Argon2 runs in its own executor."""

from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from cycles_service.models import Account
from cycles_service.service import security
from mejora_common.overload import LoadSheddingMiddleware

EMAIL = "educadora@demo.cl"


def _shedder(client: TestClient) -> LoadSheddingMiddleware:
    layer: Any = client.app.middleware_stack  # type: ignore[attr-defined]
    while layer is not None and not isinstance(layer, LoadSheddingMiddleware):
        layer = getattr(layer, "app", None)
    assert layer is not None
    return layer


def _failures(client: TestClient) -> int:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        account = session.exec(select(Account).where(Account.email == EMAIL)).one()
        return account.failed_logins


def test_a_shed_login_never_counts_toward_the_lock(client: TestClient) -> None:
    shedder = _shedder(client)
    gate, classes = shedder.gates["auth"], dict(shedder.classes)
    shedder.classes = {**classes, "auth": dataclasses.replace(classes["auth"], queue_seconds=0.0)}
    gate.active = gate.limit  # every slot taken (as by a burst of logins), no time to wait for one
    try:
        shed = [client.post("/api/v1/auth/token", data={"username": EMAIL, "password": "mala"}) for _ in range(8)]
    finally:
        gate.active = 0
        shedder.classes = classes
    assert {r.status_code for r in shed} == {503}
    assert all(r.json()["code"] == "overloaded" and r.headers["Retry-After"] for r in shed)
    assert _failures(client) == 0  # 8 wrong passwords shed before the handler: no lock, no count
    wrong = client.post("/api/v1/auth/token", data={"username": EMAIL, "password": "mala"})
    assert wrong.status_code == 401 and _failures(client) == 1  # the counter does count a login that ran


def test_argon2_runs_in_its_own_bounded_executor(monkeypatch: Any) -> None:
    lock = threading.Lock()
    running, seen_max, threads = 0, 0, set()
    verify = security._verify  # what the executor runs
    entered = threading.Barrier(security.HASHING_THREADS, timeout=30)

    def counted(password_hash: str, password: str) -> bool:
        nonlocal running, seen_max
        with lock:
            running += 1
            seen_max = max(seen_max, running)
            threads.add(threading.current_thread().name)
        entered.wait()  # the executor's threads do run at once...
        try:
            return verify(password_hash, password)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(security, "_verify", counted)
    stored = security.hash_password("secreto")
    with ThreadPoolExecutor(12) as callers:
        results = list(callers.map(lambda _: security.verify_password(stored, "secreto"), range(12)))
    assert all(results)
    assert seen_max == security.HASHING_THREADS  # ...but never more of them, however many callers wait
    assert all(name.startswith("argon2") for name in threads)
