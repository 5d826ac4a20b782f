"""The gateway's table per route class, its load shedding and the deadline it gives each request."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateway import limits
from gateway.limits import CLASS_OWNERS, GATEWAY_ROUTE_CLASSES
from mejora_common.deadlines import DEADLINE_HEADER
from mejora_common.overload import ROUTE_CLASSES, classify
from mejora_common.testing import ServerThread, auth_header, make_token

ROOT = Path(__file__).resolve().parents[3]
METHODS = {"get", "post", "put", "patch", "delete"}


def test_class_owners_match_the_services_openapi() -> None:
    owners: dict[str, set[str]] = {}
    for service in ("cycles", "observations", "reports"):
        document = json.loads((ROOT / "services" / service / "openapi.json").read_text())
        for path, operations in document["paths"].items():
            for method in set(operations) & METHODS:
                name = classify(method.upper(), path)
                if name is not None:
                    owners.setdefault(name, set()).add(service)
    assert {name: set(services) for name, services in CLASS_OWNERS.items()} == owners


def test_the_documented_table_is_the_one_in_force() -> None:
    assert limits.__doc__
    rows = {}
    for line in limits.__doc__.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if cells[0] in GATEWAY_ROUTE_CLASSES:
            rows[cells[0]] = cells
    assert set(rows) == set(GATEWAY_ROUTE_CLASSES)
    for name, cells in rows.items():
        gateway, service = GATEWAY_ROUTE_CLASSES[name], ROUTE_CLASSES[name]
        assert cells[1] == ", ".join(CLASS_OWNERS[name])
        assert int(cells[2]) == service.concurrent
        assert int(cells[3]) == gateway.concurrent == service.concurrent * len(CLASS_OWNERS[name])
        assert cells[4] == f"{gateway.queue_seconds:g} s"
        assert cells[6] == f"{gateway.deadline_seconds:g} s"
        assert (gateway.max_body_bytes, gateway.deadline_seconds) == (service.max_body_bytes, service.deadline_seconds)


def blocking_upstream(entered: threading.Event, release: threading.Event, seen: dict[str, Any]) -> Starlette:
    async def report(request: Request) -> JSONResponse:
        seen.setdefault("deadlines", []).append(request.headers.get(DEADLINE_HEADER))
        entered.set()
        await asyncio.to_thread(release.wait, 10)
        return JSONResponse({"ok": True})

    async def networks(request: Request) -> JSONResponse:
        seen.setdefault("read_deadlines", []).append(request.headers.get(DEADLINE_HEADER))
        return JSONResponse([])

    return Starlette(
        routes=[
            Route("/api/v1/reports/networks/{network_id}/results", report),
            Route("/api/v1/networks", networks),
        ]
    )


def test_past_its_limit_a_class_is_shed_with_503_and_the_others_still_pass(
    start_gateway: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    expensive = replace(GATEWAY_ROUTE_CLASSES["expensive"], concurrent=1, queue_seconds=0.05)
    monkeypatch.setitem(GATEWAY_ROUTE_CLASSES, "expensive", expensive)
    entered, release, seen = threading.Event(), threading.Event(), {}
    headers = auth_header(make_token())
    with ServerThread(blocking_upstream(entered, release, seen)) as upstream:
        client = start_gateway(cycles=upstream.url, reports=upstream.url)
        with ThreadPoolExecutor(1) as pool:
            first = pool.submit(client.get, "/api/v1/reports/networks/n1/results", headers=headers)
            try:
                assert entered.wait(10), "the first report never reached the service"
                shed = client.get("/api/v1/reports/networks/n1/results", headers=headers)
                read = client.get("/api/v1/networks", headers=headers)
            finally:
                release.set()
            assert first.result().status_code == 200
    assert shed.status_code == 503
    assert shed.headers["content-type"] == "application/problem+json"
    assert shed.headers["retry-after"].isdigit()
    assert shed.json()["code"] == "overloaded"
    assert shed.json()["service"] == "gateway"
    assert shed.json()["route_class"] == "expensive"
    assert read.status_code == 200
    assert len(seen["deadlines"]) == 1  # the shed request never reached the service


def test_health_and_the_frontend_are_never_shed(start_gateway: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, route_class in GATEWAY_ROUTE_CLASSES.items():
        monkeypatch.setitem(GATEWAY_ROUTE_CLASSES, name, replace(route_class, concurrent=0, queue_seconds=0))
    client = start_gateway()
    assert client.get("/api/v1/networks", headers=auth_header(make_token())).status_code == 503
    assert client.get("/api/v1/networks", headers=auth_header(make_token())).json()["code"] == "overloaded"
    assert client.get("/api/v1/health").json()["code"] == "services_not_ready"
    assert "make run" in client.get("/redes").text


def test_the_gateway_sets_the_deadline_whatever_the_client_sent(start_gateway: Any) -> None:
    seen: dict[str, Any] = {}
    with ServerThread(blocking_upstream(threading.Event(), threading.Event(), seen)) as upstream:
        client = start_gateway(cycles=upstream.url)
        headers = auth_header(make_token())
        for sent in (None, "1", "99999999", "tomorrow"):
            extra = {} if sent is None else {DEADLINE_HEADER: sent}
            assert client.get("/api/v1/networks", headers=headers | extra).status_code == 200
    budget_ms = ROUTE_CLASSES["read"].deadline_seconds * 1000
    assert len(seen["read_deadlines"]) == 4
    for value in seen["read_deadlines"]:
        # The read class's budget, less the few milliseconds spent in the gateway.
        assert budget_ms - 5000 < int(value) <= budget_ms


def test_the_upstream_wait_follows_the_deadline(start_gateway: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ROUTE_CLASSES, "expensive", replace(ROUTE_CLASSES["expensive"], deadline_seconds=0.3))
    entered, release, seen = threading.Event(), threading.Event(), {}
    with ServerThread(blocking_upstream(entered, release, seen)) as upstream:
        client: httpx.Client = start_gateway(reports=upstream.url, read_timeout=30.0)
        try:
            late = client.get("/api/v1/reports/networks/n1/results", headers=auth_header(make_token()))
        finally:
            release.set()
    assert late.status_code == 504
    assert late.json()["code"] == "service_timeout"
    assert late.json()["service"] == "reports"
    assert 0 < int(seen["deadlines"][0]) <= 300
