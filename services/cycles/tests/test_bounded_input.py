"""Every stored number is bounded (422 naming the field); uploads stop at 5 MB while being read (413)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient

from cycles_service.api.uploads import MAX_UPLOAD_BYTES
from mejora_common.testing import DEMO_NETWORK_ID

NET = f"/api/v1/networks/{DEMO_NETWORK_ID}"
CONTINUOUS = {"name": "Minutos de lectura", "kind": "process", "value_type": "continuous", "direction": "up"}


def _fields(response: Any) -> set[str]:
    assert response.status_code == 422, response.text
    return {e["field"] for e in response.json()["errors"]}


def test_measure_points_aims_nodes_and_events_are_bounded(client: TestClient, bearer: Any) -> None:
    facilitator = bearer("facilitacion@demo.cl")
    measure = client.post(f"{NET}/measures", json={**CONTINUOUS, "frequency": "monthly"}, headers=facilitator).json()
    points = f"/api/v1/measures/{measure['id']}/points"
    assert _fields(client.post(points, json={"period": "2025-03-01", "value": 1.6e16}, headers=facilitator)) == {
        "value"
    }
    assert _fields(client.post(points, json={"period": "2025-03-01", "value": -1e10}, headers=facilitator)) == {"value"}
    within = client.post(points, json={"period": "2025-03-01", "value": 1e9}, headers=facilitator)
    assert within.status_code == 201 and within.headers["ETag"] == '"1"'
    imported = client.post(
        f"{points}:import",
        content="periodo;valor\n2025-04-01;12\n2025-05-01;1.6e16\n",
        headers={**facilitator, "Content-Type": "text/csv"},
    )
    assert imported.status_code == 422 and [e["field"] for e in imported.json()["errors"]] == ["línea 3: value"]

    aim = {"statement": "Mejorar", "baseline": 1e12, "target_value": float("1e300")}
    assert _fields(client.post(f"{NET}/aims", json=aim, headers=facilitator)) == {"baseline", "target_value"}

    diagram = client.post(f"{NET}/driver-diagrams", json={"title": "B", "start": "empty"}, headers=facilitator).json()
    node = {"kind": "aim", "text": "Meta", "order": 10**12}
    assert _fields(client.post(f"/api/v1/driver-diagrams/{diagram['id']}/nodes", json=node, headers=facilitator)) == {
        "order"
    }

    coordinator = bearer("coordinacion@demo.cl")
    event = {"kind": "learning_session", "title": "Sesión", "starts_at": "0001-01-01T00:00:00"}
    assert _fields(client.post(f"{NET}/events", json=event, headers=coordinator)) == {"starts_at"}


def test_an_upload_past_5_mb_is_refused_while_reading(client: TestClient, bearer: Any) -> None:
    coordinator = bearer("coordinacion@demo.cl")
    url = f"{NET}/roster:import?dry_run=true"
    big = b"rbd;establecimiento\n" + b"1;x\n" * (MAX_UPLOAD_BYTES // 4 + 1)
    declared = client.post(url, content=big, headers={**coordinator, "Content-Type": "text/csv"})
    assert declared.status_code == 413 and declared.json()["code"] == "payload_too_large"

    def chunks() -> Iterator[bytes]:
        for _ in range(12):  # 12 MB offered, under the import class's 16 MiB, over this route's 5 MB
            yield b"1;x\n" * (256 * 1024)

    streamed = client.post(url, content=chunks(), headers={**coordinator, "Content-Type": "text/csv"})
    assert streamed.status_code == 413 and "5 MB" in streamed.json()["detail"]
    files = {"file": ("nomina.csv", big, "text/csv")}
    assert client.post(url, files=files, headers=coordinator).status_code == 413
