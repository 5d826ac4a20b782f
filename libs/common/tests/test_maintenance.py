"""Writes paused for a backup: 503 ``maintenance`` with ``Retry-After`` on writes, reads go on, then writes again."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from mejora_common import maintenance
from mejora_common.app import create_service_app
from mejora_common.db import make_engine
from mejora_common.settings import CommonSettings
from mejora_common.testing import TEST_KEYS


def build_app(database_url: str) -> FastAPI:
    router = APIRouter()

    @router.get("/api/v1/things")
    def read() -> dict[str, str]:
        return {"status": "read"}

    @router.post("/api/v1/things")
    def write() -> dict[str, str]:
        return {"status": "written"}

    @router.delete("/api/v1/things/1")
    def delete() -> dict[str, str]:
        return {"status": "deleted"}

    app = create_service_app(
        service="cycles",
        title="t",
        description="d",
        settings=CommonSettings(**TEST_KEYS.settings("cycles")),
        routers=[router],
        ready_check=lambda: (True, "ok"),
        configure_logs=False,
    )
    app.state.engine = make_engine(database_url)
    return app


@pytest.fixture(autouse=True)
def look_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(maintenance.CHECK_ENV, "0")


def test_writes_get_503_maintenance_with_retry_after_during_the_pause(database_url: str) -> None:
    app = build_app(database_url)
    with TestClient(app) as client:
        assert client.post("/api/v1/things").status_code == 200
        with maintenance.pause_writes([database_url], settle=False):
            for method in ("POST", "DELETE"):
                path = "/api/v1/things" if method == "POST" else "/api/v1/things/1"
                refused = client.request(method, path)
                assert refused.status_code == 503, method
                assert refused.headers["content-type"].startswith("application/problem+json")
                assert refused.headers["Retry-After"] == str(maintenance.RETRY_AFTER_SECONDS)
                body = refused.json()
                assert body["code"] == "maintenance"
                assert body["service"] == "cycles"
                assert "mantención" in body["detail"]
            assert client.get("/api/v1/things").json() == {"status": "read"}
            assert client.get("/health").status_code == 200
            assert client.get("/ready").status_code == 200
        assert client.post("/api/v1/things").json() == {"status": "written"}


def test_another_process_sees_the_pause_of_the_database_it_shares(database_url: str) -> None:
    """Two replicas of one service (two apps, two engines, one database): both refuse writes."""
    replicas = [build_app(database_url), build_app(database_url)]
    with TestClient(replicas[0]) as first, TestClient(replicas[1]) as second:
        with maintenance.pause_writes([database_url], settle=False):
            assert maintenance.is_paused(make_engine(database_url))
            assert first.post("/api/v1/things").status_code == 503
            assert second.post("/api/v1/things").status_code == 503
        assert not maintenance.is_paused(make_engine(database_url))
        assert second.post("/api/v1/things").status_code == 200


def test_a_pause_on_another_database_does_not_stop_this_one(database_url: str, tmp_path: Path) -> None:
    other = f"sqlite:///{tmp_path / 'other.db'}"
    with TestClient(build_app(database_url)) as client, maintenance.pause_writes([other], settle=False):
        assert client.post("/api/v1/things").status_code == 200


def test_a_stale_sqlite_flag_left_by_a_crashed_backup_expires(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cycles.db'}"
    flag = maintenance.sqlite_flag(url)
    assert flag is not None and flag.name == "cycles.db.maintenance"
    now = time.time()
    flag.write_text(json.dumps({"since": now - 700, "until": now - 100}), encoding="utf-8")
    assert not maintenance.is_paused(make_engine(url))
    flag.write_text(json.dumps({"since": now, "until": now + 100}), encoding="utf-8")
    assert maintenance.is_paused(make_engine(url))
    flag.write_text("not json", encoding="utf-8")
    assert maintenance.is_paused(make_engine(url)), "an unreadable flag still pauses"


def test_the_check_interval_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(maintenance.CHECK_ENV, "2.5")
    assert maintenance.check_seconds() == 2.5
    assert maintenance.settle_seconds() > 2.5
    monkeypatch.setenv(maintenance.CHECK_ENV, "nonsense")
    assert maintenance.check_seconds() == maintenance.DEFAULT_CHECK_SECONDS
