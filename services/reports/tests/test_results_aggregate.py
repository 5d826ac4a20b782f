"""Reports read a wave's stored scores in one compact answer (``observations:aggregate``, issue 12 point 1): the live
view and a published release are the same as from the per-row scores, and a release's units carry the versions
that answer gives (docs/privacy.md, "Releases")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from mejora_common.testing import DEMO_NETWORK_ID as NETWORK

from .publishing import coordinator_headers, publish
from .test_results_api import results, results_world

__all__ = ["results_world"]  # the fixture, used here

Headers = Callable[..., dict[str, str]]
FakeWorld = Any
AGGREGATE = "/api/v1/observations:aggregate"
SCORES = "/api/v1/observations:scores"


def test_the_live_view_from_the_aggregate_equals_the_one_from_the_score_rows(
    client: TestClient, headers: Headers, results_world: FakeWorld
) -> None:
    from_rows = results(client, headers("coordinator"), compare="2024-1")
    assert from_rows.status_code == 200, from_rows.text
    assert results_world.served(AGGREGATE) == 2  # asked (absent: 404), then the score rows
    results_world.aggregate_endpoint = True
    scores_before = results_world.served(SCORES)
    from_aggregate = results(client, headers("coordinator"), compare="2024-1")
    assert from_aggregate.status_code == 200, from_aggregate.text
    assert results_world.served(SCORES) == scores_before  # one answer per wave, no score pages
    assert results_world.served(AGGREGATE) == 4
    assert from_aggregate.json() == from_rows.json()


def test_a_release_from_the_aggregate_equals_one_from_the_score_rows(
    client: TestClient, headers: Headers, results_world: FakeWorld
) -> None:
    # The same wave published twice would be a second release with no new cells; publish from each path in turn
    # on two waves instead and compare each with the live figures the same path gives.
    results_world.aggregate_endpoint = True
    first = publish(client, "2024-2")
    assert results_world.served(SCORES) == 0
    listed = "/api/v1/observations"
    assert not any(c.path == listed and c.params.get("wave") == "2024-2" for c in results_world.calls), (
        "the versions come with the aggregate, not from a second listing"
    )
    release = client.get(
        f"/api/v1/reports/networks/{NETWORK}/results",
        params={"wave": "2024-2", "release": first["number"]},
        headers=coordinator_headers(),
    )
    assert release.status_code == 200, release.text
    live = results(client, headers("coordinator")).json()
    shown = release.json()
    assert shown["network_results"]["n_classrooms"] == live["network_results"]["n_classrooms"] == 10
    assert [i["mean"] for i in shown["network_results"]["dimensions"]] == [
        i["mean"] for i in live["network_results"]["dimensions"]
    ]
