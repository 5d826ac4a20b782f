"""Measures and points: validation by value type, upsert by period and school, bulk import all-or-nothing."""

import uuid
from typing import Any

from fastapi.testclient import TestClient

from mejora_common.auth import issue_service_token
from mejora_common.testing import DEMO_NETWORK_ID, TEST_KEYS, auth_header, make_principal, make_token

NET = f"/api/v1/networks/{DEMO_NETWORK_ID}"
AROMOS = "36110edf-0411-5139-acde-e69a973b3d36"
NERUDA = "0dde0b3d-df14-54b7-a601-98df18fcd9d1"

PROPORTION = {
    "name": "Porcentaje de niños con lectura compartida diaria",
    "kind": "process",
    "operational_definition": "Niños que participan / niños presentes",
    "unit": "%",
    "value_type": "proportion",
    "direction": "up",
    "frequency": "monthly",
}


def make_measure(client: TestClient, headers: dict[str, str], **extra: Any) -> dict[str, Any]:
    response = client.post(f"{NET}/measures", json={**PROPORTION, **extra}, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_measure_crud_and_validation(client: TestClient, bearer: Any) -> None:
    facilitator = bearer("facilitacion@demo.cl")
    measure = make_measure(client, facilitator)
    assert measure["point_count"] == 0
    bad = client.post(f"{NET}/measures", json={**PROPORTION, "kind": "otro", "frequency": "daily"}, headers=facilitator)
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {"kind", "frequency"}
    url = f"/api/v1/measures/{measure['id']}"
    etag = client.get(url, headers=facilitator).headers["ETag"]
    patched = client.patch(url, json={"direction": "down"}, headers={**facilitator, "If-Match": etag})
    assert patched.json()["direction"] == "down" and patched.json()["version"] == measure["version"] + 1
    assert client.post(f"{NET}/measures", json=PROPORTION, headers=bearer("educadora@demo.cl")).status_code == 403
    listed = client.get(f"{NET}/measures?kind=process", headers=bearer("educadora@demo.cl")).json()
    assert measure["id"] in {m["id"] for m in listed["items"]}


def test_points_validate_and_repeated_period_replaces_with_if_match(client: TestClient, bearer: Any) -> None:
    headers = bearer("coordinacion@demo.cl")
    measure = make_measure(client, headers)
    url = f"/api/v1/measures/{measure['id']}/points"
    missing = client.post(url, json={"period": "2024-03-01", "value": 0.5}, headers=headers)
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["errors"]} == {"numerator", "denominator"}
    too_big = client.post(url, json={"period": "2024-03-01", "numerator": 30, "denominator": 20}, headers=headers)
    assert too_big.status_code == 422
    first = client.post(
        url, json={"period": "2024-03-01", "numerator": 10, "denominator": 20, "school_id": AROMOS}, headers=headers
    )
    assert first.status_code == 201 and first.json()["value"] == 0.5
    replacement = {"period": "2024-03-15", "numerator": 15, "denominator": 20, "school_id": AROMOS, "note": "corregido"}
    refused = client.post(url, json=replacement, headers=headers)
    assert refused.status_code == 409 and refused.json()["code"] == "point_exists"
    assert refused.json()["current"]["value"] == 0.5
    again = client.post(url, json=replacement, headers={**headers, "If-Match": refused.headers["ETag"]})
    assert again.status_code == 200 and again.json()["period"] == "2024-03-01"
    other_school = client.post(
        url, json={"period": "2024-03-01", "numerator": 5, "denominator": 20, "school_id": NERUDA}, headers=headers
    )
    assert other_school.status_code == 201
    network = client.post(url, json={"period": "2024-03-01", "numerator": 40, "denominator": 100}, headers=headers)
    assert network.status_code == 201
    page = client.get(url, headers=headers).json()
    assert page["total"] == 3
    assert [p["value"] for p in client.get(f"{url}?school_id={AROMOS}", headers=headers).json()["items"]] == [0.75]
    assert client.get(f"{url}?network_only=true", headers=headers).json()["total"] == 1
    assert set(page["items"][0]) >= {"period", "value", "numerator", "denominator", "school_id", "note"}


def test_count_points_must_be_whole(client: TestClient, bearer: Any) -> None:
    headers = bearer("coordinacion@demo.cl")
    measure = make_measure(client, headers, value_type="count", unit="visitas")
    url = f"/api/v1/measures/{measure['id']}/points"
    assert client.post(url, json={"period": "2024-03-01", "value": 2.5}, headers=headers).status_code == 422
    assert client.post(url, json={"period": "2024-03-01", "value": 3}, headers=headers).status_code == 201


def test_leader_records_only_for_her_school(client: TestClient, bearer: Any) -> None:
    coordinator = bearer("coordinacion@demo.cl")
    measure = make_measure(client, coordinator)
    url = f"/api/v1/measures/{measure['id']}/points"
    leader = bearer("direccion@demo.cl")
    point = {"period": "2024-04-01", "numerator": 1, "denominator": 2}
    assert client.post(url, json={**point, "school_id": AROMOS}, headers=leader).status_code == 201
    assert client.post(url, json={**point, "school_id": NERUDA}, headers=leader).status_code == 403
    assert client.post(url, json=point, headers=bearer("educadora@demo.cl")).status_code == 403


def test_bulk_import_json_and_csv_all_or_nothing(client: TestClient, bearer: Any) -> None:
    headers = bearer("coordinacion@demo.cl")
    measure = make_measure(client, headers)
    url = f"/api/v1/measures/{measure['id']}/points:import"
    points = [{"period": f"2023-{m:02d}-01", "numerator": m, "denominator": 20} for m in range(1, 13)]
    done = client.post(url, json=points, headers=headers)
    assert done.status_code == 200, done.text
    assert done.json() == {"created": 12, "replaced": 0, "total": 12}
    bad = [
        *points[:2],
        {"period": "no-es-fecha", "numerator": 1, "denominator": 2},
        {"period": "2024-01-01", "numerator": 3},
    ]
    rejected = client.post(url, json=bad, headers=headers)
    assert rejected.status_code == 422
    assert {e["field"] for e in rejected.json()["errors"]} == {"[2].period", "[3].denominator"}
    csv_text = "periodo;numerador;denominador;rbd;nota\n2023-01-01;19;20;;reemplaza\n2024-01-01;5;20;9102;\n"
    imported = client.post(url, content=csv_text.encode(), headers={**headers, "Content-Type": "text/csv"})
    assert imported.status_code == 200, imported.text
    assert imported.json() == {"created": 1, "replaced": 1, "total": 13}
    bad_csv = "periodo;numerador;denominador;rbd\n2024-02-01;5;20;1\n2024-02-01;5;0;\n"
    rejected = client.post(url, content=bad_csv.encode(), headers={**headers, "Content-Type": "text/csv"})
    assert rejected.status_code == 422
    assert {e["field"] for e in rejected.json()["errors"]} == {"línea 2: rbd", "línea 3: denominator"}
    assert client.get(f"/api/v1/measures/{measure['id']}/points", headers=headers).json()["total"] == 13
    duplicated = [points[0], {**points[0], "period": "2023-01-20"}]
    rejected = client.post(url, json=duplicated, headers=headers)
    assert rejected.status_code == 422 and rejected.json()["errors"][0]["field"] == "[1].period"


def test_measures_authorisation_across_networks(client: TestClient, bearer: Any) -> None:
    measure = make_measure(client, bearer("coordinacion@demo.cl"))
    outsider = auth_header(make_token(make_principal("coordinator", uuid.uuid4())))
    assert client.get(f"/api/v1/measures/{measure['id']}", headers=outsider).status_code == 404
    assert client.get(f"/api/v1/measures/{measure['id']}/points", headers=outsider).status_code == 404
    assert client.get(f"{NET}/measures", headers=outsider).status_code == 404
    service = auth_header(issue_service_token("reports", TEST_KEYS.signer("reports"), audience="cycles"))
    assert client.get(f"/api/v1/measures/{measure['id']}", headers=service).status_code == 200
