"""Password hashing (Argon2id) and refresh-token digests.

Argon2 is deliberately slow and memory-hard (tens of milliseconds of CPU and 64 MiB per hash). Every hash and
verification runs in one small executor of its own, :data:`HASHING_THREADS` wide: a burst of logins (a whole
learning session signing in together) then queues here instead of taking every core, so reads keep answering. The
login route itself is also bounded by the ``auth`` route class (``mejora_common.overload.ROUTE_CLASSES``: 4 at
once, the rest shed with 503 before the handler runs, so a shed login never reaches the password check nor the
failed-attempt counter).
"""

from __future__ import annotations

import hashlib
import secrets
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

HASHING_THREADS = 2
"""Argon2 computations at once in one process (the machine the service is sized for has 2 cores)."""

_hasher = PasswordHasher()
_executor = ThreadPoolExecutor(max_workers=HASHING_THREADS, thread_name_prefix="argon2")
# Verified against when the email is unknown, so timing does not reveal which emails exist.
_DUMMY_HASH = _hasher.hash("contraseña-de-relleno")


def hash_password(password: str) -> str:
    return _executor.submit(_hasher.hash, password).result()


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_password(password_hash: str | None, password: str) -> bool:
    verified = _executor.submit(_verify, password_hash or _DUMMY_HASH, password).result()
    return verified and password_hash is not None


def new_refresh_token() -> str:
    return secrets.token_urlsafe(48)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
