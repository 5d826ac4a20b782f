"""GET /observations/{id}/scores: hand-computed values, NC reversal, a 1-4 scale, rounding only at the edge."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from mejora_common.testing import DEMO_NETWORK_ID
from observations_service.instruments import instrument_uuid

Headers = Callable[[str], dict[str, str]]
COACH = "acompanante@demo.cl"


def with_columns(draft: Any, columns: dict[str, list[int]], **changes: Any) -> dict[str, Any]:
    n = len(next(iter(columns.values())))
    body: dict[str, Any] = draft(n_cycles=n, **changes)
    for i, cycle in enumerate(body["cycles"]):
        cycle["scores"] = {code: values[i] for code, values in columns.items()}
    return body


def test_class_scores_by_hand(client: TestClient, headers: Headers, draft: Any) -> None:
    # Hand computation (1-7 scale):
    #   PC  6 7 6 5 → 6.00 high          NC 1 2 2 3 → 2.00, adjusted 1+7-2 = 6.00, band(raw) low
    #   TS  5 5 6 6 → 5.50 high          RSP 4 4 5 4 → 4.25 mid
    #   ES = (6 + 6 + 5.5 + 4.25)/4 = 5.4375 → shown 5.44, band mid (5.4375 < 5.5)
    #   BM 5 5 5 6 → 5.25 mid   PD 6 6 5 5 → 5.50 high   ILF 4 3 4 4 → 3.75 mid
    #   CO = (5.25 + 5.5 + 3.75)/3 = 4.8333… → 4.83 mid
    #   CD 2 1 2 2 → 1.75 low   QF 2 2 3 2 → 2.25 low    LM 3 2 2 2 → 2.25 low
    #   IS = (1.75 + 2.25 + 2.25)/3 = 2.0833… → 2.08 low
    columns = {
        "PC": [6, 7, 6, 5],
        "NC": [1, 2, 2, 3],
        "TS": [5, 5, 6, 6],
        "RSP": [4, 4, 5, 4],
        "BM": [5, 5, 5, 6],
        "PD": [6, 6, 5, 5],
        "ILF": [4, 3, 4, 4],
        "CD": [2, 1, 2, 2],
        "QF": [2, 2, 3, 2],
        "LM": [3, 2, 2, 2],
    }
    oid = str(uuid.uuid4())
    client.put(f"/api/v1/observations/{oid}", json=with_columns(draft, columns), headers=headers(COACH))
    response = client.get(f"/api/v1/observations/{oid}/scores", headers=headers(COACH))
    assert response.status_code == 200, response.text
    scores = response.json()
    dims = {d["code"]: (d["domain"], d["mean"], d["adjusted"], d["band"]) for d in scores["dimensions"]}
    assert dims == {
        "PC": ("ES", 6.0, 6.0, "high"),
        "NC": ("ES", 2.0, 6.0, "low"),
        "TS": ("ES", 5.5, 5.5, "high"),
        "RSP": ("ES", 4.25, 4.25, "mid"),
        "BM": ("CO", 5.25, 5.25, "mid"),
        "PD": ("CO", 5.5, 5.5, "high"),
        "ILF": ("CO", 3.75, 3.75, "mid"),
        "CD": ("IS", 1.75, 1.75, "low"),
        "QF": ("IS", 2.25, 2.25, "low"),
        "LM": ("IS", 2.25, 2.25, "low"),
    }
    assert [(d["code"], d["mean"], d["band"]) for d in scores["domains"]] == [
        ("ES", 5.44, "mid"),
        ("CO", 4.83, "mid"),
        ("IS", 2.08, "low"),
    ]
    assert (scores["complete"], scores["rounded"], scores["n_cycles"]) == (True, True, 4)
    exact = client.get(f"/api/v1/observations/{oid}/scores", params={"rounded": False}, headers=headers(COACH)).json()
    assert [d["mean"] for d in exact["domains"]] == [5.4375, 29 / 6, 6.25 / 3]


def test_rounding_is_half_up_at_the_edge(client: TestClient, headers: Headers, draft: Any) -> None:
    # ES on class-2e-prek3 has PC, TS, RSP: PC 5 5 5 5, TS 4 4 4 5 → 4.25, RSP 3 3 3 4 → 3.25
    # ES = (5 + 4.25 + 3.25)/3 = 4.1666… → 4.17.  CO = BM 4, PD 4, NC 1 1 1 2 → 1.25 adj 6.75:
    # (4 + 4 + 6.75)/3 = 4.9166… → 4.92.  IS: ILF 4 4 4 5 → 4.25, CD 2, QF 2, LM 2 → 10.25/4 = 2.5625 → 2.56 mid.
    columns = {
        "PC": [5, 5, 5, 5],
        "TS": [4, 4, 4, 5],
        "RSP": [3, 3, 3, 4],
        "BM": [4, 4, 4, 4],
        "PD": [4, 4, 4, 4],
        "NC": [1, 1, 1, 2],
        "ILF": [4, 4, 4, 5],
        "CD": [2, 2, 2, 2],
        "QF": [2, 2, 2, 2],
        "LM": [2, 2, 2, 2],
    }
    body = with_columns(draft, columns, instrument_id=str(instrument_uuid("class-2e-prek3", 1)))
    oid = str(uuid.uuid4())
    assert client.put(f"/api/v1/observations/{oid}", json=body, headers=headers(COACH)).status_code == 201
    scores = client.get(f"/api/v1/observations/{oid}/scores", headers=headers(COACH)).json()
    assert [(d["code"], d["mean"], d["band"]) for d in scores["domains"]] == [
        ("ES", 4.17, "mid"),
        ("CO", 4.92, "mid"),
        ("IS", 2.56, "mid"),
    ]
    nc = next(d for d in scores["dimensions"] if d["code"] == "NC")
    assert (nc["mean"], nc["adjusted"], nc["band"], nc["reverse"]) == (1.25, 6.75, "low", True)


def test_a_one_to_four_scale(client: TestClient, headers: Headers, draft: Any) -> None:
    # peer-visit, 1-4: thresholds 1 + 1.5·3/6 = 1.75 and 1 + 4.5·3/6 = 3.25.
    # IP 3, AM 2, CC 1 → CN = 2.0 mid; PO 4, AC 3 → MD = 3.5 high; bands IP mid, AM mid, CC low, PO high, AC mid.
    body = draft(n_cycles=1, instrument_id=str(instrument_uuid("peer-visit", 1)))
    body["cycles"][0]["scores"] = {"IP": 3, "AM": 2, "CC": 1, "PO": 4, "AC": 3}
    body["evidence"] = {"IP": "Los niños se reparten los materiales."}
    oid = str(uuid.uuid4())
    assert client.put(f"/api/v1/observations/{oid}", json=body, headers=headers(COACH)).status_code == 201
    scores = client.get(f"/api/v1/observations/{oid}/scores", headers=headers(COACH)).json()
    assert scores["scale"] == {"min": 1, "max": 4}
    assert [(d["code"], d["band"]) for d in scores["dimensions"]] == [
        ("IP", "mid"),
        ("AM", "mid"),
        ("CC", "low"),
        ("PO", "high"),
        ("AC", "mid"),
    ]
    assert [(d["code"], d["mean"], d["band"]) for d in scores["domains"]] == [("CN", 2.0, "mid"), ("MD", 3.5, "high")]
    # a 5 is off this scale, even in a draft
    body["cycles"][0]["scores"]["IP"] = 5
    refused = client.put(f"/api/v1/observations/{oid}", json=body, headers=headers(COACH))
    assert refused.status_code == 422
    assert "fuera de la escala 1–4" in refused.json()["errors"][0]["message"]


def test_a_draft_is_scored_over_the_cycles_that_scored_each_dimension(
    client: TestClient, headers: Headers, draft: Any
) -> None:
    body = draft(n_cycles=2)
    body["cycles"][1]["scores"]["PC"] = None  # PC only in cycle 1 (5)
    body["cycles"][0]["scores"]["QF"] = 4  # QF 4 and 2 → 3
    oid = str(uuid.uuid4())
    client.put(f"/api/v1/observations/{oid}", json=body, headers=headers(COACH))
    scores = client.get(f"/api/v1/observations/{oid}/scores", headers=headers(COACH)).json()
    assert scores["complete"] is False
    dims = {d["code"]: (d["mean"], d["n_cycles"]) for d in scores["dimensions"]}
    assert dims["PC"] == (5.0, 1)
    assert dims["QF"] == (3.0, 2)
    # a dimension with no score at all cannot be scored yet
    empty = draft(n_cycles=1)
    del empty["cycles"][0]["scores"]["LM"]
    oid2 = str(uuid.uuid4())
    client.put(f"/api/v1/observations/{oid2}", json=empty, headers=headers(COACH))
    response = client.get(f"/api/v1/observations/{oid2}/scores", headers=headers(COACH))
    assert response.status_code == 422
    assert response.json()["code"] == "not_scorable"


def test_scores_for_aggregation_are_exact_and_exclude_drafts_and_double_coding(
    client: TestClient, headers: Headers, draft: Any
) -> None:
    first = str(uuid.uuid4())
    tag = {
        "If-Match": client.put(f"/api/v1/observations/{first}", json=draft(), headers=headers(COACH)).headers["etag"]
    }
    assert client.post(f"/api/v1/observations/{first}/submit", headers={**headers(COACH), **tag}).status_code == 200
    second = str(uuid.uuid4())
    coach2 = headers("acompanante2@demo.cl")
    tag = {
        "If-Match": client.put(
            f"/api/v1/observations/{second}", json=draft(double_codes_id=first), headers=coach2
        ).headers["etag"]
    }
    assert client.post(f"/api/v1/observations/{second}/submit", headers={**coach2, **tag}).status_code == 200
    client.put(f"/api/v1/observations/{uuid.uuid4()}", json=draft(n_cycles=1), headers=headers(COACH))
    params = {"network_id": str(DEMO_NETWORK_ID), "wave": "2024-1"}
    response = client.get("/api/v1/observations:scores", params=params, headers=headers("service"))
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == 1
    row = page["items"][0]
    assert row["observation_id"] == first
    assert {d["code"]: d["adjusted"] for d in row["dimensions"]}["NC"] == 6.0
    with_double = client.get(
        "/api/v1/observations:scores", params={**params, "include_double_coding": True}, headers=headers("service")
    )
    assert with_double.json()["total"] == 2
    assert (
        client.get("/api/v1/observations:scores", params=params, headers=headers("coordinacion@demo.cl")).status_code
        == 200
    )
    for who in ("facilitacion@demo.cl", COACH, "educadora@demo.cl"):
        assert client.get("/api/v1/observations:scores", params=params, headers=headers(who)).status_code == 403, who
    assert client.get("/api/v1/observations:scores", params=params, headers=headers("outsider")).status_code == 404
    # the service token reads individual observations of any network too
    listed = client.get("/api/v1/observations", params={**params, "status": "submitted"}, headers=headers("service"))
    assert listed.json()["total"] == 2
