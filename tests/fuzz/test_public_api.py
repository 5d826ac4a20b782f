"""Fuzzing the public API: schemathesis over the merged OpenAPI, through the real gateway, as two accounts.

The document is the gateway's merge (``gateway.openapi.merge_openapi``) of the services' committed OpenAPI
snapshots, which a test keeps equal to what the services serve; loading it at import keeps one pytest test per
operation and account. Bounded and reproducible: a fixed seed, deterministic generation, a fixed number of
examples per operation, no shrinking (the first 5xx of an operation is reported as it was sent) and no Hypothesis
database. Sequential: one request at a time, so the run stays under every concurrency limit and a 503 is a real
failure, never load.

The checks: no answer is a 5xx (503 included), and every answer conforms to the document — its status is one the
operation declares, its content type is declared for that status, and its body matches the declared schema
(schemathesis' ``status_code_conformance``, ``content_type_conformance``, ``response_schema_conformance``). Every
failure is also recorded (``var/fuzz/report.json``). ``FUZZ_RECORD_ONLY=1`` records the conformance failures
without failing on them (to list them all in one run while fixing declarations; 5xx always fail). Marked
``fuzz``: it runs only in its own phase (``make fuzz``, and the fuzz phase of ``make test`` on PostgreSQL), never
in the SQLite or PostgreSQL test phases.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import content_type_conformance, response_schema_conformance, status_code_conformance
from schemathesis.core.failures import Failure, FailureGroup

from gateway.openapi import merge_openapi

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("cycles", "observations", "reports")
# A fixed seed: the same cases in the same order on every run, so a CI failure reproduces locally.
SEED = 20_240_909
# About 80 operations and two accounts: up to 15 generated examples each (valid and invalid ones), plus the
# schema's own examples, gives well over 2,000 cases (an operation with few possible inputs gets fewer).
EXAMPLES_PER_OPERATION = 15
REQUEST_TIMEOUT_SECONDS = 30
# Of the cases whose path ids are well-formed, this many in each three get the demo's real ids (the third keeps
# its generated one, so unknown ids are still tried); malformed ids are always kept.
REAL_IDS_OF_THREE = 2
# Every answer must be one its operation declares: its status, its content type and its body's schema.
CONFORMANCE = [status_code_conformance, content_type_conformance, response_schema_conformance]


def public_document() -> dict[str, Any]:
    snapshots = {s: json.loads((ROOT / "services" / s / "openapi.json").read_text("utf-8")) for s in SERVICES}
    return merge_openapi(snapshots)


CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {"mode": "all", "deterministic": True, "with-security-parameters": False},
        # Generated cases only: the coverage phase's systematic probes (every boundary and every method on every
        # path) come to about 10,000 requests, past this run's few minutes; the stateful phase would chain them.
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_dict(public_document(), config=CONFIG)


def use_real_ids(case: schemathesis.Case, real_ids: dict[str, str], counter: int) -> None:
    """Random UUIDs find nothing: point most well-formed path ids at the demo's resources instead."""
    if not case.path_parameters or counter % 3 >= REAL_IDS_OF_THREE:
        return
    for name, value in list(case.path_parameters.items()):
        if name in real_ids and is_uuid(value):
            case.path_parameters[name] = real_ids[name]


def is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@pytest.mark.fuzz
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_a_server_error(
    case: schemathesis.Case, fuzz_system: Any, fuzz_account: Any, fuzz_ids: dict[str, str], fuzz_record: Any
) -> None:
    use_real_ids(case, fuzz_ids, fuzz_record.cases[fuzz_account.role])
    response = case.call(
        base_url=fuzz_system.gateway_url, headers=fuzz_account.headers, timeout=REQUEST_TIMEOUT_SECONDS
    )
    fuzz_record.add(fuzz_account, case, response.status_code)
    if response.status_code >= 500:
        raise AssertionError(fuzz_record.add_server_error(fuzz_account, case, response))
    try:
        case.validate_response(response, checks=CONFORMANCE)
    except (Failure, FailureGroup) as failure:
        message = str(failure)
        fuzz_record.add_nonconforming(case, response.status_code, message)
        if os.environ.get("FUZZ_RECORD_ONLY") != "1":
            raise AssertionError(f"{case.method.upper()} {case.path} -> {response.status_code}: {message}") from None
