"""Every call of the typed clients is checked against the producer's OpenAPI snapshot.

A producer change that drops or retypes a field reports reads fails here (issue 8, "Typed contracts").
"""

from __future__ import annotations

import inspect
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from mejora_common.contracts import load_openapi, model_problems
from reports_service.clients import cycles, observations
from reports_service.clients.base import Call

SERVICES = Path(__file__).resolve().parents[2]
CLIENTS: dict[str, ModuleType] = {"cycles": cycles, "observations": observations}
DOCUMENTS = {name: load_openapi(SERVICES / name / "openapi.json") for name in CLIENTS}
TABLE = [(name, call) for name, module in CLIENTS.items() for call in module.CALLS]


@pytest.mark.parametrize(("service", "call"), TABLE, ids=[f"{name}:{call.method} {call.path}" for name, call in TABLE])
def test_the_producer_sends_what_reports_reads(service: str, call: Call[Any]) -> None:
    assert model_problems(call.model, DOCUMENTS[service], call.method, call.path) == []


@pytest.mark.parametrize("service", sorted(CLIENTS))
def test_every_client_function_is_in_the_call_table(service: str) -> None:
    module = CLIENTS[service]
    functions = {
        name
        for name, value in inspect.getmembers(module, inspect.iscoroutinefunction)
        if value.__module__ == module.__name__ and not name.startswith("_")
    }
    assert functions == {call.function for call in module.CALLS}
