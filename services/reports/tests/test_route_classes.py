"""Every reports route falls in the load-shedding class it should (``mejora_common.overload.classify``).

The list is the committed OpenAPI snapshot, so a new route fails here until someone decides its class. Every
reports route reads many sibling pages, renders or computes over up to 100,000 values: all are ``expensive``
(their own small gate and the long deadline), so a burst of reports never takes the slots of logins and reads.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mejora_common.contracts import load_openapi
from mejora_common.overload import ROUTE_CLASSES, classify

SNAPSHOT = Path(__file__).resolve().parents[1] / "openapi.json"
SOME_ID = "4a9780fa-d5cc-58ce-a135-00cda17974df"

EXPECTED: dict[tuple[str, str], str | None] = {
    ("GET", "/health"): None,
    ("GET", "/ready"): None,
    ("POST", "/api/v1/spc/run-chart"): "expensive",
    ("POST", "/api/v1/spc/control-chart"): "expensive",
    ("GET", "/api/v1/measures/{measure_id}/run-chart"): "expensive",
    ("GET", "/api/v1/measures/{measure_id}/phase-proposals"): "expensive",
    ("GET", "/api/v1/reports/observations/{observation_id}/feedback"): "expensive",
    ("GET", "/api/v1/reports/teachers/{teacher_id}/trajectory"): "expensive",
    ("GET", "/api/v1/reports/networks/{network_id}/results"): "expensive",
    ("GET", "/api/v1/reports/networks/{network_id}/waves"): "expensive",
    ("POST", "/api/v1/reports/networks/{network_id}/waves/{wave}/releases"): "expensive",
    ("GET", "/api/v1/reports/networks/{network_id}/waves/{wave}/releases"): "expensive",
    ("GET", "/api/v1/reports/networks/{network_id}/waves/{wave}/releases/{number}"): "expensive",
    ("GET", "/api/v1/reports/networks/{network_id}/cycles-log"): "expensive",
    ("POST", "/api/v1/reports/charts:render"): "expensive",
    ("POST", "/api/v1/reports/networks/{network_id}/results/jobs"): "expensive",
    ("GET", "/api/v1/reports/jobs/{job_id}"): "expensive",
    ("GET", "/api/v1/reports/jobs/{job_id}/file"): "expensive",
}


def operations() -> list[tuple[str, str]]:
    document = load_openapi(SNAPSHOT)
    return sorted((method.upper(), path) for path, ops in document["paths"].items() for method in ops)


def test_the_table_lists_every_route_of_the_snapshot() -> None:
    assert operations() == sorted(EXPECTED)


@pytest.mark.parametrize(("method", "path"), operations())
def test_each_route_is_classified_as_expected(method: str, path: str) -> None:
    concrete = re.sub(r"\{[^}]+\}", SOME_ID, path)  # classify sees request paths, not templates
    assert classify(method, concrete) == EXPECTED[(method, path)]
    assert EXPECTED[(method, path)] in {None, *ROUTE_CLASSES}


def test_the_snapshot_lists_every_route_the_app_serves(client: TestClient) -> None:
    live = client.app.openapi()  # type: ignore[attr-defined]
    served = {(method.upper(), path) for path, ops in live["paths"].items() for method in ops}
    assert served == set(EXPECTED)
