"""The demo seed publishes one release of each demo wave, once (issue 10, point 1: "the demo's readers see results
as before")."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from mejora_common.db import make_engine, upgrade
from mejora_common.testing import DEMO_FILE, TEST_KEYS, auth_header, make_principal, make_token
from reports_service.db import MIGRATIONS_DIR
from reports_service.main import create_app
from reports_service.models.releases import PendingPublication, Release
from reports_service.seed import seed
from reports_service.settings import Settings

from .test_releases_api import observe

FakeWorld = Any
DEMO = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
DEMO_WAVES = [w["wave"] for w in json.loads((DEMO_FILE.parent / "observations.json").read_text())["waves"]]
NETWORK = uuid.UUID(DEMO["network"]["id"])
COORDINATOR = next(p["name"] for p in DEMO["people"] if p["role"] == "coordinator")
#: How often /ready is asked while the background publisher works (no time is asserted).
READY_POLLS = 300


def test_seeding_twice_asks_for_each_wave_once(database_url: str) -> None:
    upgrade(MIGRATIONS_DIR, database_url)
    assert "2 publicaciones" in seed(database_url, DEMO_FILE)
    assert "0 publicaciones" in seed(database_url, DEMO_FILE)
    with Session(make_engine(database_url)) as session:
        rows = session.exec(select(PendingPublication)).all()
    assert sorted(p.wave for p in rows) == sorted(DEMO_WAVES)
    assert {p.name for p in rows} == {COORDINATOR}


def test_the_service_publishes_the_pending_releases_at_start_and_is_ready_after(
    database_url: str, tmp_path: Path, siblings: Any, world: FakeWorld
) -> None:
    for wave, day in zip(DEMO_WAVES, ("2024-05-10", "2024-08-12"), strict=True):
        for i in range(6):
            observe(world, i, pc=4 + i % 3, wave=wave, day=day)
    upgrade(MIGRATIONS_DIR, database_url)
    seed(database_url, DEMO_FILE)
    settings = Settings(
        database_url=database_url,
        **TEST_KEYS.settings("reports"),
        data_dir=tmp_path,
        cycles_url=siblings.cycles.url,
        observations_url=siblings.observations.url,
        service_timeout_seconds=5.0,
        pdf_warmup=False,
    )
    with TestClient(create_app(settings)) as client:
        for _ in range(READY_POLLS):
            if client.get("/ready").status_code == 200:
                break
            time.sleep(0.05)
        assert client.get("/ready").status_code == 200
        teacher = auth_header(make_token(make_principal("teacher", NETWORK)))
        for wave in DEMO_WAVES:
            response = client.get(f"/api/v1/reports/networks/{NETWORK}/results", params={"wave": wave}, headers=teacher)
            assert response.status_code == 200, response.text
            assert response.json()["source"]["published_by"] == COORDINATOR
            assert response.json()["network_results"]["n_classrooms"] == 6
    with Session(make_engine(database_url)) as session:
        assert session.exec(select(PendingPublication)).all() == []
        assert sorted(r.wave for r in session.exec(select(Release)).all()) == sorted(DEMO_WAVES)
    assert "0 publicaciones" in seed(database_url, DEMO_FILE)  # seeding again asks for nothing
