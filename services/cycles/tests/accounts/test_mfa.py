"""The second factor: TOTP enrolment, the two-step login, recovery codes, and the rule that coordinators need one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient

from cycles_service.service import mfa
from mejora_common.db import utcnow
from mejora_common.testing import DEMO_PASSWORD

from .conftest import COORDINATOR, bearer

MFA = "/api/v1/auth/mfa"


def password_step(client: TestClient, address: str = COORDINATOR) -> dict[str, Any]:
    response = client.post("/api/v1/auth/token", data={"username": address, "password": DEMO_PASSWORD})
    assert response.status_code == 401, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == "mfa_required"
    return body


class Clock:
    """The service's clock for TOTP (``service.mfa.now``), fixed in the middle of a time step so a test never
    crosses a step boundary by chance."""

    def __init__(self) -> None:
        start = utcnow()
        self.current = start.replace(second=15 if start.second < 30 else 45, microsecond=0)

    def __call__(self) -> datetime:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(mfa, "now", fake)
    return fake


def code_at(totp: pyotp.TOTP, clock: Clock, steps: int = 0) -> str:
    """The code of the current time step, or of one ``steps`` away."""
    return totp.at(clock.current + timedelta(seconds=30 * steps))


def wrong_code(totp: pyotp.TOTP, clock: Clock) -> str:
    """A code that no accepted step has."""
    valid = {code_at(totp, clock, steps) for steps in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def enrol(client: TestClient, headers: dict[str, str], clock: Clock) -> tuple[pyotp.TOTP, list[str]]:
    started = client.post(f"{MFA}/enrolment", headers=headers)
    assert started.status_code == 200, started.text
    totp = pyotp.TOTP(started.json()["secret"])
    assert started.json()["otpauth_uri"].startswith("otpauth://totp/")
    confirmed = client.post(f"{MFA}/enrolment/confirm", json={"code": code_at(totp, clock)}, headers=headers)
    assert confirmed.status_code == 200, confirmed.text
    codes: list[str] = confirmed.json()["recovery_codes"]
    return totp, codes


def challenge(client: TestClient, token: str, **answer: str) -> Any:
    return client.post(f"{MFA}/challenge", json={"mfa_token": token, **answer})


def test_enrolment_then_login_needs_the_code(client: TestClient, clock: Clock) -> None:
    headers = bearer(client, COORDINATOR)
    assert client.get(MFA, headers=headers).json() == {
        "enabled": False,
        "required": False,
        "pending_enrolment": False,
        "recovery_codes_left": 0,
    }
    totp, codes = enrol(client, headers, clock)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(MFA, headers=headers).json()["recovery_codes_left"] == 10

    step = password_step(client)
    assert step["enrolment_required"] is False
    assert "access_token" not in step
    wrong = challenge(client, step["mfa_token"], code=wrong_code(totp, clock))
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "mfa_code_invalid"
    # The code of the enrolment's step was spent by the enrolment; the next step's is accepted (clock drift).
    assert challenge(client, step["mfa_token"], code=code_at(totp, clock)).status_code == 400
    done = challenge(client, step["mfa_token"], code=code_at(totp, clock, 1))
    assert done.status_code == 200, done.text
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {done.json()['access_token']}"})
    assert me.json()["email"] == COORDINATOR
    assert done.json()["refresh_token"]
    # The challenge opens one session only, and a code is accepted once.
    clock.advance(30)
    assert challenge(client, step["mfa_token"], code=code_at(totp, clock, 1)).status_code == 401
    assert challenge(client, password_step(client)["mfa_token"], code=code_at(totp, clock)).status_code == 400
    assert challenge(client, password_step(client)["mfa_token"], code=code_at(totp, clock, 1)).status_code == 200


def test_a_recovery_code_works_once(client: TestClient, clock: Clock) -> None:
    _, codes = enrol(client, bearer(client, COORDINATOR), clock)
    first = challenge(client, password_step(client)["mfa_token"], recovery_code=codes[0].upper())
    assert first.status_code == 200, first.text
    again = challenge(client, password_step(client)["mfa_token"], recovery_code=codes[0])
    assert again.status_code == 400
    headers = {"Authorization": f"Bearer {first.json()['access_token']}"}
    assert client.get(MFA, headers=headers).json()["recovery_codes_left"] == 9


def test_wrong_codes_lock_the_account(client: TestClient, clock: Clock) -> None:
    totp, _ = enrol(client, bearer(client, COORDINATOR), clock)
    token = password_step(client)["mfa_token"]
    statuses = [challenge(client, token, code=wrong_code(totp, clock)).status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    locked = client.post("/api/v1/auth/token", data={"username": COORDINATOR, "password": DEMO_PASSWORD})
    assert locked.status_code == 429


def test_coordinators_must_enrol_at_login_when_configured(make_client: Callable[..., TestClient], clock: Clock) -> None:
    client = make_client(require_mfa_for="coordinator")
    step = password_step(client)
    assert step["enrolment_required"] is True
    started = client.post(f"{MFA}/challenge/enrolment", json={"mfa_token": step["mfa_token"]})
    assert started.status_code == 200, started.text
    totp = pyotp.TOTP(started.json()["secret"])
    done = challenge(client, step["mfa_token"], code=code_at(totp, clock))
    assert done.status_code == 200, done.text
    assert len(done.json()["recovery_codes"]) == 10
    headers = {"Authorization": f"Bearer {done.json()['access_token']}"}
    status = client.get(MFA, headers=headers).json()
    assert status["enabled"] and status["required"]
    refused = client.post(f"{MFA}/disable", json={"code": code_at(totp, clock, 1)}, headers=headers)
    assert refused.status_code == 409
    assert refused.json()["code"] == "mfa_required_by_policy"
    # The next login asks for the code; other roles are not asked.
    assert password_step(client)["enrolment_required"] is False
    assert bearer(client, "educadora@demo.cl")


def test_disable_and_new_recovery_codes_need_a_code(client: TestClient, clock: Clock) -> None:
    headers = bearer(client, "educadora@demo.cl")
    totp, old_codes = enrol(client, headers, clock)
    bad = client.post(f"{MFA}/recovery-codes", json={"code": wrong_code(totp, clock)}, headers=headers)
    assert bad.status_code == 400
    renewed = client.post(f"{MFA}/recovery-codes", json={"code": code_at(totp, clock, 1)}, headers=headers)
    assert renewed.status_code == 200
    assert set(renewed.json()["recovery_codes"]).isdisjoint(old_codes)
    assert client.post(f"{MFA}/enrolment", headers=headers).status_code == 409
    # The step just used, or an earlier one, is refused.
    assert client.post(f"{MFA}/disable", json={"code": code_at(totp, clock, 1)}, headers=headers).status_code == 400
    assert client.post(f"{MFA}/disable", json={"code": code_at(totp, clock)}, headers=headers).status_code == 400
    clock.advance(60)
    assert client.post(f"{MFA}/disable", json={"code": code_at(totp, clock)}, headers=headers).status_code == 204
    assert client.get(MFA, headers=headers).json()["enabled"] is False
    login = client.post("/api/v1/auth/token", data={"username": "educadora@demo.cl", "password": DEMO_PASSWORD})
    assert login.status_code == 200


def test_any_text_as_a_code_is_a_400_not_a_500(make_client: Callable[..., TestClient], clock: Clock) -> None:
    client = make_client(login_max_failures=0)  # many wrong codes on purpose
    headers = bearer(client, COORDINATOR)
    enrol(client, headers, clock)
    for code in ("ñandú-12", "１２３４５６", "12 34 56 78"):
        answer = client.post(f"{MFA}/recovery-codes", json={"code": code}, headers=headers)
        assert answer.status_code == 400, (code, answer.text)
        step = challenge(client, password_step(client)["mfa_token"], code=code)
        assert step.status_code == 400, (code, step.text)
        recovery = challenge(client, password_step(client)["mfa_token"], recovery_code=code)
        assert recovery.status_code == 400, (code, recovery.text)


def test_logging_in_again_gives_no_new_attempts_at_the_code(client: TestClient, clock: Clock) -> None:
    totp, _ = enrol(client, bearer(client, COORDINATOR), clock)
    wrong = wrong_code(totp, clock)
    first = password_step(client)["mfa_token"]
    assert [challenge(client, first, code=wrong).status_code for _ in range(3)] == [400, 400, 400]
    second = password_step(client)["mfa_token"]  # the right password resets the login counter
    assert challenge(client, second, code=wrong).status_code == 400
    assert challenge(client, second, code=wrong).status_code == 429
    refused = client.post("/api/v1/auth/token", data={"username": COORDINATOR, "password": DEMO_PASSWORD})
    assert refused.status_code == 429
    assert refused.json()["code"] == "too_many_attempts"
