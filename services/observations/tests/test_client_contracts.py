"""The client of the cycles service reads only what the cycles service sends (its OpenAPI snapshot)."""

from __future__ import annotations

import inspect
from typing import Any

import jsonschema
import pytest

from mejora_common.contracts import model_problems, validate_response
from observations_service.clients import cycles

CALLS = list(cycles.CALLS.values())


@pytest.mark.parametrize("call", CALLS, ids=[f"{c.method} {c.path}" for c in CALLS])
def test_every_call_reads_what_the_cycles_service_sends(call: cycles.Call[Any], cycles_openapi: Any) -> None:
    assert model_problems(call.response, cycles_openapi, call.method, call.path) == []


def test_the_table_covers_every_function_of_the_client() -> None:
    functions = {
        function
        for name, function in inspect.getmembers(cycles, inspect.iscoroutinefunction)
        if function.__module__ == cycles.__name__ and not name.startswith("_")
    }
    assert functions == set(cycles.CALLS)


def test_every_answer_of_the_fake_is_a_valid_cycles_answer(fake_directory: Any, demo_directory: Any) -> None:
    entries = [(cycles.GET_NETWORK, demo_directory["network"]["id"])]
    entries += [(cycles.GET_SCHOOL, s["id"]) for s in demo_directory["schools"]]
    entries += [(cycles.GET_PERSON, p["id"]) for p in demo_directory["people"]]
    for call, key in entries:
        assert fake_directory.answer(call, key) is not None  # validated against the snapshot inside
    assert fake_directory.answer(cycles.GET_SCHOOL, demo_directory["people"][0]["id"]) is None
    assert fake_directory.answer(cycles.GET_PERSON, "no-es-un-uuid") is None


def test_a_fake_answer_missing_a_field_fails_validation(cycles_openapi: Any, demo_directory: Any) -> None:
    school = dict(demo_directory["schools"][0], network_id=demo_directory["network"]["id"])
    del school["rbd"]
    with pytest.raises(jsonschema.ValidationError):
        validate_response(cycles_openapi, "GET", cycles.GET_SCHOOL.path, school)
