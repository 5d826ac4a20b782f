"""GET /reliability over double-coded pairs: statistics computed by hand, flagged observers, who may see it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from mejora_common.testing import DEMO_NETWORK_ID

Headers = Callable[[str], dict[str, str]]
COACH = "acompanante@demo.cl"
COACH2 = "acompanante2@demo.cl"
FACILITATOR = "facilitacion@demo.cl"


def record(client: TestClient, headers: Headers, who: str, body: dict[str, Any]) -> str:
    oid = str(uuid.uuid4())
    response = client.put(f"/api/v1/observations/{oid}", json=body, headers=headers(who))
    assert response.status_code == 201, response.text
    tag = {"If-Match": response.headers["etag"]}
    assert client.post(f"/api/v1/observations/{oid}/submit", headers={**headers(who), **tag}).status_code == 200
    return oid


def with_pc(body: dict[str, Any], values: list[int]) -> dict[str, Any]:
    for cycle, value in zip(body["cycles"], values, strict=True):
        cycle["scores"]["PC"] = value
    return body


def test_reliability_by_hand(client: TestClient, headers: Headers, draft: Any, person: Any) -> None:
    # Pair A (educadora, COACH then COACH2): PC first 5 6 4 3, second 5 5 4 5; the other 9 dimensions agree.
    # PC pairs (5,5) (6,5) (4,4) (3,5): exact 2/4 = 50 %, within one 3/4 = 75 %.
    # Quadratic kappa, K = 7, w = 1 - d²/36: p_o = (36 + 35 + 36 + 32)/144 = 139/144;
    #   marginals first {3,4,5,6: 1/4}, second {4: 1/4, 5: 3/4} → p_e = 138/144 → κ = (1/144)/(6/144) = 1/6.
    # ICC(2,1): grand mean 4.625, SST 5.875, SSR 3.375, SSC 0.125, SSE 2.375; MSR 1.125, MSC 0.125,
    #   MSE 2.375/3 → ICC = (1.125 - 0.7917)/(1.125 + 0.7917 + 2(0.125 - 0.7917)/4) = 4/19 = 0.2105.
    # The other dimensions: 4 identical constant pairs → 100 %, κ and ICC undefined (null).
    first = record(client, headers, COACH, with_pc(draft(), [5, 6, 4, 3]))
    record(client, headers, COACH2, with_pc(draft(double_codes_id=first), [5, 5, 4, 5]))
    # Pair B (educadora05, COACH2 then the facilitator), every score 2 points apart: within one 0/40.
    b_first = draft(teacher="educadora05@demo.cl")
    b_second = draft(teacher="educadora05@demo.cl")
    for cycle in b_second["cycles"]:
        cycle["scores"] = {code: value + 2 for code, value in cycle["scores"].items()}
    b_id = record(client, headers, COACH2, b_first)
    b_second["double_codes_id"] = b_id
    record(client, headers, FACILITATOR, b_second)
    # a double coding still in draft does not count
    client.put(
        f"/api/v1/observations/{uuid.uuid4()}",
        json=draft(double_codes_id=first),
        headers=headers(FACILITATOR),
    )

    params = {"network_id": str(DEMO_NETWORK_ID), "observer_id": person(COACH)["id"]}
    response = client.get("/api/v1/reliability", params=params, headers=headers("coordinacion@demo.cl"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["observation_pairs"] == 1
    [instrument] = body["instruments"]
    assert instrument["instrument_code"] == "class-prek-k3"
    dims = {d["code"]: d for d in instrument["dimensions"]}
    assert {k: dims["PC"][k] for k in ("n_pairs", "exact_pct", "within_one_pct", "weighted_kappa", "icc")} == {
        "n_pairs": 4,
        "exact_pct": 50.0,
        "within_one_pct": 75.0,
        "weighted_kappa": 0.167,
        "icc": 0.211,
    }
    assert (dims["QF"]["exact_pct"], dims["QF"]["weighted_kappa"], dims["QF"]["icc"]) == (100.0, None, None)
    assert instrument["overall"]["n_pairs"] == 40
    assert instrument["overall"]["within_one_pct"] == 97.5  # 39 of 40
    assert [o["observer_id"] for o in body["observers"]] == [person(COACH)["id"]]
    assert body["observers"][0]["flagged"] is False

    everyone = client.get(
        "/api/v1/reliability", params={"network_id": str(DEMO_NETWORK_ID)}, headers=headers(FACILITATOR)
    ).json()
    assert everyone["observation_pairs"] == 2
    observers = {o["observer_id"]: o for o in everyone["observers"]}
    assert observers[person(COACH)["id"]]["within_one_pct"] == 97.5
    assert observers[person(COACH2)["id"]]["within_one_pct"] == 48.75  # (39 + 0) / 80
    assert observers[person(FACILITATOR)["id"]]["within_one_pct"] == 0.0
    assert {p: o["flagged"] for p, o in observers.items()} == {
        person(COACH)["id"]: False,
        person(COACH2)["id"]: True,
        person(FACILITATOR)["id"]: True,
    }

    # a coach sees their own pairs only
    own = client.get("/api/v1/reliability", params={"network_id": str(DEMO_NETWORK_ID)}, headers=headers(COACH2))
    assert own.status_code == 200
    assert own.json()["observer_id"] == person(COACH2)["id"]
    assert own.json()["observation_pairs"] == 2
    assert client.get("/api/v1/reliability", params=params, headers=headers(COACH2)).status_code == 403
    for who, status in (("educadora@demo.cl", 403), ("direccion@demo.cl", 403), ("outsider", 404)):
        answer = client.get("/api/v1/reliability", params={"network_id": str(DEMO_NETWORK_ID)}, headers=headers(who))
        assert answer.status_code == status, who


def test_no_pairs_gives_empty_tables(client: TestClient, headers: Headers) -> None:
    response = client.get(
        "/api/v1/reliability", params={"network_id": str(DEMO_NETWORK_ID)}, headers=headers("coordinacion@demo.cl")
    )
    assert response.status_code == 200
    assert response.json()["instruments"] == []
    assert response.json()["observers"] == []
