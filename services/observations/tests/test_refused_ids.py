"""A client-chosen observation id used elsewhere answers like any other refused id (issue 11, point 4)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

COACH = "acompanante@demo.cl"
COACH2 = "acompanante2@demo.cl"
REFUSED = {"status": 409, "code": "id_unavailable", "detail": "Este identificador no está disponible."}


def without_request_id(response: Any) -> bytes:
    body: bytes = response.content
    request_id = response.headers.get("x-request-id", "")
    return body.replace(request_id.encode(), b"") if request_id else body


def test_an_observation_id_taken_in_another_network_answers_as_one_taken_here(
    client: TestClient, headers: Any, draft: Any
) -> None:
    oid = str(uuid.uuid4())
    url = f"/api/v1/observations/{oid}"
    assert client.put(url, json=draft(), headers=headers(COACH)).status_code == 201
    # Neither the coordinator of another network nor another coach of this one can see the draft.
    assert client.get(url, headers=headers("outsider")).status_code == 404
    assert client.get(url, headers=headers(COACH2)).status_code == 404
    taken_elsewhere = client.put(url, json=draft(), headers=headers("outsider"))
    taken_here = client.put(url, json=draft(), headers=headers(COACH2))
    for response in (taken_elsewhere, taken_here):
        assert {key: response.json()[key] for key in REFUSED} == REFUSED, response.text
    assert without_request_id(taken_elsewhere) == without_request_id(taken_here)
    assert {k: v for k, v in taken_elsewhere.headers.items() if k != "x-request-id"} == {
        k: v for k, v in taken_here.headers.items() if k != "x-request-id"
    }
