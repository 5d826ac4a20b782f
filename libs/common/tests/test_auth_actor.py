"""Service tokens on behalf of a person (the ``act`` claim) and for aggregates, and the client that mints them."""

import asyncio
import uuid

import httpx
import jwt
import pytest

from mejora_common.auth import (
    AGGREGATE_PURPOSE,
    ALGORITHM,
    INTEGRATION_ROLE,
    Actor,
    Membership,
    Principal,
    issue_service_token,
    verify_access_token,
)
from mejora_common.errors import ProblemError
from mejora_common.keys import SigningKey
from mejora_common.service_client import ServiceClient, delegation_purpose
from mejora_common.testing import TEST_KEYS, make_principal, make_token

NETWORK = uuid.uuid4()


def test_a_token_on_behalf_of_a_person_is_verified_as_that_person_through_the_service() -> None:
    person = make_principal("coach", NETWORK)
    token = issue_service_token("reports", TEST_KEYS.signer("reports"), audience="cycles", actor=person)
    claims = jwt.decode(token, TEST_KEYS.signer("reports").public, algorithms=[ALGORITHM], audience="cycles")
    assert claims["role"] == "service" and claims["service"] == "reports"
    assert claims["act"]["sub"] == str(person.account_id) and claims["act"]["role"] == "coach"

    seen = verify_access_token(token, TEST_KEYS.verifier("cycles"))
    # The person's rights, never a service's: a sibling that forgets about ``act`` still applies them.
    assert not seen.is_service
    assert seen.account_id == person.account_id and seen.name == person.name
    assert seen.role_in(NETWORK) == "coach" and seen.memberships == person.memberships
    assert seen.via == "reports" and seen.client == "reports"


def test_an_integration_client_acted_for_keeps_its_scopes() -> None:
    client_id = uuid.uuid4()
    integration = Principal(
        account_id=client_id,
        email="",
        name="SIGE",
        role=INTEGRATION_ROLE,
        memberships=(Membership(NETWORK, client_id, INTEGRATION_ROLE),),
        scopes=("aggregates:read",),
    )
    seen = verify_access_token(
        issue_service_token("reports", TEST_KEYS.signer("reports"), audience="cycles", actor=Actor.of(integration)),
        TEST_KEYS.verifier("cycles"),
    )
    assert seen.is_integration and seen.has_scope("aggregates:read") and seen.via == "reports"


def test_an_aggregate_token_names_no_person_and_says_its_purpose() -> None:
    seen = verify_access_token(
        issue_service_token("reports", TEST_KEYS.signer("reports"), audience="cycles", purpose=AGGREGATE_PURPOSE),
        TEST_KEYS.verifier("cycles"),
    )
    assert seen.is_service and seen.computes_aggregates and seen.via is None
    assert seen.client == "service:reports"
    plain = verify_access_token(
        issue_service_token("reports", TEST_KEYS.signer("reports"), audience="cycles"), TEST_KEYS.verifier("cycles")
    )
    assert plain.is_service and not plain.computes_aggregates


def test_client_names_web_and_integrations() -> None:
    assert (
        verify_access_token(make_token(make_principal("teacher", NETWORK)), TEST_KEYS.verifier("cycles")).client
        == "web"
    )
    client_id = uuid.uuid4()
    integration = Principal(client_id, "", "SIGE", INTEGRATION_ROLE, (Membership(NETWORK, client_id, "integration"),))
    assert (
        verify_access_token(make_token(integration), TEST_KEYS.verifier("cycles")).client == f"integration:{client_id}"
    )


def test_a_person_token_cannot_claim_a_purpose() -> None:
    # Only service tokens skip the view log as aggregate computations.
    token = jwt.encode(
        {**jwt.decode(make_token(make_principal("coordinator", NETWORK)), options={"verify_signature": False})}
        | {"purpose": AGGREGATE_PURPOSE},
        TEST_KEYS.cycles.private,
        algorithm=ALGORITHM,
        headers={"kid": TEST_KEYS.cycles.kid},
    )
    seen = verify_access_token(token, TEST_KEYS.verifier("cycles"))
    assert not seen.computes_aggregates and seen.purpose is None


def test_an_act_claim_naming_a_service_is_refused() -> None:
    service = verify_access_token(
        issue_service_token("cycles", TEST_KEYS.signer("cycles"), audience="cycles"), TEST_KEYS.verifier("cycles")
    )
    token = issue_service_token("reports", TEST_KEYS.signer("reports"), audience="cycles", actor=service)
    with pytest.raises(ProblemError) as info:
        verify_access_token(token, TEST_KEYS.verifier("cycles"))
    assert info.value.status == 401


def _client_seeing(seen: list[str], *, delegate: bool) -> ServiceClient:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"].partition(" ")[2])
        return httpx.Response(200, json={})

    return ServiceClient(
        "observations",
        "http://o",
        transport=httpx.MockTransport(handler),
        delegate_as="reports" if delegate else None,
        keys=TEST_KEYS.verifier("reports") if delegate else None,
    )


def test_a_delegating_client_sends_a_service_token_acting_for_the_caller() -> None:
    person = make_principal("teacher", NETWORK)
    own = make_token(person)
    aggregate = issue_service_token(
        "reports", TEST_KEYS.signer("reports"), audience="cycles", purpose=AGGREGATE_PURPOSE
    )
    elsewhere = issue_service_token("cycles", TEST_KEYS.signer("cycles"), audience="observations")
    sent: list[str] = []

    async def scenario() -> None:
        client = _client_seeing(sent, delegate=True)
        try:
            await client.get_json("/a", token=own)
            await client.get_json("/b", token=aggregate)
            await client.get_json("/c", token=elsewhere)
        finally:
            await client.aclose()

    asyncio.run(scenario())
    on_behalf, readdressed, kept = sent
    assert on_behalf != own
    observations = TEST_KEYS.verifier("observations")
    seen = verify_access_token(on_behalf, observations)
    assert seen.account_id == person.account_id and seen.via == "reports"
    # Its own service token (addressed to cycles) goes to observations addressed to observations, still an aggregate.
    assert jwt.decode(readdressed, options={"verify_signature": False})["aud"] == "observations"
    assert verify_access_token(readdressed, observations).computes_aggregates
    assert kept == elsewhere  # another service's token is not this client's to re-sign


def test_a_plain_client_forwards_the_token_unchanged() -> None:
    own = make_token(make_principal("teacher", NETWORK))
    sent: list[str] = []

    async def scenario() -> None:
        client = _client_seeing(sent, delegate=False)
        try:
            await client.get_json("/a", token=own)
        finally:
            await client.aclose()

    asyncio.run(scenario())
    assert sent == [own]


def test_a_delegating_client_refuses_an_invalid_caller_token() -> None:
    async def scenario() -> None:
        client = _client_seeing([], delegate=True)
        try:
            await client.get_json("/a", token=make_token(make_principal("teacher"), key=SigningKey.generate()))
        finally:
            await client.aclose()

    with pytest.raises(ProblemError) as info:
        asyncio.run(scenario())
    assert info.value.status == 401


def test_delegating_needs_the_keys() -> None:
    with pytest.raises(ValueError):
        ServiceClient("observations", "http://o", delegate_as="reports")


def test_the_purpose_of_a_delegated_read_travels_in_the_token_and_never_makes_it_an_aggregate() -> None:
    person = make_principal("coordinator", NETWORK)
    sent: list[str] = []

    async def scenario() -> None:
        client = _client_seeing(sent, delegate=True)
        marker = delegation_purpose.set("feedback")
        try:
            await client.get_json("/a", token=make_token(person))
        finally:
            delegation_purpose.reset(marker)
            await client.aclose()
        await client_without_purpose()

    async def client_without_purpose() -> None:
        client = _client_seeing(sent, delegate=True)
        try:
            await client.get_json("/b", token=make_token(person))
        finally:
            await client.aclose()

    asyncio.run(scenario())
    with_purpose, without = (verify_access_token(token, TEST_KEYS.verifier("observations")) for token in sent)
    assert (with_purpose.purpose, with_purpose.via) == ("feedback", "reports")
    assert without.purpose is None
    aggregate = issue_service_token(
        "reports", TEST_KEYS.signer("reports"), audience="cycles", actor=person, purpose=AGGREGATE_PURPOSE
    )
    assert not verify_access_token(
        aggregate, TEST_KEYS.verifier("cycles")
    ).computes_aggregates  # a person's read is always a view
