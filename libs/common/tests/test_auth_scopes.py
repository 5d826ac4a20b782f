"""Integration principals: the ``scopes`` claim and the opt-in for endpoints that accept them."""

import uuid

import jwt
from fastapi import FastAPI
from fastapi.testclient import TestClient

from mejora_common.auth import (
    INTEGRATION_ROLE,
    CurrentPrincipal,
    Membership,
    Principal,
    accepts_integrations,
    issue_access_token,
    verify_access_token,
)
from mejora_common.errors import install_problem_handlers
from mejora_common.testing import TEST_KEYS, auth_header, make_principal, make_token

NETWORK = uuid.uuid4()


def integration(*scopes: str) -> Principal:
    client_id = uuid.uuid4()
    return Principal(
        account_id=client_id,
        email="",
        name="Sistema",
        role=INTEGRATION_ROLE,
        memberships=(Membership(NETWORK, client_id, INTEGRATION_ROLE),),
        scopes=scopes,
    )


def test_scopes_round_trip_and_user_tokens_have_none() -> None:
    principal = verify_access_token(make_token(integration("roster:import")), TEST_KEYS.verifier("cycles"))
    assert principal.is_integration and principal.scopes == ("roster:import",)
    assert principal.has_scope("roster:import") and not principal.has_scope("aggregates:read")
    user_token, _ = issue_access_token(make_principal("coordinator", NETWORK), TEST_KEYS.cycles, 5)
    assert "scopes" not in jwt.decode(user_token, options={"verify_signature": False})  # tokens as before
    user = verify_access_token(user_token, TEST_KEYS.verifier("cycles"))
    assert user.scopes == () and not user.is_integration and not user.has_scope("roster:import")


def test_integrations_reach_only_endpoints_that_opt_in() -> None:
    app = FastAPI()
    app.state.token_keys = TEST_KEYS.verifier("cycles")
    install_problem_handlers(app)

    @app.get("/closed")
    def closed(principal: CurrentPrincipal) -> str:
        return principal.role

    @app.get("/open")
    @accepts_integrations
    def open_(principal: CurrentPrincipal) -> str:
        return principal.role

    client = TestClient(app)
    system = auth_header(make_token(integration("aggregates:read")))
    person = auth_header(make_token(make_principal("teacher", NETWORK)))
    refused = client.get("/closed", headers=system)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "integration_forbidden"
    assert client.get("/open", headers=system).json() == INTEGRATION_ROLE
    assert client.get("/closed", headers=person).json() == "teacher"
    assert client.get("/open", headers=person).json() == "teacher"
