"""Keyset cursors on the long lists: ``GET /observations`` and ``observations:scores`` (offset pages unchanged)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mejora_common.pagination import encode_cursor
from mejora_common.testing import DEMO_NETWORK_ID

Headers = Callable[[str], dict[str, str]]
COACH = "acompanante@demo.cl"
COORDINATOR = "coordinacion@demo.cl"


def create(client: TestClient, headers: Headers, draft: Any, day: str, *, submitted: bool = False) -> str:
    oid = str(uuid.uuid4())
    created = client.put(f"/api/v1/observations/{oid}", json=draft(observed_on=day), headers=headers(COACH))
    assert created.status_code == 201, created.text
    if submitted:
        tag = {"If-Match": created.headers["etag"]}
        sent = client.post(f"/api/v1/observations/{oid}/submit", headers={**headers(COACH), **tag})
        assert sent.status_code == 200, sent.text
    return oid


def walk(
    client: TestClient, path: str, params: dict[str, Any], who: dict[str, str], between: Callable[[], None]
) -> tuple[list[dict[str, Any]], int]:
    """Every item read by following ``next_cursor`` from the first page; ``between`` runs after the first page."""
    seen: list[dict[str, Any]] = []
    cursor = ""
    pages = 0
    while True:
        response = client.get(path, params={**params, "cursor": cursor}, headers=who)
        assert response.status_code == 200, response.text
        page = response.json()
        assert set(page) == {"items", "next_cursor", "limit"}
        seen += page["items"]
        pages += 1
        if pages == 1:
            between()
        if page["next_cursor"] is None:
            return seen, pages
        cursor = page["next_cursor"]


def test_cursor_pages_visit_every_observation_once_in_order_even_with_inserts(
    client: TestClient, headers: Headers, draft: Any
) -> None:
    days = ["2024-05-03", "2024-05-01", "2024-05-05", "2024-05-02", "2024-05-04"]
    ids = {create(client, headers, draft, day): day for day in days}
    late: dict[str, str] = {}

    def insert_between_pages() -> None:
        # one row after the cursor (must be read once, later) and one before it (already passed: not read)
        late[create(client, headers, draft, "2024-06-30")] = "2024-06-30"
        create(client, headers, draft, "2024-04-01")

    seen, pages = walk(client, "/api/v1/observations", {"limit": 2}, headers(COORDINATOR), insert_between_pages)
    keys = [(item["observed_on"], item["id"]) for item in seen]
    assert keys == sorted((day, oid) for oid, day in {**ids, **late}.items())
    assert len({item["id"] for item in seen}) == len(seen) == 6
    assert pages == 3


def test_same_day_observations_are_ordered_by_id_across_pages(client: TestClient, headers: Headers, draft: Any) -> None:
    ids = sorted(create(client, headers, draft, "2024-05-14") for _ in range(5))
    seen, _ = walk(client, "/api/v1/observations", {"limit": 2}, headers(COORDINATOR), lambda: None)
    assert [item["id"] for item in seen] == ids


def test_cursor_respects_filters_and_privacy(client: TestClient, headers: Headers, draft: Any) -> None:
    submitted = create(client, headers, draft, "2024-05-10", submitted=True)
    create(client, headers, draft, "2024-05-11")
    teacher = client.get("/api/v1/observations", params={"cursor": ""}, headers=headers("educadora@demo.cl"))
    assert [item["id"] for item in teacher.json()["items"]] == [submitted]
    drafts = client.get("/api/v1/observations", params={"cursor": "", "status": "draft"}, headers=headers(COORDINATOR))
    assert [item["status"] for item in drafts.json()["items"]] == ["draft"]


def test_without_a_cursor_the_offset_page_is_unchanged(client: TestClient, headers: Headers, draft: Any) -> None:
    for day in ("2024-05-01", "2024-05-02", "2024-05-03"):
        create(client, headers, draft, day)
    page = client.get("/api/v1/observations", params={"limit": 2, "offset": 1}, headers=headers(COORDINATOR))
    assert page.status_code == 200
    body = page.json()
    assert set(body) == {"items", "total", "limit", "offset"}
    assert (body["total"], body["limit"], body["offset"], len(body["items"])) == (3, 2, 1, 2)


@pytest.mark.parametrize(
    "path", ["/api/v1/observations", "/api/v1/observations:scores"], ids=["observations", "scores"]
)
@pytest.mark.parametrize(
    "cursor", ["%%%", "bm90IGpzb24", encode_cursor(["2024-05-01"]), encode_cursor(["ayer", "x"]), "x" * 600]
)
def test_a_bad_cursor_is_a_422_on_cursor(client: TestClient, headers: Headers, path: str, cursor: str) -> None:
    params = {"cursor": cursor, "network_id": str(DEMO_NETWORK_ID)}
    response = client.get(path, params=params, headers=headers(COORDINATOR))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == ["cursor"]


@pytest.mark.parametrize("path", ["/api/v1/observations", "/api/v1/observations:scores"])
def test_offset_with_a_cursor_is_a_422_on_offset(client: TestClient, headers: Headers, path: str) -> None:
    params = {"cursor": "", "offset": 3, "network_id": str(DEMO_NETWORK_ID)}
    response = client.get(path, params=params, headers=headers(COORDINATOR))
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["offset"]


def test_scores_by_cursor_read_every_submitted_observation_once(
    client: TestClient, headers: Headers, draft: Any
) -> None:
    days = ["2024-05-07", "2024-05-02", "2024-05-09"]
    ids = {create(client, headers, draft, day, submitted=True): day for day in days}
    create(client, headers, draft, "2024-05-05")  # a draft: never in the scores
    late: dict[str, str] = {}

    def insert_between_pages() -> None:
        late[create(client, headers, draft, "2024-05-20", submitted=True)] = "2024-05-20"

    params = {"network_id": str(DEMO_NETWORK_ID), "limit": 2}
    seen, pages = walk(client, "/api/v1/observations:scores", params, headers("service"), insert_between_pages)
    keys = [(row["observed_on"], row["observation_id"]) for row in seen]
    assert keys == sorted((day, oid) for oid, day in {**ids, **late}.items())
    assert pages == 2
    # the offset page the reports service reads is still there, with its total
    offset_page = client.get("/api/v1/observations:scores", params=params, headers=headers("service")).json()
    assert (offset_page["total"], offset_page["offset"]) == (4, 0)
