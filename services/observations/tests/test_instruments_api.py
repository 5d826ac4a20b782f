"""Instruments as data: loaded by the migration, read by everyone, custom ones versioned once used."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from mejora_common.testing import DEMO_NETWORK_ID
from observations_service.instruments import instrument_uuid

Headers = Callable[[str], dict[str, str]]
COORDINATOR = "coordinacion@demo.cl"


def custom(code: str = "pauta-lectura", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "network_id": str(DEMO_NETWORK_ID),
        "code": code,
        "name": "Pauta de lectura compartida",
        "description": "Pauta propia de la red.",
        "scale": {"min": 1, "max": 5},
        "min_cycles": 2,
        "domains": [
            {
                "code": "LC",
                "name": "Lectura compartida",
                "order": 1,
                "dimensions": [
                    {"code": "PR", "name": "Preguntas abiertas", "order": 1},
                    {"code": "VO", "name": "Vocabulario", "order": 2},
                ],
            }
        ],
    }
    body.update(changes)
    return body


def test_shipped_instruments_are_loaded_with_fixed_ids(client: TestClient, headers: Headers) -> None:
    response = client.get("/api/v1/instruments", headers=headers("educadora@demo.cl"))
    assert response.status_code == 200
    page = response.json()
    assert {i["code"] for i in page["items"]} == {"class-prek-k3", "class-2e-prek3", "peer-visit"}
    assert all(i["builtin"] and i["latest"] and not i["in_use"] for i in page["items"])
    one = client.get(f"/api/v1/instruments/{instrument_uuid('class-prek-k3', 1)}", headers=headers("outsider"))
    assert one.status_code == 200
    body = one.json()
    assert body["scale"] == {"min": 1, "max": 7}
    assert body["min_cycles"] == 4
    assert [(d["code"], [m["code"] for m in d["dimensions"]]) for d in body["domains"]] == [
        ("ES", ["PC", "NC", "TS", "RSP"]),
        ("CO", ["BM", "PD", "ILF"]),
        ("IS", ["CD", "QF", "LM"]),
    ]
    nc = body["domains"][0]["dimensions"][1]
    assert (nc["name"], nc["reverse"]) == ("Clima negativo", True)
    second = client.get(f"/api/v1/instruments/{instrument_uuid('class-2e-prek3', 1)}", headers=headers("outsider"))
    assert [(d["code"], [m["code"] for m in d["dimensions"]]) for d in second.json()["domains"]] == [
        ("ES", ["PC", "TS", "RSP"]),
        ("CO", ["BM", "PD", "NC"]),
        ("IS", ["ILF", "CD", "QF", "LM"]),
    ]
    peer = client.get(f"/api/v1/instruments/{instrument_uuid('peer-visit', 1)}", headers=headers("outsider")).json()
    assert peer["scale"] == {"min": 1, "max": 4}
    assert client.get("/api/v1/instruments").status_code == 401
    assert client.get(f"/api/v1/instruments/{uuid.uuid4()}", headers=headers(COORDINATOR)).status_code == 404


def test_coordinators_create_custom_instruments(client: TestClient, headers: Headers) -> None:
    response = client.post("/api/v1/instruments", json=custom(), headers=headers(COORDINATOR))
    assert response.status_code == 201, response.text
    created = response.json()
    assert (created["version"], created["builtin"], created["network_id"]) == (1, False, str(DEMO_NETWORK_ID))
    assert response.headers["location"] == f"/api/v1/instruments/{created['id']}"
    # members of the network see it; other networks do not
    assert client.get(f"/api/v1/instruments/{created['id']}", headers=headers("educadora@demo.cl")).status_code == 200
    assert client.get(f"/api/v1/instruments/{created['id']}", headers=headers("outsider")).status_code == 404
    listed = client.get("/api/v1/instruments", headers=headers("outsider")).json()
    assert "pauta-lectura" not in {i["code"] for i in listed["items"]}
    # the code is unique
    again = client.post("/api/v1/instruments", json=custom(), headers=headers(COORDINATOR))
    assert again.status_code == 409
    # only coordinators
    assert (
        client.post("/api/v1/instruments", json=custom("otra"), headers=headers("acompanante@demo.cl")).status_code
        == 403
    )
    assert client.post("/api/v1/instruments", json=custom("otra"), headers=headers("outsider")).status_code == 404


def test_invalid_definitions_list_every_problem(client: TestClient, headers: Headers) -> None:
    body = custom(scale={"min": 5, "max": 1})
    body["domains"][0]["dimensions"][1]["code"] = "PR"
    response = client.post("/api/v1/instruments", json=body, headers=headers(COORDINATOR))
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == ["scale", "domains[0].dimensions[1].code"]
    typo = custom()
    typo["domains"][0]["dimensions"][0]["reverese"] = True
    response = client.post("/api/v1/instruments", json=typo, headers=headers(COORDINATOR))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "domains[0].dimensions[0].reverese"


def test_an_edit_of_a_used_instrument_creates_a_new_version(client: TestClient, headers: Headers, draft: Any) -> None:
    created = client.post("/api/v1/instruments", json=custom(), headers=headers(COORDINATOR)).json()
    edit = custom(name="Pauta de lectura compartida (revisada)")
    del edit["network_id"], edit["code"]
    url = f"/api/v1/instruments/{created['id']}"
    assert client.put(url, json=edit, headers=headers(COORDINATOR)).status_code == 428
    first_tag = client.get(url, headers=headers(COORDINATOR)).headers["etag"]
    assert first_tag == '"1"'
    in_place = client.put(url, json=edit, headers={**headers(COORDINATOR), "If-Match": first_tag})
    assert in_place.status_code == 200  # not used yet: changed in place
    assert (in_place.json()["id"], in_place.json()["version"], in_place.json()["revision"]) == (created["id"], 1, 2)
    assert in_place.headers["etag"] == '"2"'
    # the same edit again (a lost answer) is 200 whatever its If-Match; another one with the old ETag is 412
    assert client.put(url, json=edit, headers={**headers(COORDINATOR), "If-Match": first_tag}).status_code == 200
    other = {**edit, "description": "Otra descripción"}
    assert client.put(url, json=other, headers={**headers(COORDINATOR), "If-Match": first_tag}).status_code == 412

    body = draft(n_cycles=0, instrument_id=created["id"], evidence={"VO": "Usa palabras nuevas."})
    body["cycles"] = [{"number": 1, "scores": {"PR": 4, "VO": 3}}]
    assert (
        client.put(
            f"/api/v1/observations/{uuid.uuid4()}", json=body, headers=headers("acompanante@demo.cl")
        ).status_code
        == 201
    )

    edit["domains"][0]["dimensions"].append({"code": "NA", "name": "Narración", "order": 3})
    new_version = client.put(url, json=edit, headers={**headers(COORDINATOR), "If-Match": in_place.headers["etag"]})
    assert new_version.status_code == 201, new_version.text
    assert new_version.headers["etag"] == '"1"'  # a new row
    v2 = new_version.json()
    assert (v2["code"], v2["version"], v2["previous_version_id"]) == ("pauta-lectura", 2, created["id"])
    assert v2["id"] != created["id"]
    old = client.get(f"/api/v1/instruments/{created['id']}", headers=headers(COORDINATOR)).json()
    assert [m["code"] for m in old["domains"][0]["dimensions"]] == ["PR", "VO"]  # unchanged
    assert (old["in_use"], old["latest"]) == (True, False)
    stale = client.put(url, json=edit, headers={**headers(COORDINATOR), "If-Match": in_place.headers["etag"]})
    assert stale.status_code == 409
    versions = client.get(
        "/api/v1/instruments", params={"code": "pauta-lectura", "all_versions": True}, headers=headers(COORDINATOR)
    ).json()
    assert [i["version"] for i in versions["items"]] == [2, 1]
    latest_only = client.get("/api/v1/instruments", params={"code": "pauta-lectura"}, headers=headers(COORDINATOR))
    assert [i["version"] for i in latest_only.json()["items"]] == [2]


def test_shipped_instruments_are_read_only(client: TestClient, headers: Headers) -> None:
    edit = custom()
    del edit["network_id"], edit["code"]
    response = client.put(
        f"/api/v1/instruments/{instrument_uuid('class-prek-k3', 1)}", json=edit, headers=headers(COORDINATOR)
    )
    assert response.status_code == 409
    assert response.json()["code"] == "instrument_builtin"
