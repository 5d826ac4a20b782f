"""Bounded input, never a 500 (issue 9, point 8): chart sizes are bounded with a 422 naming the field, and no
stored number (a measure point of 1.6e16, a mean of 1.6e16) makes a report fail.

The fake siblings answer only what their OpenAPI snapshot allows (observations declares scales of 0 to 100), so
the bound on a stored scale is checked on ``chart_scale`` itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mejora_common.testing import DEMO_NETWORK_ID as NETWORK
from reports_service.service import chart_bounds
from reports_service.service.charts import chart_scale, chartable

from . import test_feedback_api as feedback_data
from .test_feedback_api import feedback_world
from .test_results_api import add_observation
from .test_run_chart_api import MEASURE, SCHOOL_A, SCHOOL_B, get, measure_world, month

Headers = Callable[..., dict[str, str]]
FakeWorld = Any

__all__ = ["feedback_world", "measure_world"]  # fixtures of the feedback and run chart tests, used here

RENDER = "/api/v1/reports/charts:render"
HUGE = 1.6e16


def bars(categories: int, series: int = 1, label: str = "Dimensión") -> dict[str, Any]:
    return {
        "type": "bars",
        "title": "Resultados",
        "categories": [f"{label} {i}" for i in range(categories)],
        "series": [{"label": f"Medición {s}", "values": [4.0] * categories} for s in range(series)],
        "x_min": 1,
        "x_max": 7,
    }


def line(points: int, label: str = "p") -> dict[str, Any]:
    return {
        "type": "line",
        "title": "Medida",
        "points": [{"label": f"{label}{i}", "value": i % 7} for i in range(points)],
    }


def fields(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "chart_too_large"
    return [e["field"] for e in body["errors"]]


# --- chart sizes ------------------------------------------------------------------------------------------------


def test_a_bar_chart_of_1200_categories_is_422_naming_categories_not_500(client: TestClient, headers: Headers) -> None:
    for fmt in ("png", "svg"):
        response = client.post(RENDER, params={"format": fmt}, json=bars(1200), headers=headers("teacher"))
        assert fields(response) == ["categories", "series[0].values"]


def test_each_bound_names_its_field(client: TestClient, headers: Headers) -> None:
    too_many_series = bars(3, series=chart_bounds.MAX_SERIES + 1)
    assert fields(client.post(RENDER, json=too_many_series, headers=headers())) == ["series"]

    long_names = {**bars(3, label="x" * chart_bounds.MAX_LABEL), "title": "t" * (chart_bounds.MAX_LABEL + 1)}
    assert fields(client.post(RENDER, json=long_names, headers=headers())) == [
        "title",
        "categories[0]",
        "categories[1]",
        "categories[2]",
    ]

    spec = line(chart_bounds.MAX_POINTS + 1)
    assert fields(client.post(RENDER, json=spec, headers=headers())) == ["points"]

    spec = line(3)
    spec["points"][1]["note"] = "n" * (chart_bounds.MAX_TEXT + 1)
    spec["markers"] = [{"position": 0, "label": "m"}] * (chart_bounds.MAX_MARKERS + 1)
    assert fields(client.post(RENDER, json=spec, headers=headers())) == ["markers", "points[1].note"]


def test_the_largest_allowed_charts_are_drawn(client: TestClient, headers: Headers) -> None:
    # The bounds are drawable: the tallest bar chart fits libcairo's surface, as PNG too.
    largest = bars(chart_bounds.MAX_CATEGORIES, series=chart_bounds.MAX_SERIES, label="d" * 200)
    response = client.post(RENDER, params={"format": "png"}, json=largest, headers=headers())
    assert response.status_code in {200, 406}, response.text  # 406 only where libcairo is missing
    if response.status_code == 200:
        assert response.content.startswith(b"\x89PNG")
    response = client.post(RENDER, json=line(chart_bounds.MAX_POINTS), headers=headers())
    assert response.status_code == 200


def test_spc_draws_at_most_the_chart_bound_but_analyses_more(client: TestClient, headers: Headers) -> None:
    values = [float(i % 5) for i in range(chart_bounds.MAX_POINTS + 1)]
    drawn = client.post("/api/v1/spc/run-chart?format=png", json={"values": values}, headers=headers())
    assert fields(drawn) == ["values"]
    control = client.post(
        "/api/v1/spc/control-chart?format=svg", json={"chart": "i", "values": values}, headers=headers()
    )
    assert fields(control) == ["values"]
    analysed = client.post("/api/v1/spc/run-chart", json={"values": values}, headers=headers())
    assert analysed.status_code == 200
    assert analysed.json()["n"] == len(values)


# --- stored numbers never make a read fail ----------------------------------------------------------------------


def test_a_measure_point_of_1_6e16_is_left_out_of_the_run_chart_not_a_500(
    client: TestClient, headers: Headers, measure_world: FakeWorld
) -> None:
    measure_world.points[MEASURE].append(
        {"period": month(12), "value": HUGE, "numerator": None, "denominator": None, "school_id": None, "note": ""}
    )
    response = get(client, headers("teacher"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert [(e["period"], e["value"]) for e in body["excluded"]] == [(month(12), HUGE)]
    assert len(body["points"]) == len(body["chart"]["points"]) == 12
    assert all(p["value"] < 1 for p in body["points"])
    assert any("fuera de rango" in line for line in body["interpretation"])
    for fmt in ("svg", "png"):
        assert get(client, headers("teacher"), format=fmt).status_code in {200, 406}
    # The chart reports sent comes back drawable.
    assert client.post(RENDER, json=body["chart"], headers=headers("teacher")).status_code == 200


def test_a_huge_numerator_or_a_sum_of_schools_past_the_bound_is_left_out(
    client: TestClient, headers: Headers, measure_world: FakeWorld
) -> None:
    measure_world.measures[MEASURE]["value_type"] = "count"
    measure_world.points[MEASURE] = [
        {"period": month(0), "value": 9e11, "numerator": None, "denominator": None, "school_id": s, "note": ""}
        for s in (SCHOOL_A, SCHOOL_B)
    ] + [
        {"period": month(1), "value": 3, "numerator": 1e300, "denominator": 1, "school_id": SCHOOL_A, "note": ""},
        {"period": month(2), "value": 4, "numerator": None, "denominator": None, "school_id": SCHOOL_A, "note": ""},
    ]
    combined = get(client, headers("teacher")).json()
    assert combined["scope"] == "schools_combined"
    assert [(e["period"], e["school_id"]) for e in combined["excluded"]] == [(month(0), None), (month(1), SCHOOL_A)]
    assert [p["value"] for p in combined["points"]] == [4]
    school_b = get(client, headers("teacher"), school_id=SCHOOL_B).json()
    assert school_b["excluded"] == []
    assert [p["value"] for p in school_b["points"]] == [9e11]


@pytest.mark.parametrize("fmt", ["json", "html", "csv", "xlsx"])
def test_network_results_with_huge_means_answer(
    client: TestClient, headers: Headers, world: FakeWorld, fmt: str
) -> None:
    for i in range(6):
        add_observation(world, i, "2024-2", pc=HUGE, nc=2, qf=-HUGE, day="2024-09-02")
    response = client.get(
        f"/api/v1/reports/networks/{NETWORK}/results", params={"wave": "2024-2", "format": fmt}, headers=headers()
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("fmt", ["json", "html"])
def test_feedback_with_a_huge_mean_answers(
    client: TestClient, headers: Headers, feedback_world: FakeWorld, fmt: str
) -> None:
    stored = feedback_world.scores[feedback_data.OBS_NOW]
    stored["dimensions"][0]["mean"] = HUGE
    response = feedback_data.feedback(client, headers(), fmt=fmt)
    assert response.status_code == 200, response.text
    if fmt == "json":
        chart = response.json()["chart"]
        assert chart["series"][-1]["values"][0] is None  # drawn as missing, not scaled to nothing
        assert client.post(RENDER, json=chart, headers=headers()).status_code == 200


def test_a_stored_scale_or_mean_no_chart_can_draw_is_bounded_or_missing() -> None:
    assert chart_scale(1, 7) == (1, 7)
    assert chart_scale(-(10**16), 10**16) == (-(10**12), 10**12)
    assert [chartable(v) for v in (None, 4.5, -1e12, HUGE, -HUGE)] == [None, 4.5, -1e12, None, None]
