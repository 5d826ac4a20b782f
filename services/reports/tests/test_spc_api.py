"""The SPC endpoints (``/api/v1/spc/...``): hand-computed cases through HTTP.

Every expected number is worked by hand in the comments (the published qicharts2
examples are reproduced at the function level in test_spc.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from xml.dom.minidom import parseString

import pytest
from fastapi.testclient import TestClient

Headers = Callable[..., dict[str, str]]


def run_chart(client: TestClient, headers: Headers, body: dict[str, object], fmt: str = "json") -> dict[str, object]:
    response = client.post(f"/api/v1/spc/run-chart?format={fmt}", json=body, headers=headers("teacher"))
    assert response.status_code == 200, response.text
    data: dict[str, object] = response.json()
    return data


def test_requires_a_token(client: TestClient) -> None:
    response = client.post("/api/v1/spc/run-chart", json={"values": [1, 2, 3]})
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


def test_ties_on_the_median_are_left_out(client: TestClient, headers: Headers) -> None:
    # median 3; the three 3s are on it: useful points 1, 2 | 4, 5 -> two runs of 2, one crossing.
    # longest_run_max = round(log2(4)) + 3 = 5; crossings_min = qbinom(0.05, 3, 0.5) = 0 (P(X<=0) = 1/8).
    data = run_chart(client, headers, {"values": [1, 2, 3, 3, 3, 4, 5]})
    assert data["n"] == 7
    assert data["n_useful"] == 4
    assert data["median"] == 3
    assert (data["longest_run"], data["longest_run_max"]) == (2, 5)
    assert (data["crossings"], data["crossings_min"]) == (1, 0)
    assert data["runs_signal"] is False
    assert data["shifts"] == []


def test_all_points_on_the_median(client: TestClient, headers: Headers) -> None:
    data = run_chart(client, headers, {"values": [2, 2, 2, 2]})
    assert data["n_useful"] == 0
    assert data["longest_run"] is None
    assert data["longest_run_max"] is None
    assert data["crossings"] is None
    assert data["crossings_min"] is None
    assert data["runs_signal"] is False
    assert data["signals"] == [False] * 4


def test_fewer_than_ten_points_with_a_trend_of_five(client: TestClient, headers: Headers) -> None:
    # 5 points all rising: an IHI trend (5 points, not 5 increases); median 3, 4 useful points.
    data = run_chart(client, headers, {"values": [1, 2, 3, 4, 5]})
    assert data["trends"] == [{"start": 0, "end": 4}]
    assert data["signals"] == [True] * 5
    assert data["n_useful"] == 4
    # Four points rising is not a trend.
    assert run_chart(client, headers, {"values": [1, 2, 3, 4]})["trends"] == []


def test_repeated_values_neither_break_nor_add_to_a_trend(client: TestClient, headers: Headers) -> None:
    # 1, 2, 2, 3, 4, 5: the repeated 2 counts once -> five distinct rising points, indices 0..5.
    data = run_chart(client, headers, {"values": [1, 2, 2, 3, 4, 5, 3]})
    assert data["trends"] == [{"start": 0, "end": 5}]
    # 1, 2, 2, 3, 4: only four distinct values -> no trend.
    assert run_chart(client, headers, {"values": [1, 2, 2, 3, 4]})["trends"] == []


def test_a_shift_and_the_anhoj_signal(client: TestClient, headers: Headers) -> None:
    # Six 5s then six 1s: median 3, two shifts of six. n_useful 12: longest_run_max =
    # round(log2 12 = 3.58) + 3 = 7; crossings 1 < qbinom(0.05, 11, 0.5) = 3
    # (P(X<=2) = 67/2048 = 0.033 < 0.05 <= P(X<=3) = 232/2048 = 0.113) -> runs signal.
    data = run_chart(client, headers, {"values": [5] * 6 + [1] * 6})
    assert data["shifts"] == [{"start": 0, "end": 5}, {"start": 6, "end": 11}]
    assert data["longest_run"] == 6
    assert data["longest_run_max"] == 7
    assert (data["crossings"], data["crossings_min"]) == (1, 3)
    assert data["runs_signal"] is True


def test_points_on_the_median_do_not_break_a_shift(client: TestClient, headers: Headers) -> None:
    data = run_chart(client, headers, {"values": [6, 6, 6, 4, 6, 6, 6, 1, 2, 3, 4, 2], "baseline": 12})
    # median of the 12 values (sorted 1 2 2 3 4 4 6 6 6 6 6 6) = (4 + 6) / 2 = 5: six 6s above with
    # a 4 below in between -> the 4 breaks it: runs 6 6 6 | 4 | 6 6 6 -> no shift.
    assert data["median"] == 5
    assert data["shifts"] == []
    data = run_chart(client, headers, {"values": [6, 6, 6, 5, 6, 6, 6, 1, 2, 3, 4, 2], "baseline": 12})
    # median (sorted 1 2 2 3 4 5 6 6 6 6 6 6) = (5 + 6) / 2 = 5.5; the 5 is below -> no shift either.
    assert data["shifts"] == []
    data = run_chart(client, headers, {"values": [6, 6, 6, 4, 6, 6, 6, 1, 2, 3, 4, 2], "baseline": 3})
    # baseline median of 6, 6, 6 = 6: every 6 is on the line; 4 1 2 3 4 2 below = a shift of six
    # skipping the 6s on the median (indices 3, 7..11).
    assert data["median"] == 6
    assert data["shifts"] == [{"start": 3, "end": 11}]
    assert data["signals"][3] is True
    assert data["signals"][4] is False  # on the median: not part of the shift


def test_baseline_freezes_the_median(client: TestClient, headers: Headers) -> None:
    data = run_chart(client, headers, {"values": [1, 2, 3, 10, 11, 12], "baseline": 3})
    assert data["median"] == 2


def test_validation_errors_are_spanish_problems(client: TestClient, headers: Headers) -> None:
    response = client.post("/api/v1/spc/run-chart", json={"values": []}, headers=headers())
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["errors"][0]["field"] == "values"
    response = client.post("/api/v1/spc/run-chart", json={"values": [1, 2], "dates": ["2024-03-01"]}, headers=headers())
    assert response.status_code == 422
    assert "misma cantidad" in response.json()["errors"][0]["message"]
    response = client.post("/api/v1/spc/run-chart", json={"values": [1, "x"]}, headers=headers())
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "values[1]"


def test_p_chart_with_varying_denominators(client: TestClient, headers: Headers) -> None:
    # cl = (5 + 10 + 4) / (50 + 100 + 20) = 19 / 170; limits cl +- 3 sqrt(cl (1 - cl) / n_i), clipped at 0.
    body = {"chart": "p", "values": [5, 10, 4], "denominators": [50, 100, 20]}
    response = client.post("/api/v1/spc/control-chart", json=body, headers=headers())
    assert response.status_code == 200, response.text
    data = response.json()
    cl = 19 / 170
    assert data["centre"] == pytest.approx([cl] * 3)
    assert data["values"] == pytest.approx([0.1, 0.1, 0.2])
    for i, n in enumerate([50, 100, 20]):
        half = 3 * math.sqrt(cl * (1 - cl) / n)
        assert data["upper"][i] == pytest.approx(cl + half)
        assert data["lower"][i] == pytest.approx(max(0.0, cl - half))
    # n = 20: cl - half < 0 -> clipped to 0; the limits differ per point.
    assert data["lower"][2] == 0
    assert len({round(u, 9) for u in data["upper"]}) == 3
    assert data["sigma_signal"] == [False, False, False]


def test_p_chart_rejects_a_numerator_above_its_denominator(client: TestClient, headers: Headers) -> None:
    body = {"chart": "p", "values": [5, 30], "denominators": [50, 20]}
    response = client.post("/api/v1/spc/control-chart", json=body, headers=headers())
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["field"] == "values[1]"
    assert "no puede superar" in problem["detail"]
    response = client.post("/api/v1/spc/control-chart", json={"chart": "u", "values": [1]}, headers=headers())
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "denominators"


def test_i_chart_phases_are_computed_apart(client: TestClient, headers: Headers) -> None:
    # Part 0: 1 2 3 2 1 -> mean 1.8, moving ranges 1 1 1 1 -> sigma = 1 / 1.128.
    # Part 1: 10 11 12 11 10 -> mean 10.8, same sigma.
    body = {"chart": "i", "values": [1, 2, 3, 2, 1, 10, 11, 12, 11, 10], "parts": [5]}
    data = client.post("/api/v1/spc/control-chart", json=body, headers=headers()).json()
    sigma = 1 / 1.128
    assert [p["centre"] for p in data["parts"]] == pytest.approx([1.8, 10.8])
    assert data["upper"][0] == pytest.approx(1.8 + 3 * sigma)
    assert data["upper"][9] == pytest.approx(10.8 + 3 * sigma)
    assert data["part"] == [0] * 5 + [1] * 5
    assert data["parts"][1]["runs"]["n"] == 5
    assert not any(data["sigma_signal"])


def test_i_chart_screening_of_moving_ranges(client: TestClient, headers: Headers) -> None:
    # Values 10 12 11 13 12 30 12 11 13 12, mean 13.6; moving ranges 2 1 2 1 18 18 1 2 1, average 46/9.
    # Screened (qicharts2): the two 18s are >= 3.267 * 46/9 = 16.70 -> average of the rest 10/7.
    values = [10, 12, 11, 13, 12, 30, 12, 11, 13, 12]
    screened = client.post("/api/v1/spc/control-chart", json={"chart": "i", "values": values}, headers=headers()).json()
    plain = client.post(
        "/api/v1/spc/control-chart", json={"chart": "i", "values": values, "screen": False}, headers=headers()
    ).json()
    assert screened["upper"][0] == pytest.approx(13.6 + 3 * (10 / 7) / 1.128)
    assert plain["upper"][0] == pytest.approx(13.6 + 3 * (46 / 9) / 1.128)
    assert screened["sigma_signal"][5] is True
    assert plain["sigma_signal"][5] is True  # 30 > 27.19 too


def test_xbar_and_s_charts_take_subgroups(client: TestClient, headers: Headers) -> None:
    body = {"chart": "s", "subgroups": [[1, 2, 3], [2, 3, 4], [1, 3, 5]]}
    data = client.post("/api/v1/spc/control-chart", json=body, headers=headers()).json()
    # sds 1, 1, 2 -> s-bar 4/3; B4(3) = 1 + 3 sqrt(1 - c4^2) / c4, c4(3) = sqrt(pi) / 2.
    c4 = math.sqrt(math.pi) / 2
    assert data["centre"][0] == pytest.approx(4 / 3)
    assert data["upper"][0] == pytest.approx(4 / 3 * (1 + 3 * math.sqrt(1 - c4 * c4) / c4))
    response = client.post("/api/v1/spc/control-chart", json={"chart": "xbar", "values": [1, 2]}, headers=headers())
    assert response.status_code == 422


def test_svg_and_png_of_the_same_chart(client: TestClient, headers: Headers) -> None:
    body = {"values": [1, 2, 3, 4, 5, 3, 3], "dates": [f"2024-0{m}-01" for m in range(1, 8)]}
    response = client.post("/api/v1/spc/run-chart?format=svg", json=body, headers=headers())
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    svg = response.text
    assert svg.startswith("<svg")
    assert len(re.findall(r'class="point signal"', svg)) == 5  # the trend
    assert "1 ene 2024" in svg
    png = client.post("/api/v1/spc/run-chart?format=png", json=body, headers=headers())
    assert png.status_code == 200
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    bad = client.post("/api/v1/spc/run-chart?format=gif", json=body, headers=headers())
    assert bad.status_code == 422


def test_values_that_would_overflow_are_rejected_not_a_500(client: TestClient, headers: Headers) -> None:
    response = client.post(
        "/api/v1/spc/run-chart?format=svg", json={"values": [-1.7e308, 5.0, 1.7e308]}, headers=headers("teacher")
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert {e["field"] for e in response.json()["errors"]} == {"values[0]", "values[2]"}


def test_control_characters_in_labels_give_a_well_formed_svg_and_png(client: TestClient, headers: Headers) -> None:
    spec = {
        "type": "line",
        "title": "Medida \x0b con \x0c controles \x90",
        "points": [{"label": "ene\x0b 2024", "value": 1.0}, {"label": "feb 2024", "value": 2.0}],
        "markers": [{"position": 0.5, "label": "Sesión\x00 1"}],
    }
    svg = client.post("/api/v1/reports/charts:render", json=spec, headers=headers("teacher"))
    assert svg.status_code == 200
    document = parseString(svg.text)  # noqa: S318 - our own output; raises on characters XML forbids
    assert "Medida  con  controles" in document.toxml()
    png = client.post("/api/v1/reports/charts:render?format=png", json=spec, headers=headers("teacher"))
    assert png.status_code in (200, 406)
    if png.status_code == 200:
        assert png.content.startswith(b"\x89PNG")


def test_limits_from_the_largest_accepted_values_can_still_be_drawn(client: TestClient, headers: Headers) -> None:
    body = {"chart": "s", "subgroups": [[1e-38, -2e-38, -3e-15], [3.9e11, -1.7e11, -1e12, 3.2e11]]}
    response = client.post("/api/v1/spc/control-chart?format=svg", json=body, headers=headers("teacher"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
