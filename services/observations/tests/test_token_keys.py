"""Observations accepts a person's token only when cycles signed it, and a service token only when addressed to it
(docs/adr/0009-asymmetric-tokens.md)."""

from __future__ import annotations

import jwt
from fastapi.testclient import TestClient

from mejora_common.keys import SigningKey
from mejora_common.testing import (
    OLD_SHARED_SECRET,
    TEST_KEYS,
    auth_header,
    make_token,
    service_token,
)

from .conftest import demo_principal

COORDINATOR = "coordinacion@demo.cl"


def test_only_cycles_signed_person_tokens_and_tokens_addressed_here_are_accepted(client: TestClient) -> None:
    person = demo_principal(COORDINATOR)
    assert client.get("/api/v1/instruments", headers=auth_header(make_token(person))).status_code == 200
    refused = {
        "another key": make_token(person, key=SigningKey.generate()),
        "reports' own key": make_token(person, key=TEST_KEYS.signer("reports")),
        "a service token for cycles": service_token("reports", "cycles", actor=person),
        "the old HS256 secret": jwt.encode(
            jwt.decode(make_token(person), options={"verify_signature": False}), OLD_SHARED_SECRET, algorithm="HS256"
        ),
    }
    for what, token in refused.items():
        response = client.get("/api/v1/instruments", headers=auth_header(token))
        assert response.status_code == 401, what
        assert response.json()["code"] == "token_invalid", what
    for_here = service_token("reports", "observations", actor=person)
    assert client.get("/api/v1/instruments", headers=auth_header(for_here)).status_code == 200
