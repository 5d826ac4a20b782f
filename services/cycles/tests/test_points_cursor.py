"""Keyset cursors on a measure's points (a series that can pass 10,000 rows); the offset page stays as it was."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mejora_common.pagination import encode_cursor
from mejora_common.testing import DEMO_NETWORK_ID, auth_header, make_principal, make_token

NET = f"/api/v1/networks/{DEMO_NETWORK_ID}"
AROMOS = "36110edf-0411-5139-acde-e69a973b3d36"
NERUDA = "0dde0b3d-df14-54b7-a601-98df18fcd9d1"
COUNT = {
    "name": "Sesiones de lectura compartida",
    "kind": "process",
    "operational_definition": "Sesiones realizadas en el mes",
    "unit": "sesiones",
    "value_type": "count",
    "direction": "up",
    "frequency": "monthly",
}


@pytest.fixture
def points_url(client: TestClient, bearer: Any) -> str:
    created = client.post(f"{NET}/measures", json=COUNT, headers=bearer("coordinacion@demo.cl"))
    assert created.status_code == 201, created.text
    return f"/api/v1/measures/{created.json()['id']}/points"


def record(client: TestClient, headers: dict[str, str], url: str, period: str, school: str | None) -> None:
    body: dict[str, Any] = {"period": period, "value": 3}
    if school:
        body["school_id"] = school
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == 201, response.text


def walk(
    client: TestClient, url: str, headers: dict[str, str], between: Callable[[], None], **params: Any
) -> list[tuple[str, str | None]]:
    """(period, school) of every point read by following ``next_cursor``; ``between`` runs after the first page."""
    seen: list[tuple[str, str | None]] = []
    cursor = ""
    first = True
    while True:
        response = client.get(url, params={**params, "limit": 2, "cursor": cursor}, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        assert set(page) == {"items", "next_cursor", "limit"}
        seen += [(p["period"], p["school_id"]) for p in page["items"]]
        if first:
            between()
            first = False
        if page["next_cursor"] is None:
            return seen
        cursor = page["next_cursor"]


def test_cursor_pages_visit_every_point_once_in_order_even_with_inserts(
    client: TestClient, bearer: Any, points_url: str
) -> None:
    headers = bearer("coordinacion@demo.cl")
    stored = [(f"2024-{m:02d}-01", school) for m in (3, 4, 5) for school in (AROMOS, NERUDA, None)]
    for period, school in stored:
        record(client, headers, points_url, period, school)

    def insert_between_pages() -> None:
        record(client, headers, points_url, "2024-09-01", AROMOS)  # after the cursor: read later, once
        record(client, headers, points_url, "2024-01-01", NERUDA)  # before it: already passed

    seen = walk(client, points_url, headers, insert_between_pages)
    assert len(seen) == len(set(seen)) == 10
    assert set(seen[:-1]) == set(stored)
    assert [period for period, _ in seen] == sorted(period for period, _ in seen)
    assert seen[-1] == ("2024-09-01", AROMOS)
    # the offset page orders the same way, so both walks agree
    offset_page = client.get(points_url, params={"limit": 200}, headers=headers).json()
    assert set(offset_page) == {"items", "total", "limit", "offset"}
    assert offset_page["total"] == 11
    listed = [(p["period"], p["school_id"]) for p in offset_page["items"]]
    assert [p for p in listed if p != ("2024-01-01", NERUDA)] == seen


def test_cursor_keeps_the_filters(client: TestClient, bearer: Any, points_url: str) -> None:
    headers = bearer("coordinacion@demo.cl")
    for m in (3, 4, 5, 6):
        record(client, headers, points_url, f"2024-{m:02d}-01", AROMOS)
        record(client, headers, points_url, f"2024-{m:02d}-01", None)
    network = walk(client, points_url, headers, lambda: None, network_only=True, **{"from": "2024-04-01"})
    assert network == [(f"2024-{m:02d}-01", None) for m in (4, 5, 6)]


@pytest.mark.parametrize(
    "cursor", ["%%%", "bm90IGpzb24", encode_cursor(["2024-05-01"]), encode_cursor(["mañana", "x"]), "x" * 600]
)
def test_a_bad_cursor_is_a_422_on_cursor(client: TestClient, bearer: Any, points_url: str, cursor: str) -> None:
    response = client.get(points_url, params={"cursor": cursor}, headers=bearer("coordinacion@demo.cl"))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == ["cursor"]


def test_offset_with_a_cursor_is_a_422_on_offset(client: TestClient, bearer: Any, points_url: str) -> None:
    response = client.get(points_url, params={"cursor": "", "offset": 2}, headers=bearer("coordinacion@demo.cl"))
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["offset"]


def test_a_cursor_does_not_open_another_networks_measure(client: TestClient, points_url: str) -> None:
    outsider = auth_header(make_token(make_principal("coordinator", uuid.uuid4())))
    assert client.get(points_url, params={"cursor": ""}, headers=outsider).status_code == 404
