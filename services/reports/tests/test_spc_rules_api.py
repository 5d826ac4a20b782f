"""``POST /api/v1/spc/run-chart`` and ``/control-chart`` with rule sets, phases and Laney (issue 15, point 5)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from .test_spc_rule_sets import DEMO

Headers = Callable[..., dict[str, str]]


def test_run_chart_says_which_ihi_rule_fired_on_which_points(client: TestClient, headers: Headers) -> None:
    # Perla, Provost & Murray (2011): the demo's two runs of 13 are shifts (rule 1) and 2 runs in 26 useful points
    # are too few (rule 3, Table 1: at least 9). The 3-sigma proxy of rule 4, over one phase that holds two levels,
    # flags the points far from the overall mean (an I chart without phases would too): labelled as a proxy.
    response = client.post("/api/v1/spc/run-chart", json={"values": DEMO, "rules": "ihi"}, headers=headers("teacher"))
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["rule_set"] == "ihi"
    assert [(f["rule"], f["points"][0], len(f["points"])) for f in data["findings"]] == [
        ("shift", 0, 13),
        ("shift", 13, 13),
        ("too_few_runs", 0, 26),
        ("proxy_3_sigma", 1, 23),
    ]
    assert data["phases"][0]["runs"] == 2 and data["phases"][0]["runs_lower"] == 9
    anhoj = client.post("/api/v1/spc/run-chart", json={"values": DEMO}, headers=headers("teacher")).json()
    assert anhoj["rule_set"] == "anhoj" and {f["rule"] for f in anhoj["findings"]} == {"long_run", "few_crossings"}


def test_run_chart_phases_each_have_their_median(client: TestClient, headers: Headers) -> None:
    body = {"values": DEMO, "parts": [13], "rules": "ihi"}
    data = client.post("/api/v1/spc/run-chart", json=body, headers=headers("teacher")).json()
    assert [p["median"] for p in data["phases"]] == [pytest.approx(0.362), pytest.approx(0.578)]
    assert data["findings"] == [] and data["median"] == pytest.approx(0.578)
    bad = client.post("/api/v1/spc/run-chart", json={"values": DEMO, "parts": [40]}, headers=headers("teacher"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "parts"


def test_control_chart_western_electric_eight_in_a_row(client: TestClient, headers: Headers) -> None:
    # Western Electric (1956), test 4. Hand-computed I chart: 20 points alternating 10 and 11, then eight of 11.2:
    # centre (210 + 89.6) / 28 = 10.7, so the last eight (and the 11s before them) lie above it; the eight at the
    # end are a run of 8 or more on one side. Without the rule asked for, nothing is reported.
    values = [10.0, 11.0] * 10 + [11.2] * 8
    body = {"chart": "i", "values": values, "rules": ["western_electric"], "screen": False}
    data = client.post("/api/v1/spc/control-chart", json=body, headers=headers("teacher")).json()
    rules = {f["rule"]: f["points"] for f in data["findings"]}
    assert rules["we_8_one_side"][-8:] == list(range(20, 28))
    plain = client.post("/api/v1/spc/control-chart", json={"chart": "i", "values": values}, headers=headers("teacher"))
    assert plain.json()["findings"] == []


def test_control_chart_nelson_fifteen_within_one_sigma(client: TestClient, headers: Headers) -> None:
    # Nelson (1984), test 7. Hand-computed I chart: 10, 12 four times, then 11.1, 10.9 eight times: centre 11,
    # mean moving range (7 x 2 + 0.9 + 15 x 0.2) / 23 = 0.778, sigma 0.690: the 16 points from index 8 lie within
    # 1 sigma (0.1 from the centre), the 10s and 12s do not (1.45 sigma).
    values = [10.0, 12.0] * 4 + [11.1, 10.9] * 8
    body = {"chart": "i", "values": values, "rules": ["nelson_15"], "screen": False}
    data = client.post("/api/v1/spc/control-chart", json=body, headers=headers("teacher")).json()
    assert data["findings"] == [{"rule": "nelson_15_within_1_sigma", "points": list(range(8, 24))}]


def test_laney_p_prime_when_overdispersed(client: TestClient, headers: Headers) -> None:
    # Laney (2002): with large subgroups the p chart's limits are too narrow for overdispersed data. Hand-computed:
    # 10, 20, 40, 10 of 1000: centre 0.02, sigma_p = sqrt(0.02 x 0.98 / 1000) = 0.004427, UCL(p) = 0.0333 (0.04 is
    # beyond); z = -2.259, 0, 4.518, -2.259, mean moving range 4.518, sigma_z = 4.518 / 1.128 = 4.005 > 1.2,
    # UCL(p') = 0.02 + 3 x 0.004427 x 4.005 = 0.0732 (0.04 is within).
    body = {"chart": "p", "values": [10, 20, 40, 10], "denominators": [1000] * 4}
    plain = client.post("/api/v1/spc/control-chart", json=body, headers=headers("teacher")).json()
    assert plain["laney"] == [False] and any(plain["sigma_signal"])
    laney = client.post("/api/v1/spc/control-chart", json={**body, "laney": "auto"}, headers=headers("teacher")).json()
    assert laney["laney"] == [True] and laney["sigma_z"][0] == pytest.approx(4.005, abs=1e-3)
    assert not any(laney["sigma_signal"])
    assert laney["upper"][0] == pytest.approx(0.02 + 3 * (0.02 * 0.98 / 1000) ** 0.5 * laney["sigma_z"][0])
