import uuid

import jwt
import pytest

from mejora_common.auth import ISSUER, verify_access_token
from mejora_common.errors import ProblemError
from mejora_common.keys import ALGORITHM, SigningKey
from mejora_common.testing import TEST_KEYS, expired_token, make_principal, make_token


def test_round_trip_keeps_memberships() -> None:
    network = uuid.uuid4()
    school = uuid.uuid4()
    principal = make_principal("leader", network, school_id=school)
    decoded = verify_access_token(make_token(principal), TEST_KEYS.verifier("cycles"))
    assert decoded.account_id == principal.account_id
    assert decoded.role == "leader"
    assert decoded.role_in(network) == "leader"
    assert decoded.membership(network) is not None
    assert decoded.membership(network).school_id == school  # type: ignore[union-attr]
    assert decoded.role_in(uuid.uuid4()) is None


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("no-es-un-jwt", "token_invalid"),
        (make_token(key=SigningKey.generate()), "token_invalid"),
        (expired_token(), "token_expired"),
    ],
)
def test_bad_tokens_are_401(token: str, code: str) -> None:
    with pytest.raises(ProblemError) as info:
        verify_access_token(token, TEST_KEYS.verifier("cycles"))
    assert info.value.status == 401
    assert info.value.code == code


def test_tampered_payload_is_rejected() -> None:
    header, _payload, signature = make_token(make_principal("teacher")).split(".")
    forged = jwt.encode({"iss": ISSUER, "sub": str(uuid.uuid4()), "role": "coordinator"}, "x", algorithm="HS256")
    tampered = ".".join([header, forged.split(".")[1], signature])
    with pytest.raises(ProblemError) as info:
        verify_access_token(tampered, TEST_KEYS.verifier("cycles"))
    assert info.value.status == 401


def test_refresh_style_token_is_not_an_access_token() -> None:
    claims = {"iss": ISSUER, "sub": str(uuid.uuid4()), "exp": 4102444800, "typ": "refresh"}
    with pytest.raises(ProblemError):
        verify_access_token(
            jwt.encode(claims, TEST_KEYS.cycles.private, algorithm=ALGORITHM, headers={"kid": TEST_KEYS.cycles.kid}),
            TEST_KEYS.verifier("cycles"),
        )
