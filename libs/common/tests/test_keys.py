"""Asymmetric tokens (docs/adr/0009-asymmetric-tokens.md): only cycles' key makes user tokens, service tokens are
signed by their caller and addressed to one service, keys rotate by ``kid`` and are fetched as a JWKS, bounded."""

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from mejora_common.auth import ISSUER, issue_access_token, issue_service_token, verify_access_token
from mejora_common.errors import ProblemError
from mejora_common.keys import (
    ALGORITHM,
    JWKS_PATH,
    RemoteKeys,
    SigningKey,
    TokenKeys,
    jwks,
    keys_from_jwks,
    load_signing_key,
    public_pem,
    thumbprint,
)
from mejora_common.settings import CommonSettings
from mejora_common.testing import OLD_SHARED_SECRET, TEST_KEYS, make_principal, make_token, service_token


def refused(token: str, keys: TokenKeys) -> bool:
    try:
        verify_access_token(token, keys)
    except ProblemError as exc:
        assert exc.status == 401 and exc.code == "token_invalid"
        return True
    return False


def test_an_access_token_is_eddsa_and_names_its_key() -> None:
    header = jwt.get_unverified_header(make_token())
    assert header["alg"] == "EdDSA" and header["kid"] == TEST_KEYS.cycles.kid


def test_the_kid_is_the_rfc7638_thumbprint() -> None:
    # RFC 8037, appendix A.3: the thumbprint of its example Ed25519 key.
    document = {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}
    (kid,) = keys_from_jwks(document)
    assert kid == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    assert public_pem(keys_from_jwks(document)[kid]).startswith("-----BEGIN PUBLIC KEY-----")


def test_a_token_signed_by_any_key_but_cycles_is_refused_everywhere() -> None:
    person = make_principal("coordinator", uuid.uuid4())
    for verifier in ("cycles", "observations", "reports", "gateway"):
        keys = TEST_KEYS.verifier(verifier)
        assert not refused(make_token(person), keys)
        assert refused(make_token(person, key=SigningKey.generate()), keys)
        # A sibling's own key cannot make a person's token either.
        assert refused(make_token(person, key=TEST_KEYS.signer("reports")), keys)
        assert refused(make_token(person, key=TEST_KEYS.signer("observations")), keys)


def test_an_hs256_token_with_the_old_shared_secret_is_refused() -> None:
    claims = jwt.decode(make_token(), options={"verify_signature": False})
    for headers in ({}, {"kid": TEST_KEYS.cycles.kid}):
        old = jwt.encode(claims, OLD_SHARED_SECRET, algorithm="HS256", headers=headers)
        assert refused(old, TEST_KEYS.verifier("observations"))
    unsigned = jwt.encode(claims, None, algorithm="none", headers={"kid": TEST_KEYS.cycles.kid})
    assert refused(unsigned, TEST_KEYS.verifier("cycles"))


def test_a_service_token_is_accepted_only_by_its_audience() -> None:
    token = service_token("reports", "observations", actor=make_principal("coach", uuid.uuid4()))
    assert verify_access_token(token, TEST_KEYS.verifier("observations")).via == "reports"
    assert refused(token, TEST_KEYS.verifier("cycles"))
    assert refused(token, TEST_KEYS.verifier("gateway"))


def test_a_service_token_must_be_signed_by_the_service_it_names() -> None:
    forged = issue_service_token("reports", TEST_KEYS.signer("observations"), audience="cycles")
    assert refused(forged, TEST_KEYS.verifier("cycles"))
    stranger = issue_service_token("intruso", SigningKey.generate(), audience="cycles")
    assert refused(stranger, TEST_KEYS.verifier("cycles"))


def test_a_service_token_without_an_audience_is_refused() -> None:
    claims = jwt.decode(service_token("reports", "cycles"), options={"verify_signature": False})
    del claims["aud"]
    key = TEST_KEYS.signer("reports")
    token = jwt.encode(claims, key.private, algorithm=ALGORITHM, headers={"kid": key.kid})
    assert refused(token, TEST_KEYS.verifier("cycles"))


class Cycles:
    """Cycles' JWKS as a verifier fetches it: counts the fetches, serves whatever keys it holds now."""

    def __init__(self, *keys: SigningKey) -> None:
        self.keys = list(keys)
        self.fetches = 0

    def fetch(self, url: str) -> Any:
        assert url == "http://cycles/.well-known/jwks.json"
        self.fetches += 1
        return jwks(key.public for key in self.keys)


def remote_verifier(cycles: Cycles) -> TokenKeys:
    return TokenKeys(
        service="observations", signing_key=None, jwks_url=lambda s: f"http://{s}{JWKS_PATH}", fetch=cycles.fetch
    )


def token_by(key: SigningKey) -> str:
    token, _ = issue_access_token(make_principal("teacher"), key, 5)
    return token


def test_keys_are_fetched_once_and_again_on_an_unknown_kid() -> None:
    first, second = SigningKey.generate(), SigningKey.generate()
    cycles = Cycles(first)
    keys = TokenKeys(
        service="observations",
        signing_key=None,
        jwks_url=lambda signer: f"http://{signer}/.well-known/jwks.json",
        fetch=cycles.fetch,
    )
    assert not refused(token_by(first), keys)
    assert not refused(token_by(first), keys)
    assert cycles.fetches == 1  # cached
    cycles.keys.append(second)  # cycles rotates: the new kid is unknown here, so the JWKS is fetched again, once
    remote = keys._remote["cycles"]
    remote._last = None  # as after the refetch interval
    assert not refused(token_by(second), keys)
    assert cycles.fetches == 2


def test_an_unknown_kid_cannot_make_a_verifier_hammer_cycles() -> None:
    now = [100.0]
    cycles = Cycles(SigningKey.generate())
    remote = RemoteKeys("http://cycles/.well-known/jwks.json", fetch=cycles.fetch, interval=5.0, clock=lambda: now[0])
    for _ in range(50):
        assert remote.key(f"falso-{uuid.uuid4()}") is None
    assert cycles.fetches == 1
    now[0] += 5.0
    assert remote.key("otro-falso") is None
    assert cycles.fetches == 2


def test_cycles_unreachable_keeps_the_cached_keys() -> None:
    now = [0.0]
    key = SigningKey.generate()
    answers: list[Any] = [jwks([key.public])]

    def fetch(url: str) -> Any:
        if not answers:
            raise httpx.ConnectError("cycles no responde")
        return answers.pop()

    remote = RemoteKeys("http://cycles", fetch=fetch, clock=lambda: now[0])
    assert remote.key(key.kid) is not None
    now[0] += 60
    assert remote.key("desconocido") is None
    assert remote.key(key.kid) is not None


def test_rotation_an_earlier_key_is_accepted_until_removed(tmp_path: Path) -> None:
    old, new = SigningKey.generate(), SigningKey.generate()
    rotated = CommonSettings(
        data_dir=tmp_path, signing_key=new.private_pem(), previous_public_keys=public_pem(old.public)
    ).token_keys("cycles")
    assert [thumbprint(k) for k in rotated.own_keys()] == [new.kid, old.kid]  # what its JWKS serves
    assert jwt.get_unverified_header(issue_access_token(make_principal(), rotated.signer, 5)[0])["kid"] == new.kid
    assert not refused(token_by(old), rotated)  # issued before the rotation, not yet expired
    assert not refused(token_by(new), rotated)
    removed = CommonSettings(data_dir=tmp_path, signing_key=new.private_pem()).token_keys("cycles")
    assert refused(token_by(old), removed)
    # A sibling sees the same through cycles' JWKS: the removed kid is gone from it.
    cycles = Cycles(new)
    assert refused(token_by(old), remote_verifier(cycles))


def test_keys_from_settings_pem_file_or_generated(tmp_path: Path) -> None:
    key = SigningKey.generate()
    mounted = tmp_path / "secret.pem"
    mounted.write_text(key.private_pem())
    assert load_signing_key("", str(mounted), tmp_path / "a", "cycles").kid == key.kid
    assert load_signing_key(key.private_pem(), "", tmp_path / "b", "cycles").kid == key.kid
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()  # nothing generated when given
    generated = load_signing_key("", "", tmp_path / "c", "reports")
    assert load_signing_key("", "", tmp_path / "c", "reports").kid == generated.kid
    assert [p.name for p in (tmp_path / "c").iterdir()] == ["reports-signing-key.pem"]


def test_trusted_keys_pin_a_signer_and_nothing_is_fetched(tmp_path: Path) -> None:
    def no_fetch(url: str) -> Any:
        raise AssertionError(f"fetched {url}")

    settings = CommonSettings(
        data_dir=tmp_path,
        signing_key=TEST_KEYS.signer("reports").private_pem(),
        trusted_keys=json.dumps({"cycles": public_pem(TEST_KEYS.cycles.public)}),
    )
    keys = settings.token_keys("reports")
    keys.fetch = no_fetch
    assert not refused(make_token(), keys)
    assert refused(make_token(key=SigningKey.generate()), keys)
    assert "PRIVATE" not in settings.trusted_keys  # only public keys of others are configured


def test_the_jwks_lists_the_current_and_previous_keys_only_public() -> None:
    document = jwks(TEST_KEYS.verifier("cycles").own_keys())
    (entry,) = document["keys"]
    assert entry["kid"] == TEST_KEYS.cycles.kid and entry["alg"] == "EdDSA" and set(entry) >= {"kty", "crv", "x"}
    assert "d" not in entry


def test_a_token_with_a_service_role_signed_by_cycles_for_itself_is_checked_against_cycles() -> None:
    token = issue_service_token("cycles", TEST_KEYS.cycles, audience="reports")
    assert verify_access_token(token, TEST_KEYS.verifier("reports")).is_service
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["iss"] == ISSUER and claims["aud"] == "reports"


@pytest.mark.parametrize("signer", ["observations", "reports"])
def test_a_sibling_cannot_sign_as_cycles(signer: str) -> None:
    token = issue_service_token("cycles", TEST_KEYS.signer(signer), audience="reports")
    assert refused(token, TEST_KEYS.verifier("reports"))
