"""The call publishing makes to the observations service (each observation's version) is checked against the
producer's OpenAPI snapshot, like the calls of ``clients/observations.py`` (``test_client_contracts.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mejora_common.contracts import load_openapi, model_problems
from reports_service.clients import releases_support
from reports_service.clients.base import Call

OBSERVATIONS = load_openapi(Path(__file__).resolve().parents[2] / "observations" / "openapi.json")


@pytest.mark.parametrize("call", releases_support.CALLS, ids=[c.function for c in releases_support.CALLS])
def test_the_observations_service_sends_the_versions_publishing_reads(call: Call[Any]) -> None:
    assert model_problems(call.model, OBSERVATIONS, call.method, call.path) == []
