"""Bounded input: every stored number and date is bounded at the API (422, never a 500), and the import body is
refused with 413 while it is read, before the whole file is held."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import anyio
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import Message

from mejora_common.overload import MIB, ROUTE_CLASSES
from mejora_common.testing import DEMO_NETWORK_ID
from observations_service.domain.transfer import COLUMNS

from .test_instruments_api import custom
from .test_transfer_api import post_import

Headers = Callable[[str], dict[str, str]]
COORDINATOR = "coordinacion@demo.cl"
COACH = "acompanante@demo.cl"


def test_instrument_scales_are_bounded(client: TestClient, headers: Headers) -> None:
    for scale in ({"min": 1, "max": 10**20}, {"min": -(10**20), "max": 5}, {"min": 1, "max": 101}):
        response = client.post("/api/v1/instruments", json=custom(scale=scale), headers=headers(COORDINATOR))
        assert response.status_code == 422, scale
        assert response.json()["errors"][0]["field"].startswith("scale.")


def test_observation_numbers_and_dates_are_bounded(client: TestClient, headers: Headers, draft: Any) -> None:
    url = f"/api/v1/observations/{uuid.uuid4()}"
    cases: list[tuple[dict[str, Any], str]] = [
        (draft(observed_on="9999-12-31"), "observed_on"),
        (draft(observed_on="1900-01-01"), "observed_on"),
    ]
    body = draft(n_cycles=1)
    body["cycles"][0]["duration_minutes"] = 10**18
    cases.append((body, "cycles[0].duration_minutes"))
    body = draft(n_cycles=1)
    body["cycles"][0]["number"] = 10**18
    cases.append((body, "cycles[0].number"))
    body = draft(n_cycles=1)
    body["cycles"][0]["scores"]["PC"] = 10**30
    cases.append((body, "cycles[0].scores.PC"))
    for body, field in cases:
        response = client.put(url, json=body, headers=headers(COACH))
        assert response.status_code == 422, (field, response.text)
        assert field in {e["field"] for e in response.json()["errors"]}
    assert client.get(url, headers=headers(COACH)).status_code == 404


def test_import_cells_are_bounded(client: TestClient, headers: Headers) -> None:
    row = dict.fromkeys(COLUMNS, "")
    row.update(observation_id=str(uuid.uuid4()), instrument_version=str(10**20), observed_on="0001-01-01")
    response = post_import(client, headers, ",".join(row) + "\n" + ",".join(row.values()) + "\n", dry_run=True)
    assert response.status_code == 422
    messages = {e["field"]: e["message"] for e in response.json()["errors"] if e["row"] == 1}
    assert "entre" in messages["instrument_version"]
    assert "entre 2000-01-01 y 2100-12-31" in messages["observed_on"]


def test_an_import_past_its_limit_is_refused_while_reading(
    app_factory: Callable[..., FastAPI], headers: Headers
) -> None:
    app = app_factory()
    limit = ROUTE_CLASSES["import"].max_body_bytes
    chunks_offered = limit // MIB + 8
    read: list[int] = []
    sent: list[Message] = []

    async def receive() -> Message:
        read.append(1)
        return {"type": "http.request", "body": b"x" * MIB, "more_body": len(read) < chunks_offered}

    async def send(message: Message) -> None:
        sent.append(message)

    auth = headers(COORDINATOR)["Authorization"].encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/observations:import",
        "raw_path": b"/api/v1/observations:import",
        "query_string": f"network_id={DEMO_NETWORK_ID}".encode(),
        "headers": [(b"authorization", auth), (b"content-type", b"text/csv"), (b"host", b"test")],
        "client": ("127.0.0.1", 1),
        "server": ("test", 80),
    }
    anyio.run(app, scope, receive, send)
    app.state.engine.dispose()
    assert sent[0]["type"] == "http.response.start"
    assert sent[0]["status"] == 413
    # Refused as it passed the limit, not at the end: the limit's chunks, the one that passes it, and at most one
    # more that the disconnect watch (mejora_common.disconnect) reads ahead.
    assert len(read) <= limit // MIB + 2 < chunks_offered
