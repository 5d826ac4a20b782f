"""One owner per public path: the gateway's route table agrees with the services' own OpenAPI documents.

The services' documents are built in-process (as ``infra/openapi_export.py`` does), so a new endpoint
that the table would send elsewhere, or drop, fails here before it fails in production.
"""

from __future__ import annotations

import importlib
import itertools
import re
from pathlib import Path
from typing import Any

import pytest

from gateway.openapi import GATEWAY_PATHS, merge_openapi
from gateway.routes import API_PREFIX, PUBLIC_PATHS, ROUTES, is_public, owning_rule, resolve, segments
from gateway.topology import SERVICES, package
from mejora_common.keys import JWKS_PATH, PUBLIC_JWKS_PATH
from mejora_common.testing import TEST_KEYS

PUBLIC_PREFIX = "/api/"
# Served by the gateway itself (gateway/main.py), not by a service.
GATEWAY_OWN_PATHS = {*GATEWAY_PATHS, "/api/v1/openapi.json", "/api/docs"}
PARAMETER = re.compile(r"\{[^}]*\}")


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    docs: dict[str, dict[str, Any]] = {}
    for service in SERVICES:
        main = importlib.import_module(f"{package(service)}.main")
        settings_module = importlib.import_module(f"{package(service)}.settings")
        data_dir: Path = tmp_path_factory.mktemp(f"openapi-{service}")
        settings = settings_module.Settings(**TEST_KEYS.settings(service), data_dir=data_dir)
        docs[service] = main.create_app(settings).openapi()
    return docs


def public_templates(doc: dict[str, Any]) -> list[str]:
    return [path for path in doc["paths"] if path.startswith(PUBLIC_PREFIX)]


def normalized(template: str) -> str:
    """The template with its parameter names erased: ``/a/{id}`` and ``/a/{a_id}`` are the same path."""
    return PARAMETER.sub("{}", template)


def instantiations(template: str) -> list[str]:
    """Concrete paths of a template: each parameter is an ordinary value or any literal a rule has there."""
    parts = [s for s in template[len(API_PREFIX) :].split("/") if s] if template.startswith(API_PREFIX) else []
    choices: list[list[str]] = []
    for position, part in enumerate(parts):
        if not PARAMETER.search(part):
            choices.append([part])
            continue
        literals = {rule[position] for rule in ROUTES if len(rule) > position and rule[position] != "*"}
        choices.append([PARAMETER.sub(value, part) for value in sorted({"x1", *literals})])
    return [API_PREFIX + "/".join(combination) for combination in itertools.product(*choices)]


def test_the_services_declare_public_paths(documents: dict[str, dict[str, Any]]) -> None:
    for service in SERVICES:
        assert public_templates(documents[service]), f"{service} declares no public path: is the app built right?"


@pytest.mark.parametrize("service", SERVICES)
def test_every_path_template_resolves_to_the_service_that_declares_it(
    service: str, documents: dict[str, dict[str, Any]]
) -> None:
    wrong = {path: resolve(path) for path in public_templates(documents[service]) if resolve(path) != service}
    assert not wrong, f"gateway/routes.py sends these {service} paths elsewhere (None: nowhere): {wrong}"


@pytest.mark.parametrize("service", SERVICES)
def test_no_concrete_path_of_a_template_reaches_another_service(
    service: str, documents: dict[str, dict[str, Any]]
) -> None:
    # e.g. a cycles template /measures/{id}/{view} would lose /measures/1/run-chart to reports.
    wrong = {
        concrete: resolve(concrete)
        for template in public_templates(documents[service])
        for concrete in instantiations(template)
        if resolve(concrete) != service
    }
    assert not wrong, f"these concrete paths of {service} templates reach another owner: {wrong}"


def test_no_path_template_is_declared_by_two_owners(documents: dict[str, dict[str, Any]]) -> None:
    owners: dict[str, set[str]] = {normalized(path): {"gateway"} for path in GATEWAY_OWN_PATHS}
    for service in SERVICES:
        for path in public_templates(documents[service]):
            owners.setdefault(normalized(path), set()).add(service)
    shared = {path: sorted(claimants) for path, claimants in owners.items() if len(claimants) > 1}
    assert not shared, f"path templates with more than one owner: {shared}"


def test_every_rule_of_the_table_decides_at_least_one_path(documents: dict[str, dict[str, Any]]) -> None:
    used = {owning_rule(path) for service in SERVICES for path in public_templates(documents[service])}
    dead = [rule for rule in ROUTES if rule not in used]
    assert not dead, f"rules in gateway/routes.py that no service path needs: {dead}"


def test_every_public_path_is_served(documents: dict[str, dict[str, Any]]) -> None:
    for public in PUBLIC_PATHS:
        path = API_PREFIX + public
        if path in GATEWAY_OWN_PATHS:
            continue
        owner = resolve(path)
        assert owner is not None, f"{path} is public but routed nowhere"
        assert path in documents[owner]["paths"], f"{path} is public but {owner} does not declare it"


def test_the_merged_document_keeps_every_public_path(documents: dict[str, dict[str, Any]]) -> None:
    merged = merge_openapi(documents)
    declared = {path for service in SERVICES for path in public_templates(documents[service])}
    assert set(merged["paths"]) == declared | set(GATEWAY_PATHS)


def test_the_teacher_s_access_log_goes_to_the_service_that_keeps_the_log() -> None:
    # /api/v1/me/ may hold other services' paths later; only the access log belongs to observations.
    assert resolve("/api/v1/me/access-log") == "observations"
    assert owning_rule("/api/v1/me/access-log") == ("me", "access-log")


def test_template_helpers() -> None:
    assert normalized("/api/v1/measures/{measure_id}/points") == "/api/v1/measures/{}/points"
    assert instantiations("/api/v1/measures/{measure_id}/points") == [
        "/api/v1/measures/access-log/points",  # the literal of ("me", "access-log")
        "/api/v1/measures/x1/points",
    ]
    # A parameter also takes every literal some rule has in its position.
    concrete = instantiations("/api/v1/measures/{measure_id}/{view}")
    assert "/api/v1/measures/x1/run-chart" in concrete and resolve("/api/v1/measures/x1/run-chart") == "reports"
    assert segments("/api/v1/measures/1/run-chart") == ["measures", "1", "run-chart"]


def test_cycles_public_keys_are_public_and_each_service_s_own_jwks_stays_internal(
    documents: dict[str, dict[str, Any]],
) -> None:
    # docs/adr/0009-asymmetric-tokens.md: anyone may fetch what verifies a user token; only cycles serves it.
    assert resolve(PUBLIC_JWKS_PATH) == "cycles" and is_public(PUBLIC_JWKS_PATH)
    assert PUBLIC_JWKS_PATH in documents["cycles"]["paths"]
    # Each service's own JWKS is for its siblings: outside /api/, so the gateway routes it nowhere.
    assert not JWKS_PATH.startswith(API_PREFIX) and resolve(JWKS_PATH) is None
    assert all(JWKS_PATH not in documents[service]["paths"] for service in SERVICES)
