"""Signing keys and the public keys that verify tokens (docs/adr/0009-asymmetric-tokens.md).

Every token is an EdDSA (Ed25519, RFC 8037) JWT with a ``kid`` header: the key's RFC 7638 thumbprint, so a key
names itself and no one has to keep key ids in step. Who signs what:

* **cycles** signs every user and integration token (access tokens); nobody else holds that key;
* **each service** signs its own short service tokens (a call to a sibling) with its own key pair.

Each service publishes its public keys — the current one plus earlier ones still accepted until their tokens
expire (``MEJORA_PREVIOUS_PUBLIC_KEYS``) — as a JWKS (RFC 7517) at :data:`JWKS_PATH`; cycles also at
:data:`PUBLIC_JWKS_PATH`, routed by the gateway. A verifier fetches a signer's JWKS, caches it, and fetches it again
on an unknown ``kid`` at most once every :data:`REFETCH_SECONDS`, so a forged ``kid`` cannot make it hammer the
signer. ``MEJORA_TRUSTED_KEYS`` pins public keys instead (tests, or a deployment that prefers not to fetch).

Private keys come from ``MEJORA_SIGNING_KEY`` (the PEM) or ``MEJORA_SIGNING_KEY_FILE`` (a mounted secret). Without
either, a key is generated once in the data directory (0600): the embedded default of ``make run`` only.

Verifying may fetch a JWKS (a blocking call of at most a few seconds, bounded as above): async callers that can
meet an unknown ``kid`` run it in a thread (the gateway does).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "EdDSA"
JWKS_PATH = "/.well-known/jwks.json"
"""Where every service serves its own public keys (internal: the gateway does not route it)."""
PUBLIC_JWKS_PATH = "/api/v1/auth/jwks.json"
"""Cycles' public keys through the gateway, for anyone who verifies user tokens."""
REFETCH_SECONDS = 5.0
USER_TOKEN_SIGNER = "cycles"  # noqa: S105 - a service name, not a secret
SIGNERS = frozenset({"cycles", "observations", "reports"})
"""The services whose keys a verifier may look up: a token naming any other signer is refused unfetched."""


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def thumbprint(public: Ed25519PublicKey) -> str:
    """RFC 7638 thumbprint (SHA-256 of the required members in lexicographic order): the key's ``kid``."""
    members = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": _b64url(_raw(public))}, separators=(",", ":"))
    return _b64url(hashlib.sha256(members.encode("ascii")).digest())


def public_jwk(public: Ed25519PublicKey) -> dict[str, str]:
    """The public key as a JWK (RFC 8037, section 2)."""
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": _b64url(_raw(public)),
        "kid": thumbprint(public),
        "alg": ALGORITHM,
        "use": "sig",
    }


def jwks(keys: Iterable[Ed25519PublicKey]) -> dict[str, list[dict[str, str]]]:
    return {"keys": [public_jwk(key) for key in keys]}


def keys_from_jwks(document: Any) -> dict[str, Ed25519PublicKey]:
    """The Ed25519 keys of a JWKS document by ``kid`` (recomputed, never trusted); other keys are ignored."""
    found: dict[str, Ed25519PublicKey] = {}
    entries = document.get("keys") if isinstance(document, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("kty") != "OKP" or entry.get("crv") != "Ed25519":
            continue
        try:
            raw = base64.urlsafe_b64decode(str(entry["x"]) + "=" * (-len(str(entry["x"])) % 4))
            key = Ed25519PublicKey.from_public_bytes(raw)
        except (KeyError, ValueError):
            continue
        found[thumbprint(key)] = key
    return found


def public_keys_from_pem(text: str) -> list[Ed25519PublicKey]:
    """Every Ed25519 public key in ``text`` (PEM blocks one after another); ValueError on anything else."""
    keys: list[Ed25519PublicKey] = []
    marker = "-----END PUBLIC KEY-----"
    for block in text.split(marker):
        if not block.strip():
            continue
        key = serialization.load_pem_public_key((block.strip() + "\n" + marker + "\n").encode("ascii"))
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("solo se aceptan claves públicas Ed25519")
        keys.append(key)
    return keys


def public_pem(public: Ed25519PublicKey) -> str:
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return pem.decode("ascii")


@dataclass(frozen=True)
class SigningKey:
    """A private Ed25519 key and its ``kid``."""

    private: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_pem(cls, pem: str | bytes) -> SigningKey:
        key = serialization.load_pem_private_key(pem.encode("ascii") if isinstance(pem, str) else pem, None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("la clave de firma debe ser Ed25519")
        return cls(key)

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def kid(self) -> str:
        return thumbprint(self.public)

    def private_pem(self) -> str:
        pem = self.private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return pem.decode("ascii")


def load_signing_key(pem: str, path: str, data_dir: Path, service: str) -> SigningKey:
    """The service's private key: the PEM given, else the file given, else one generated in ``data_dir``.

    The generated key (``<data_dir>/<service>-signing-key.pem``, 0600 in a 0700 directory, so backups of the data
    directory keep it) is the embedded default of ``make run`` only: production sets ``MEJORA_SIGNING_KEY`` or
    ``MEJORA_SIGNING_KEY_FILE`` from a secret.
    """
    if pem.strip():
        return SigningKey.from_pem(pem.strip())
    if path.strip():
        return SigningKey.from_pem(Path(path).read_bytes())
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = data_dir / f"{service}-signing-key.pem"
    if target.exists():
        return SigningKey.from_pem(target.read_bytes())
    key = SigningKey.generate()
    draft = data_dir / f".{service}-signing-key.{os.getpid()}.partial"
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key.private_pem())
    try:
        os.link(draft, target)  # atomic and never over an existing key: two processes starting at once agree
    except FileExistsError:
        key = SigningKey.from_pem(target.read_bytes())
    finally:
        draft.unlink()
    return key


Fetch = Callable[[str], Any]


def fetch_json(url: str) -> Any:
    response = httpx.get(url, timeout=3.0, headers={"Accept": "application/json"})
    response.raise_for_status()
    return response.json()


@dataclass
class RemoteKeys:
    """A signer's JWKS fetched from ``url``, cached; fetched again on an unknown ``kid``, at most every ``interval``.

    A signer that cannot be reached leaves the cached keys as they are: tokens signed with them keep verifying.
    """

    url: str
    fetch: Fetch = fetch_json
    interval: float = REFETCH_SECONDS
    clock: Callable[[], float] = time.monotonic
    keys: dict[str, Ed25519PublicKey] = field(default_factory=dict)
    fetches: int = 0
    _last: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def key(self, kid: str) -> Ed25519PublicKey | None:
        if kid in self.keys:
            return self.keys[kid]
        with self._lock:
            if kid not in self.keys and (self._last is None or self.clock() - self._last >= self.interval):
                self._last = self.clock()
                self.fetches += 1
                with contextlib.suppress(httpx.HTTPError, ValueError):
                    self.keys = keys_from_jwks(self.fetch(self.url))
            return self.keys.get(kid)


@dataclass
class TokenKeys:
    """What one process signs with and verifies against.

    ``service`` is the process's name: the only audience it accepts in a service token. ``signing_key`` is its own
    private key (the gateway has none); ``previous`` its earlier public keys, still served and accepted.
    ``trusted`` pins other signers' public keys; any other signer's keys are fetched from ``jwks_url(signer)``.
    """

    service: str
    signing_key: SigningKey | None
    previous: tuple[Ed25519PublicKey, ...] = ()
    trusted: Mapping[str, Mapping[str, Ed25519PublicKey]] = field(default_factory=dict)
    jwks_url: Callable[[str], str] | None = None
    fetch: Fetch = fetch_json
    _remote: dict[str, RemoteKeys] = field(default_factory=dict)

    @property
    def signer(self) -> SigningKey:
        if self.signing_key is None:
            raise RuntimeError(f"{self.service} no firma tokens")
        return self.signing_key

    def own_keys(self) -> list[Ed25519PublicKey]:
        current = [self.signing_key.public] if self.signing_key is not None else []
        return current + list(self.previous)

    def public_key(self, signer: str, kid: str) -> Ed25519PublicKey | None:
        """The key ``signer`` signed with as ``kid``, or None (an unknown signer is never looked up)."""
        if signer == self.service:
            return {thumbprint(key): key for key in self.own_keys()}.get(kid)
        if signer in self.trusted:
            return self.trusted[signer].get(kid)
        if signer not in SIGNERS or self.jwks_url is None:
            return None
        if signer not in self._remote:
            self._remote[signer] = RemoteKeys(self.jwks_url(signer), fetch=self.fetch)
        return self._remote[signer].key(kid)


def trusted_keys(text: str) -> dict[str, dict[str, Ed25519PublicKey]]:
    """``MEJORA_TRUSTED_KEYS``: a JSON object from signer name to its public keys in PEM."""
    if not text.strip():
        return {}
    document = json.loads(text)
    if not isinstance(document, dict):
        raise ValueError("MEJORA_TRUSTED_KEYS debe ser un objeto JSON {servicio: PEM}")
    return {
        str(name): {thumbprint(key): key for key in public_keys_from_pem(str(pem))} for name, pem in document.items()
    }
