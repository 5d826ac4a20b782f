"""GET /observations:aggregate (issue 12, point 1): the compact list and the SQL group sums equal a plain Python
reference computed from the raw codes, on random data, on both engines; who may read it."""

from __future__ import annotations

import math
import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mejora_common.testing import DEMO_NETWORK_ID
from observations_service.domain.completeness import CycleScores
from observations_service.domain.instrument import load_instrument
from observations_service.domain.scoring import ObservationScore, score_observation
from observations_service.instruments import instrument_uuid, shipped_documents

Headers = Callable[[str], dict[str, str]]
COACH = "acompanante@demo.cl"
URL = "/api/v1/observations:aggregate"
SPECS = {s.code: s for s in (load_instrument(d) for d in shipped_documents())}


def create(client: TestClient, headers: Headers, draft: Any, rng: random.Random, *, teacher: str, wave: str) -> Any:
    spec = SPECS[rng.choice(["class-prek-k3", "class-prek-k3", "class-2e-prek3"])]
    oid = str(uuid.uuid4())
    body = draft(
        n_cycles=spec.min_cycles + rng.randint(0, 1),
        teacher=teacher,
        instrument_id=str(instrument_uuid(spec.code, spec.version)),
        observed_on=f"2024-05-{rng.randint(10, 13)}",
        wave=wave,
    )
    for cycle in body["cycles"]:
        cycle["scores"] = {d.code: rng.randint(spec.scale_min, spec.scale_max) for d in spec.dimensions}
    body["evidence"] = {spec.dimensions[0].code: "Evidencia observada en el aula."}
    assert client.put(f"/api/v1/observations/{oid}", json=body, headers=headers(COACH)).status_code == 201
    tag = client.get(f"/api/v1/observations/{oid}", headers=headers(COACH)).headers["etag"]
    response = client.post(f"/api/v1/observations/{oid}/submit", headers={**headers(COACH), "If-Match": tag})
    assert response.status_code == 200, response.text
    score = score_observation(spec, [CycleScores(number=c["number"], scores=c["scores"]) for c in body["cycles"]])
    return {"id": oid, "version": response.json()["revision"], "body": body, "spec": spec, "score": score}


def reference_groups(made: list[dict[str, Any]]) -> dict[tuple[Any, ...], list[float]]:
    """Plain Python: latest observation per (teacher, level, instrument), then sums per school/level/item."""
    latest: dict[tuple[str, str, str], dict[str, Any]] = {}
    for m in made:
        key = (m["body"]["teacher_id"], m["body"]["level"], m["spec"].code)
        order = (m["body"]["observed_on"], uuid.UUID(m["id"]).hex)
        if key not in latest or order > (latest[key]["body"]["observed_on"], uuid.UUID(latest[key]["id"]).hex):
            latest[key] = m
    sums: dict[tuple[Any, ...], list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0.0, 0.0, 0, 0, 0])
    for m in latest.values():
        score: ObservationScore = m["score"]
        items = [("dimension", d.code, d.mean, d.adjusted, d.band) for d in score.dimensions]
        items += [("domain", d.code, d.mean, d.mean, d.band) for d in score.domains]
        for kind, code, mean, adjusted, band in items:
            s = sums[(m["body"]["school_id"], m["body"]["level"], m["spec"].code, kind, code)]
            s[0] += 1
            s[1] += mean
            s[2] += mean * mean
            s[3] += adjusted
            s[4] += adjusted * adjusted
            s[5 + ["low", "mid", "high"].index(band)] += 1
    return dict(sums)


def test_aggregates_from_sql_equal_the_python_reference_on_random_data(
    client: TestClient, headers: Headers, draft: Any, demo_directory: dict[str, Any]
) -> None:
    rng = random.Random(20261201)
    teachers = [p["email"] for p in demo_directory["people"] if p["role"] == "teacher" and p.get("email")]
    made = [create(client, headers, draft, rng, teacher=rng.choice(teachers), wave="2024-1") for _ in range(24)]
    other_wave = create(client, headers, draft, rng, teacher=teachers[0], wave="2024-2")
    unsent = str(uuid.uuid4())
    client.put(f"/api/v1/observations/{unsent}", json=draft(wave="2024-1"), headers=headers(COACH))

    params = {"network_id": str(DEMO_NETWORK_ID), "wave": "2024-1"}
    response = client.get(URL, params=params, headers=headers("service"))
    assert response.status_code == 200, response.text
    answer = response.json()
    instruments = [i["code"] for i in answer["instruments"]]

    # the compact list: every submitted observation of the wave (no draft, no other wave), exact stored scores
    listed = {row[0]: row for row in answer["observations"]}
    assert set(listed) == {m["id"] for m in made}
    assert other_wave["id"] not in listed and unsent not in listed
    for m in made:
        row = listed[m["id"]]
        score = m["score"]
        assert row[:7] == [
            m["id"],
            m["version"],
            m["body"]["school_id"],
            m["body"]["teacher_id"],
            m["body"]["level"],
            m["body"]["observed_on"],
            instruments.index(m["spec"].code),
        ]
        assert row[7] == [d.mean for d in score.dimensions]
        assert row[8] == [d.adjusted for d in score.dimensions]
        assert row[9] == [d.mean for d in score.domains]

    # the SQL group sums: the same as the Python reference over the latest observation of each classroom
    got = {(g[0], g[1], instruments[g[2]], g[3], g[4]): g[5:] for g in answer["groups"]}
    want = reference_groups(made)
    assert set(got) == set(want)
    for key, values in want.items():
        assert got[key][0] == values[0] and got[key][5:] == values[5:], key
        assert all(math.isclose(a, b, rel_tol=1e-12) for a, b in zip(got[key][1:5], values[1:5], strict=True)), key
    assert answer["group_columns"][5:8] == ["n", "sum_mean", "sum_mean_sq"]
    compact = client.get(URL, params={**params, "include_groups": "false"}, headers=headers("service")).json()
    assert compact["groups"] == [] and compact["observations"] == answer["observations"]


def test_an_amendment_changes_the_aggregate(client: TestClient, headers: Headers, draft: Any) -> None:
    made = create(client, headers, draft, random.Random(1), teacher="educadora@demo.cl", wave="2024-1")
    params = {"network_id": str(DEMO_NETWORK_ID), "wave": "2024-1"}
    before = client.get(URL, params=params, headers=headers("service")).json()
    cycles = made["body"]["cycles"]
    code = made["spec"].dimensions[0].code
    cycles[0]["scores"][code] = 1 if cycles[0]["scores"][code] != 1 else 7
    tag = client.get(f"/api/v1/observations/{made['id']}", headers=headers(COACH)).headers["etag"]
    amended = client.post(
        f"/api/v1/observations/{made['id']}/amendments",
        json={"reason": "Error de digitación", "cycles": cycles},
        headers={**headers(COACH), "If-Match": tag},
    )
    assert amended.status_code == 201, amended.text
    after = client.get(URL, params=params, headers=headers("service")).json()
    assert after["observations"][0][1] == before["observations"][0][1] + 1  # the new version is the unit
    assert after["observations"][0][7][0] != before["observations"][0][7][0]
    assert after["groups"] != before["groups"]


@pytest.mark.parametrize(("who", "status"), [("educadora@demo.cl", 403), ("outsider", 404)])
def test_only_coordinators_and_services_read_the_aggregate(
    client: TestClient, headers: Headers, who: str, status: int
) -> None:
    response = client.get(URL, params={"network_id": str(DEMO_NETWORK_ID)}, headers=headers(who))
    assert response.status_code == status, response.text
