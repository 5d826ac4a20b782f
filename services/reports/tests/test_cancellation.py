"""No work for a client that has gone or whose deadline has passed (issue 9, point 3).

The fake observations service counts the pages of ``observations:scores`` it serves; with one row a page, a
network's results read one page per observation, so a request that stopped early is one that read few pages.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mejora_common.deadlines import DEADLINE_HEADER
from mejora_common.testing import DEMO_NETWORK_ID as NETWORK
from mejora_common.testing_disconnect import request_then_leave
from reports_service.cancellation import Cancellation, ClientGone, StoppedWork, all_or_nothing
from reports_service.clients import observations as observations_client

from .test_results_api import add_observation

Headers = Callable[..., dict[str, str]]
FakeWorld = Any

SCORES = "/api/v1/observations:scores"
OBSERVATIONS = 30
RESULTS = f"/api/v1/reports/networks/{NETWORK}/results"


@pytest.fixture
def thirty_pages(world: FakeWorld, monkeypatch: pytest.MonkeyPatch) -> FakeWorld:
    for i in range(OBSERVATIONS):
        add_observation(world, i, "2024-2", pc=5, nc=2, qf=3, day=f"2024-09-{1 + i % 28:02d}")
    monkeypatch.setattr(observations_client, "SCORES_PAGE_SIZE", 1)
    return world


def test_every_page_is_read_when_nobody_stops(client: TestClient, headers: Headers, thirty_pages: FakeWorld) -> None:
    response = client.get(RESULTS, params={"wave": "2024-2"}, headers=headers())
    assert response.status_code == 200
    assert thirty_pages.served(SCORES) == OBSERVATIONS
    assert client.app.state.stopped_work.counts == {}  # type: ignore[attr-defined]


def test_a_client_that_disconnects_stops_the_results_before_every_page_is_read(
    client: TestClient, headers: Headers, thirty_pages: FakeWorld
) -> None:
    def gone() -> bool:  # the client leaves once three pages were served
        return bool(thirty_pages.served(SCORES) >= 3)

    portal = client.portal
    assert portal is not None
    sent = portal.call(
        lambda: request_then_leave(client.app, "GET", RESULTS, query="wave=2024-2", headers=headers(), leave_when=gone)
    )

    served = thirty_pages.served(SCORES)
    assert 3 <= served < OBSERVATIONS / 2, f"{served} pages read for a client that had gone"
    assert client.app.state.stopped_work.counts == {"client_gone": 1}  # type: ignore[attr-defined]
    assert sent == []  # answered to nobody (mejora_common.disconnect cancelled the handler)


def test_a_tiny_deadline_gets_503_deadline_exceeded_after_a_few_pages(
    client: TestClient, headers: Headers, thirty_pages: FakeWorld
) -> None:
    thirty_pages.page_delay = 0.01  # each page outlasts the 1 ms the caller gives
    response = client.get(RESULTS, params={"wave": "2024-2"}, headers={**headers(), DEADLINE_HEADER: "1"})

    assert response.status_code == 503, response.text
    body = response.json()
    assert body["code"] == "deadline_exceeded"
    assert response.headers["content-type"].startswith("application/problem+json")
    assert int(response.headers["Retry-After"]) > 0
    assert thirty_pages.served(SCORES) <= 2
    assert client.app.state.stopped_work.counts == {"deadline": 1}  # type: ignore[attr-defined]


# --- the cancellation itself ----------------------------------------------------------------------------------


def test_cancellation_counts_a_request_once_and_names_the_reason() -> None:
    stopped = StoppedWork()
    disconnected = False

    async def is_disconnected() -> bool:
        return disconnected

    cancel = Cancellation(is_disconnected=is_disconnected, stopped=stopped)

    async def run() -> None:
        nonlocal disconnected
        await cancel.check()  # still there, no deadline outside a request
        disconnected = True
        for _ in range(2):
            with pytest.raises(ClientGone):
                await cancel.check("a page")

    asyncio.run(run())
    assert stopped.counts == {"client_gone": 1}
    assert cancel.stopped_for == "client_gone"


def test_all_or_nothing_cancels_the_other_reads_and_raises_the_first_failure() -> None:
    finished: list[str] = []

    async def slow() -> None:
        await asyncio.sleep(60)
        finished.append("slow")

    async def failing() -> None:
        raise ClientGone("a page")

    async def run() -> None:
        with pytest.raises(ClientGone):
            async with all_or_nothing() as group:
                group.create_task(slow())
                group.create_task(failing())

    asyncio.run(run())
    assert finished == []
