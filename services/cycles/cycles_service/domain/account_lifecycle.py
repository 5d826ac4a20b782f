"""Rules of the account lifecycle (docs/security.md, "Account lifecycle"; issue 11, point 5). Pure functions.

* **Links** (an invitation, a password reset, a login challenge) are single-use and expire: a link is usable only
  when it was neither used nor revoked and its expiry is still ahead.
* **Who manages accounts**: a network's coordinators invite its people and deactivate or reactivate them. An
  account that also belongs to a network where the caller is not a coordinator cannot be deactivated by her (it
  would lock that person out of a network she does not manage), and nobody deactivates her own account.
* **Second factor**: an account needs one when it has enrolled one, or when any of its roles is listed in
  ``MEJORA_REQUIRE_MFA_FOR``. A TOTP code (RFC 6238: 6 digits, 30-second steps) is accepted for the step before,
  the current one and the step after (clock drift), and only for a step after the last one accepted, so a code
  seen over a shoulder cannot be replayed.
* **Recovery codes**: ten, each of 10 letters and digits in two groups (``abcde-23456``), single-use; compared
  after removing spaces and dashes and lowering case.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
"""No 0/o, 1/l/i: codes are copied by hand."""
TOTP_WINDOW = 1
"""Time steps accepted on either side of the current one."""
MAX_CHALLENGE_ATTEMPTS = 5
"""Wrong codes after which a login challenge is revoked (the account's login lock counts them too)."""


def link_usable(used_at: datetime | None, revoked_at: datetime | None, expires_at: datetime, now: datetime) -> bool:
    return used_at is None and revoked_at is None and expires_at > now


def requires_second_factor(enrolled: bool, roles: Iterable[str], required_roles: frozenset[str]) -> bool:
    return enrolled or any(role in required_roles for role in roles)


def role_requires_second_factor(roles: Iterable[str], required_roles: frozenset[str]) -> bool:
    return any(role in required_roles for role in roles)


def may_deactivate(
    caller_account: uuid.UUID,
    coordinated_networks: Iterable[uuid.UUID],
    account: uuid.UUID,
    account_networks: Iterable[uuid.UUID],
) -> str | None:
    """``None`` when the caller may deactivate (or reactivate) ``account``, else the code of the refusal."""
    if caller_account == account:
        return "cannot_deactivate_self"
    if not set(account_networks) <= set(coordinated_networks):
        return "account_in_other_networks"
    return None


def accepted_totp_step(
    matching_steps: Iterable[int], current_step: int, last_accepted: int | None, window: int = TOTP_WINDOW
) -> int | None:
    """The step a code is accepted for: one of ``matching_steps`` (the steps whose code equals the one given)
    within ``window`` of ``current_step`` and after ``last_accepted``; ``None`` when none is."""
    for step in sorted(matching_steps):
        if abs(step - current_step) <= window and (last_accepted is None or step > last_accepted):
            return step
    return None


def normalize_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch not in " -\t")


def format_recovery_code(raw: str) -> str:
    """``abcde23456`` → ``abcde-23456``."""
    half = len(raw) // 2
    return f"{raw[:half]}-{raw[half:]}"
