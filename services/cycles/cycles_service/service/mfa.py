"""The second factor: TOTP (RFC 6238, ``pyotp``) with ten single-use recovery codes, and the two-step login.

Rules: ``domain.account_lifecycle``. A login whose account needs a second factor (enrolled, or a role listed in
``MEJORA_REQUIRE_MFA_FOR``) does not get tokens after the password: it gets 401 ``mfa_required`` with a short-lived
single-use ``mfa_token`` (``MEJORA_MFA_CHALLENGE_MINUTES``), then ``POST /auth/mfa/challenge`` with the token and a
code (or a recovery code) gives the session. An account that must have one but has none is asked to enrol right
there (``enrolment_required``): ``POST /auth/mfa/challenge/enrolment`` shows the secret and the first code
confirms it. Wrong codes count as failed logins (``throttling``: the account locks after
``MEJORA_LOGIN_MAX_FAILURES``) and a challenge is revoked after five. A right password resets the login counter, so
wrong codes are also counted on their own: ``MEJORA_LOGIN_MAX_FAILURES`` wrong codes since the last successful
second step, within ``MEJORA_LOGIN_LOCK_MINUTES``, refuse every new challenge with 429 until that window has passed
(logging in again with the password does not buy new attempts).

The TOTP secret must be read to check a code, so it is stored as is (base32), like the database's other secrets
readable only by the service; recovery codes are stored as SHA-256 digests (they are random, 50 bits).
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from datetime import timedelta

import pyotp
from sqlalchemy import update
from sqlmodel import Session, col, func, select

from mejora_common.auth import Principal
from mejora_common.errors import ProblemError, conflict

from ..domain.account_lifecycle import (
    MAX_CHALLENGE_ATTEMPTS,
    RECOVERY_ALPHABET,
    RECOVERY_CODES,
    accepted_totp_step,
    format_recovery_code,
    normalize_recovery_code,
    requires_second_factor,
    role_requires_second_factor,
)
from ..models import Account, Person
from ..models.account_lifecycle import MFA_CHALLENGE, AccountSecurity, AccountToken, RecoveryCode
from ..schemas.account_lifecycle import MfaEnrolment, MfaStatus, RecoveryCodes
from ..settings import Settings
from . import throttling
from .account_links import find_link, new_link, now, revoke_links, security_of, use_link
from .security import digest

ISSUER = "Mejora en Red"


def _roles(session: Session, account_id: uuid.UUID) -> list[str]:
    return list(session.exec(select(Person.role).where(Person.account_id == account_id)).all())


def code_invalid() -> ProblemError:
    return ProblemError(400, "mfa_code_invalid", "El código no es correcto o ya se usó. Revisa la hora del teléfono.")


def _match(secret: str, code: str, last: int | None) -> int | None:
    """The time step ``code`` is accepted for (``domain.accepted_totp_step``), or ``None``."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now())
    given = code.strip().replace(" ", "").encode()  # bytes: compare_digest refuses non-ASCII text
    steps = [s for s in range(current - 1, current + 2) if hmac.compare_digest(totp.generate_otp(s).encode(), given)]
    return accepted_totp_step(steps, current, last)


def _new_recovery_codes(session: Session, account_id: uuid.UUID) -> list[str]:
    session.execute(
        update(RecoveryCode)
        .where(col(RecoveryCode.account_id) == account_id, col(RecoveryCode.used_at).is_(None))
        .values(used_at=now())
    )
    codes = [
        format_recovery_code("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)))
        for _ in range(RECOVERY_CODES)
    ]
    for code in codes:
        session.add(RecoveryCode(account_id=account_id, code_hash=digest(normalize_recovery_code(code))))
    return codes


def _use_recovery_code(session: Session, account_id: uuid.UUID, code: str) -> bool:
    used = session.execute(
        update(RecoveryCode)
        .where(
            col(RecoveryCode.account_id) == account_id,
            col(RecoveryCode.code_hash) == digest(normalize_recovery_code(code)),
            col(RecoveryCode.used_at).is_(None),
        )
        .values(used_at=now())
    )
    return bool(used.rowcount == 1)  # type: ignore[attr-defined]


def _account(session: Session, principal: Principal) -> Account:
    account = session.get(Account, principal.account_id)
    if account is None or principal.is_service or principal.is_integration:
        raise ProblemError(403, "forbidden", "Solo las personas con cuenta tienen segundo factor.")
    return account


def status(session: Session, principal: Principal, settings: Settings) -> MfaStatus:
    account = _account(session, principal)
    security = session.get(AccountSecurity, account.id)
    left = session.exec(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.account_id == account.id, col(RecoveryCode.used_at).is_(None))
    ).one()
    return MfaStatus(
        enabled=security is not None and security.totp_secret is not None,
        required=role_requires_second_factor(_roles(session, account.id), settings.mfa_roles()),
        pending_enrolment=security is not None and security.totp_pending_secret is not None,
        recovery_codes_left=left if security is not None and security.totp_secret else 0,
    )


def _enrolment(session: Session, account: Account) -> MfaEnrolment:
    security = security_of(session, account.id)
    if security.totp_secret is not None:
        raise conflict("mfa_already_enabled", "Esta cuenta ya tiene segundo factor.")
    secret = pyotp.random_base32()
    security.totp_pending_secret = secret
    security.updated_at = now()
    session.add(security)
    session.commit()
    uri = pyotp.TOTP(secret).provisioning_uri(name=account.email, issuer_name=ISSUER)
    return MfaEnrolment(secret=secret, otpauth_uri=uri)


def _confirm(session: Session, account: Account, code: str) -> list[str]:
    """Turn the pending secret on with its first code; the new recovery codes (not committed)."""
    security = security_of(session, account.id)
    if security.totp_pending_secret is None:
        raise conflict("no_pending_enrolment", "Primero pide una clave nueva (inscripción del segundo factor).")
    step = _match(security.totp_pending_secret, code, None)
    if step is None:
        raise code_invalid()
    security.totp_secret, security.totp_pending_secret = security.totp_pending_secret, None
    security.totp_last_counter = step
    security.totp_enabled_at = security.updated_at = now()
    session.add(security)
    return _new_recovery_codes(session, account.id)


def start_enrolment(session: Session, principal: Principal) -> MfaEnrolment:
    return _enrolment(session, _account(session, principal))


def confirm_enrolment(session: Session, principal: Principal, code: str) -> RecoveryCodes:
    codes = _confirm(session, _account(session, principal), code)
    session.commit()
    return RecoveryCodes(recovery_codes=codes)


def _check_code(session: Session, account: Account, code: str) -> None:
    """A valid TOTP code of the enrolled account (it is then spent), else 400 (409 without a second factor)."""
    security = session.get(AccountSecurity, account.id)
    if security is None or security.totp_secret is None:
        raise conflict("mfa_not_enabled", "Esta cuenta no tiene segundo factor.")
    step = _match(security.totp_secret, code, security.totp_last_counter)
    if step is None:
        raise code_invalid()
    security.totp_last_counter = step
    session.add(security)


def regenerate_recovery_codes(session: Session, principal: Principal, code: str) -> RecoveryCodes:
    account = _account(session, principal)
    _check_code(session, account, code)
    codes = _new_recovery_codes(session, account.id)
    session.commit()
    return RecoveryCodes(recovery_codes=codes)


def disable(session: Session, principal: Principal, code: str, settings: Settings) -> None:
    account = _account(session, principal)
    if role_requires_second_factor(_roles(session, account.id), settings.mfa_roles()):
        raise conflict("mfa_required_by_policy", "Tu rol exige segundo factor: no se puede desactivar.")
    _check_code(session, account, code)
    security = security_of(session, account.id)
    security.totp_secret = security.totp_last_counter = security.totp_enabled_at = None
    security.updated_at = now()
    session.add(security)
    session.execute(
        update(RecoveryCode)
        .where(col(RecoveryCode.account_id) == account.id, col(RecoveryCode.used_at).is_(None))
        .values(used_at=now())
    )
    session.commit()


# --------------------------------------------------------------------------------------------- two-step login
def _ensure_codes_not_guessed(session: Session, account_id: uuid.UUID, settings: Settings) -> None:
    """429 while the wrong codes since the last successful second step, within the lock window, reach the limit."""
    if settings.login_max_failures <= 0:
        return
    current = now()
    window_start = current - timedelta(minutes=settings.login_lock_minutes)
    rows = session.exec(
        select(AccountToken).where(
            AccountToken.account_id == account_id,
            AccountToken.kind == MFA_CHALLENGE,
            col(AccountToken.created_at) > window_start,
        )
    ).all()
    last_success = max((r.used_at for r in rows if r.used_at is not None), default=None)
    counted = [r for r in rows if last_success is None or r.created_at > last_success]
    if sum(r.attempts for r in counted) >= settings.login_max_failures:
        first = min(r.created_at for r in counted if r.attempts)
        raise throttling.too_many_attempts(first + timedelta(minutes=settings.login_lock_minutes), current)


def require_second_factor(session: Session, account: Account, settings: Settings) -> None:
    """Called by the login after a right password: 401 ``mfa_required`` (with a challenge) when the account needs
    a second factor; returns when it does not."""
    security = session.get(AccountSecurity, account.id)
    enrolled = security is not None and security.totp_secret is not None
    if not requires_second_factor(enrolled, _roles(session, account.id), settings.mfa_roles()):
        return
    _ensure_codes_not_guessed(session, account.id, settings)
    revoke_links(session, account.id, (MFA_CHALLENGE,))
    minutes = settings.mfa_challenge_minutes
    token = new_link(session, MFA_CHALLENGE, account.id, now() + timedelta(minutes=minutes))
    session.commit()
    detail = (
        "Ingresa el código de tu aplicación de autenticación."
        if enrolled
        else "Tu rol exige un segundo factor: inscríbelo para continuar."
    )
    raise ProblemError(
        401,
        "mfa_required",
        detail,
        extra={"mfa_token": token, "enrolment_required": not enrolled, "expires_in": minutes * 60},
    )


def _challenge(session: Session, mfa_token: str) -> tuple[AccountToken, Account]:
    link = find_link(session, mfa_token, MFA_CHALLENGE)
    account = session.get(Account, link.account_id) if link else None
    if link is None or account is None or not account.is_active:
        raise ProblemError(401, "mfa_challenge_invalid", "El paso de verificación venció. Vuelve a iniciar sesión.")
    throttling.ensure_not_locked(account)
    return link, account


def challenge_enrolment(session: Session, mfa_token: str) -> MfaEnrolment:
    """During a login that requires enrolment: a new secret to enrol (the challenge stays open)."""
    _, account = _challenge(session, mfa_token)
    return _enrolment(session, account)


def _failed(session: Session, link: AccountToken, account: Account, settings: Settings) -> ProblemError:
    link.attempts += 1
    if link.attempts >= MAX_CHALLENGE_ATTEMPTS:
        link.revoked_at = now()
    session.add(link)
    session.commit()
    throttling.record_failure(session, account, settings)  # 429 once the account locks
    _ensure_codes_not_guessed(session, account.id, settings)
    return code_invalid()


def complete_login(
    session: Session, mfa_token: str, code: str | None, recovery_code: str | None, settings: Settings
) -> tuple[Account, list[str] | None]:
    """The account of a challenge answered with a valid code (or recovery code), and the recovery codes when the
    code confirmed an enrolment. Not committed beyond the spent challenge; the caller issues the tokens."""
    link, account = _challenge(session, mfa_token)
    security = security_of(session, account.id)
    codes: list[str] | None = None
    try:
        if security.totp_secret is None and code:
            codes = _confirm(session, account, code)
        elif code:
            _check_code(session, account, code)
        elif not (recovery_code and security.totp_secret and _use_recovery_code(session, account.id, recovery_code)):
            raise code_invalid()
    except ProblemError as error:
        if error.code not in ("mfa_code_invalid", "no_pending_enrolment", "mfa_not_enabled"):
            raise
        session.rollback()
        raise _failed(session, link, account, settings) from error
    use_link(session, mfa_token, MFA_CHALLENGE)  # atomic: a challenge opens one session
    session.commit()
    throttling.reset(session, account)
    return account, codes
