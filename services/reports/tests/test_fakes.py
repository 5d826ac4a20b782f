"""The fake siblings cannot drift from the real ones: their answers are checked against the producers' snapshots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient

from mejora_common.testing import DEMO_NETWORK_ID

MEASURE = "0b0c7d4e-8a55-4c1e-9d7b-3f1f1d3d2a10"
FakeWorld = Any
Headers = Callable[..., dict[str, str]]


def test_an_answer_the_producer_could_not_give_fails(world: FakeWorld, headers: Headers) -> None:
    world.measures[MEASURE] = {
        "id": MEASURE,
        "network_id": str(DEMO_NETWORK_ID),
        "name": "Medida",
        "kind": "process",
        "unit": "",
        "value_type": "percentage",  # not a value type of the cycles service
        "direction": "up",
        "frequency": "monthly",
    }
    with TestClient(world.cycles_app()) as fake, pytest.raises(jsonschema.ValidationError):
        fake.get(f"/api/v1/measures/{MEASURE}", headers=headers())


def test_answers_carry_exactly_the_fields_the_producer_declares(world: FakeWorld, headers: Headers) -> None:
    world.diagrams.append(
        {"id": "d1", "network_id": str(DEMO_NETWORK_ID), "version": 1, "status": "draft", "title": "Diagrama"}
    )
    with TestClient(world.cycles_app()) as fake:
        listed = fake.get(f"/api/v1/networks/{DEMO_NETWORK_ID}/driver-diagrams", headers=headers()).json()
        full = fake.get("/api/v1/driver-diagrams/d1", headers=headers()).json()
    summary = listed["items"][0]
    # The list sends summaries (no tree); a field the test left out gets a neutral value of its type.
    assert "tree" not in summary and "change_ideas" not in summary
    assert summary["node_count"] == 0 and summary["published_at"] is None
    assert full["change_ideas"] == [] and full["tree"] == {}
