"""Feedback and trajectory read observations *on behalf of* the caller (a service token naming them in ``act``),
and aggregates with reports' own token marked ``purpose: aggregate`` — so the observations service's view log
names the person and the client "reports", and leaves aggregate computations out."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from mejora_common.auth import Principal, verify_access_token
from mejora_common.testing import DEMO_NETWORK_ID as NETWORK
from mejora_common.testing import TEST_KEYS, ServerThread, auth_header, make_principal, make_token

Headers = Callable[..., dict[str, str]]


class Recorder:
    """An observations service that only records which principal each request arrived as (and answers 404)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, Principal, str]] = []

    def app(self) -> Starlette:
        async def record(request: Request) -> JSONResponse:
            token = request.headers.get("authorization", "").partition(" ")[2]
            self.seen.append((request.url.path, verify_access_token(token, TEST_KEYS.verifier("observations")), token))
            return JSONResponse({"status": 404, "code": "not_found", "detail": "No existe."}, status_code=404)

        return Starlette(routes=[Route("/{path:path}", record)])


@pytest.fixture
def recorder() -> Iterator[tuple[Recorder, ServerThread]]:
    rec = Recorder()
    with ServerThread(rec.app()) as server:
        yield rec, server


def _reports(make_client: Callable[..., Any], siblings: Any, server: ServerThread) -> Any:
    return make_client(siblings.cycles.url, server.url)


def test_feedback_reads_the_observation_as_the_caller_through_reports(
    make_client: Callable[..., Any], siblings: Any, recorder: tuple[Recorder, ServerThread]
) -> None:
    rec, server = recorder
    coach = make_principal("coach", NETWORK)
    own_token = make_token(coach)
    with _reports(make_client, siblings, server) as client:
        answer = client.get(f"/api/v1/reports/observations/{uuid.uuid4()}/feedback", headers=auth_header(own_token))
    assert answer.status_code == 404
    assert rec.seen, "the feedback did not read the observation"
    for path, principal, token in rec.seen:
        assert token != own_token, f"{path}: the caller's own token was forwarded, the log could not name reports"
        assert principal.account_id == coach.account_id and principal.name == coach.name
        assert principal.memberships == coach.memberships and not principal.is_service
        assert principal.via == "reports" and principal.purpose == "feedback"


def test_trajectory_reads_as_the_caller_through_reports(
    make_client: Callable[..., Any], siblings: Any, recorder: tuple[Recorder, ServerThread]
) -> None:
    rec, server = recorder
    coordinator = make_principal("coordinator", NETWORK)
    with _reports(make_client, siblings, server) as client:
        client.get(f"/api/v1/reports/teachers/{uuid.uuid4()}/trajectory", headers=auth_header(make_token(coordinator)))
    assert rec.seen
    assert all(p.account_id == coordinator.account_id and p.via == "reports" for _, p, _ in rec.seen)
    assert {p.purpose for _, p, _ in rec.seen} == {"trajectory"}


def test_network_results_read_with_the_aggregate_token(
    make_client: Callable[..., Any], siblings: Any, recorder: tuple[Recorder, ServerThread], headers: Headers
) -> None:
    rec, server = recorder
    with _reports(make_client, siblings, server) as client:
        client.get(f"/api/v1/reports/networks/{NETWORK}/waves", headers=headers("coordinator"))
    assert rec.seen, "the waves list did not read observations"
    for path, principal, _ in rec.seen:
        assert principal.computes_aggregates and principal.via is None, f"{path} was read as {principal}"
