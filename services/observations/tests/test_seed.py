"""The demo seed: two waves for the 17 teachers, plausible scores, ~15 % double-coded, never duplicated."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from mejora_common.db import make_engine
from mejora_common.testing import DEMO_FILE, DEMO_NETWORK_ID
from observations_service.models import Observation
from observations_service.seed import OBSERVATIONS_FILE, seed_demo


def count(url: str) -> int:
    engine = make_engine(url)
    with Session(engine) as session:
        n = session.exec(select(func.count()).select_from(Observation)).one()
    engine.dispose()
    return n


def test_seed_is_plausible_and_never_duplicates(
    app_factory: Callable[..., FastAPI], database_url: str, headers: Callable[[str], dict[str, str]], person: Any
) -> None:
    app = app_factory()  # migrates
    seed_demo(database_url, DEMO_FILE)
    first = count(database_url)
    seed_demo(database_url, DEMO_FILE)
    assert count(database_url) == first == 34 + 5
    network = {"network_id": str(DEMO_NETWORK_ID)}
    with TestClient(app) as client:
        coordinator = headers("coordinacion@demo.cl")
        rows = client.get("/api/v1/observations:scores", params={**network, "limit": 100}, headers=coordinator).json()
        assert rows["total"] == 34  # double codings are not classrooms
        assert Counter(r["wave"] for r in rows["items"]) == {"2024-1": 17, "2024-2": 17}
        assert len({r["teacher_id"] for r in rows["items"]}) == 17
        domains: dict[str, list[float]] = {}
        for row in rows["items"]:
            assert row["n_cycles"] == 4
            for domain in row["domains"]:
                domains.setdefault(domain["code"], []).append(domain["mean"])
        assert 4.0 <= statistics.mean(domains["ES"]) <= 5.6
        assert 4.0 <= statistics.mean(domains["CO"]) <= 5.6
        assert 1.5 <= statistics.mean(domains["IS"]) <= 2.5
        dates = sorted(r["observed_on"] for r in rows["items"] if r["wave"] == "2024-1")
        assert dates[0] >= "2024-05-01" and dates[-1] <= "2024-07-31"
        assert all(r["observed_on"].startswith("2024-08") for r in rows["items"] if r["wave"] == "2024-2")
        reliability = client.get("/api/v1/reliability", params=network, headers=coordinator).json()
        assert reliability["observation_pairs"] == 5
        observers = {o["observer_id"] for o in reliability["observers"]}
        assert observers == {person("acompanante@demo.cl")["id"], person("acompanante2@demo.cl")["id"]}
        assert not any(o["flagged"] for o in reliability["observers"])
        mine = client.get("/api/v1/observations", headers=headers("educadora@demo.cl")).json()
        assert mine["total"] == 3  # her two waves and the second coding of one of them
        evidence = client.get(f"/api/v1/observations/{mine['items'][0]['id']}", headers=coordinator).json()["evidence"]
        assert len(evidence) >= 3
    app.state.engine.dispose()


def test_seed_content_lives_in_the_demo_folder() -> None:
    """Texts and parameters are data, beside the demo directory; the seed only draws and stores them."""
    demo = json.loads((DEMO_FILE.parent / OBSERVATIONS_FILE).read_text(encoding="utf-8"))
    assert [wave["wave"] for wave in demo["waves"]] == ["2024-1", "2024-2"]
    assert len(demo["double_coded"]) == 5
    assert set(demo["evidence"]) == set(demo["dimension_means"])
    assert len(demo["cycle_notes"]) == 4
