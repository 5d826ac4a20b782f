"""Access tokens: issued by the cycles service, verified by every process.

Tokens are EdDSA (Ed25519) JWTs with a ``kid`` (``mejora_common.keys``): user and integration tokens are signed
by cycles' key alone, service tokens by the calling service's own key. They carry the
account, its highest role and its memberships (network, person, role,
school), so a service can authorise a request without calling another
service. Access tokens are short-lived, which bounds how stale a membership
in a token can be.

Integration clients (a SLEP system with an API key) get tokens with role
``integration``, one membership in their network and a ``scopes`` claim. They
are refused by every endpoint (403) unless the endpoint opts in with
:func:`accepts_integrations` and then checks the scope it needs
(:meth:`Principal.has_scope`, :func:`missing_scope`). The scope names belong
to the services that check them.

Service tokens (role ``service``) are minted by a sibling service for one call, in two kinds
(docs/privacy.md, "The view log of teacher-level data"):

* **on behalf of a person** — the token carries an ``act`` claim (RFC 8693, section 4.1) naming the person
  (or integration client) the calling service is serving: ``{"sub", "email", "name", "role", "memberships",
  "scopes"}``. :func:`verify_access_token` turns such a token into that person's :class:`Principal`, with
  :attr:`Principal.via` naming the calling service: the receiving service authorises the person's rights (never
  a service's) and its view log names the person and the client;
* **for an aggregate computation** — no ``act`` and ``"purpose": "aggregate"``: the service reads what the
  person may not read row by row and applies the aggregate rules itself; such reads are not views of one
  teacher's data and are not logged.

A service token is addressed to one service (``aud``), lives a few minutes and is verified against the keys of
the service it names (``service``); any other token is verified against cycles' keys only. So a service can act
for a person it already authorised, but cannot mint a person's token, and a token meant for one sibling is
refused by another (docs/adr/0009-asymmetric-tokens.md). Every token is signed by :func:`encode_token` alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar

import jwt
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from .errors import ProblemError
from .keys import ALGORITHM, USER_TOKEN_SIGNER, SigningKey, TokenKeys

ISSUER = "mejora-en-red"
SERVICE_ROLE = "service"
INTEGRATION_ROLE = "integration"
AGGREGATE_PURPOSE = "aggregate"
"""``purpose`` of a service token read only to compute aggregates (not a view of one teacher's data)."""
ROLE_RANK = {"teacher": 1, "leader": 2, "coach": 3, "facilitator": 4, "coordinator": 5, "integration": 0}

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


@dataclass(frozen=True)
class Membership:
    network_id: uuid.UUID
    person_id: uuid.UUID
    role: str
    school_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Principal:
    """Who is calling, as the verified token says."""

    account_id: uuid.UUID
    email: str
    name: str
    role: str
    memberships: tuple[Membership, ...] = field(default_factory=tuple)
    scopes: tuple[str, ...] = ()
    """What an integration client was granted; user and service tokens have none."""
    via: str | None = None
    """The sibling service that made this call on the person's behalf (a service token's ``act`` claim)."""
    purpose: str | None = None
    """Of a service token without a person: :data:`AGGREGATE_PURPOSE` when it only computes aggregates; of a call on
    a person's behalf (:attr:`via`), what the calling service reads for (e.g. ``feedback``). Never of a person's own
    token."""

    def membership(self, network_id: uuid.UUID) -> Membership | None:
        return next((m for m in self.memberships if m.network_id == network_id), None)

    def network_ids(self) -> list[uuid.UUID]:
        return [m.network_id for m in self.memberships]

    def role_in(self, network_id: uuid.UUID) -> str | None:
        m = self.membership(network_id)
        return m.role if m else None

    @property
    def is_service(self) -> bool:
        """A sibling service reading on behalf of a user it has already authorised."""
        return self.role == SERVICE_ROLE

    @property
    def is_integration(self) -> bool:
        """An integration client (a SLEP system with an API key), not a person."""
        return self.role == INTEGRATION_ROLE

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def computes_aggregates(self) -> bool:
        """A sibling service reading only to compute aggregates (its token says ``purpose: aggregate``)."""
        return self.is_service and self.purpose == AGGREGATE_PURPOSE

    @property
    def client(self) -> str:
        """Through which client the call came: ``web``, ``integration:<client id>``, a service's name (on the
        person's behalf: :attr:`via`) or ``service:<name>`` for a service reading for itself."""
        if self.via:
            return self.via
        if self.is_integration:
            return f"integration:{self.account_id}"
        if self.is_service:
            return f"service:{self.name.removeprefix(SERVICE_NAME_PREFIX)}"
        return "web"


SERVICE_NAME_PREFIX = "servicio "


@dataclass(frozen=True)
class Actor:
    """The person (or integration client) a service calls a sibling for: the ``act`` claim (RFC 8693 4.1)."""

    account_id: uuid.UUID
    email: str
    name: str
    role: str
    memberships: tuple[Membership, ...] = ()
    scopes: tuple[str, ...] = ()

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        return cls(
            account_id=principal.account_id,
            email=principal.email,
            name=principal.name,
            role=principal.role,
            memberships=principal.memberships,
            scopes=principal.scopes,
        )

    def claims(self) -> dict[str, Any]:
        claims: dict[str, Any] = {
            "sub": str(self.account_id),
            "email": self.email,
            "name": self.name,
            "role": self.role,
            "memberships": _membership_claims(self.memberships),
        }
        if self.scopes:
            claims["scopes"] = list(self.scopes)
        return claims

    def principal(self, via: str, purpose: str | None = None) -> Principal:
        """The person as the receiving service authorises them, reached through the service ``via`` (which may say
        what for: ``purpose``, e.g. ``feedback``)."""
        return Principal(
            account_id=self.account_id,
            email=self.email,
            name=self.name,
            role=self.role,
            memberships=self.memberships,
            scopes=self.scopes,
            via=via,
            purpose=purpose,
        )


def highest_role(roles: list[str]) -> str:
    return max(roles, key=lambda r: ROLE_RANK.get(r, 0)) if roles else "teacher"


def _membership_claims(memberships: tuple[Membership, ...]) -> list[dict[str, Any]]:
    return [
        {
            "network_id": str(m.network_id),
            "person_id": str(m.person_id),
            "role": m.role,
            "school_id": str(m.school_id) if m.school_id else None,
        }
        for m in memberships
    ]


def encode_token(claims: dict[str, Any], key: SigningKey) -> str:
    """Sign a token's claims: the one place that knows the algorithm (EdDSA) and names the key (``kid``)."""
    return jwt.encode(claims, key.private, algorithm=ALGORITHM, headers={"kid": key.kid})


def issue_access_token(
    principal: Principal, key: SigningKey, minutes: int, *, extra: dict[str, Any] | None = None
) -> tuple[str, datetime]:
    """A user or integration token; only cycles' key makes one that other services accept."""
    now = datetime.now(UTC)
    expires = now + timedelta(minutes=minutes)
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": str(principal.account_id),
        "email": principal.email,
        "name": principal.name,
        "role": principal.role,
        "memberships": _membership_claims(principal.memberships),
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "jti": uuid.uuid4().hex,
        "typ": "access",
    }
    if principal.scopes:
        claims["scopes"] = list(principal.scopes)
    claims.update(extra or {})
    return encode_token(claims, key), expires


def issue_service_token(
    service: str,
    key: SigningKey,
    minutes: int = 5,
    *,
    audience: str,
    actor: Actor | Principal | None = None,
    purpose: str | None = None,
) -> str:
    """A short-lived token ``service`` (signing with its own ``key``) uses to call the sibling ``audience``: on
    behalf of ``actor``, or for itself. No other service accepts it.

    With ``actor`` (the person being served) the token carries the ``act`` claim and the sibling authorises that
    person's rights and logs the view naming them (see the module docstring). Without it, the service reads for
    its own computations — reports uses it to aggregate observations that the end user may not read one by one,
    with ``purpose=AGGREGATE_PURPOSE`` — and the calling service is responsible for applying the user's access
    rules (e.g. minimum group size) to what it returns.
    """
    principal = Principal(
        account_id=uuid.uuid5(uuid.NAMESPACE_URL, f"mejora-en-red:service:{service}"),
        email=f"{service}@servicios.mejora-en-red",
        name=f"{SERVICE_NAME_PREFIX}{service}",
        role=SERVICE_ROLE,
    )
    extra: dict[str, Any] = {"service": service, "aud": audience}
    if actor is not None:
        person = actor if isinstance(actor, Actor) else Actor.of(actor)
        extra["act"] = person.claims()
    if purpose is not None:
        extra["purpose"] = purpose
    token, _ = issue_access_token(principal, key, minutes, extra=extra)
    return token


def _unauthorized(code: str, detail: str) -> ProblemError:
    return ProblemError(401, code, detail, headers={"WWW-Authenticate": "Bearer"})


def _invalid() -> ProblemError:
    return _unauthorized("token_invalid", "El token de acceso no es válido.")


def token_signer(token: str) -> tuple[str, str, bool]:
    """Who must have signed ``token`` (its ``kid`` and whether it is a service token), read before verifying it.

    A service token (``role: service``) names its signer in ``service``; every other token is cycles'. The
    signature is then checked with that signer's key alone, so the claims that chose the key are verified too.
    """
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise _invalid() from exc
    if header.get("alg") != ALGORITHM or not isinstance(header.get("kid"), str):
        raise _invalid()  # never HS256 (the old shared secret) nor "none"
    if claims.get("role") == SERVICE_ROLE:
        return str(claims.get("service") or ""), header["kid"], True
    return USER_TOKEN_SIGNER, header["kid"], False


def verify_access_token(token: str, keys: TokenKeys) -> Principal:
    """Decode and check signer, signature, expiry, issuer, audience and shape; 401 problem otherwise."""
    signer, kid, is_service = token_signer(token)
    public = keys.public_key(signer, kid)
    if public is None:
        raise _invalid()
    try:
        claims = jwt.decode(
            token,
            public,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            audience=keys.service if is_service else None,
            options={"require": ["exp", "sub", "iss", "aud"] if is_service else ["exp", "sub", "iss"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise _unauthorized("token_expired", "La sesión expiró. Vuelve a iniciar sesión.") from exc
    except jwt.PyJWTError as exc:
        raise _invalid() from exc
    if claims.get("typ") != "access":
        raise _unauthorized("token_invalid", "El token de acceso no es válido.")
    try:
        if claims.get("role") == SERVICE_ROLE and claims.get("act") is not None:
            purpose = str(claims["purpose"]) if claims.get("purpose") else None
            via = str(claims.get("service") or SERVICE_ROLE)
            return _acting_for(_principal_from(claims["act"]), via=via, purpose=purpose)
        return _principal_from(claims)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _unauthorized("token_invalid", "El token de acceso no es válido.") from exc


def readdress_service_token(token: str, keys: TokenKeys, audience: str) -> str:
    """A service token ``keys.service`` minted (for any sibling) minted again for ``audience``: same person (``act``),
    same purpose, a fresh expiry. Only this service's own tokens: it checks the signature with its own keys."""
    signer, kid, is_service = token_signer(token)
    public = keys.public_key(keys.service, kid) if is_service and signer == keys.service else None
    if public is None:
        raise _invalid()
    try:
        claims = jwt.decode(token, public, algorithms=[ALGORITHM], issuer=ISSUER, options={"verify_aud": False})
        act = claims.get("act")
        actor = Actor.of(_principal_from(act)) if isinstance(act, dict) else None
    except (jwt.PyJWTError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _invalid() from exc
    purpose = str(claims["purpose"]) if claims.get("purpose") else None
    return issue_service_token(keys.service, keys.signer, audience=audience, actor=actor, purpose=purpose)


def _principal_from(claims: dict[str, Any]) -> Principal:
    memberships = tuple(
        Membership(
            network_id=uuid.UUID(m["network_id"]),
            person_id=uuid.UUID(m["person_id"]),
            role=str(m["role"]),
            school_id=uuid.UUID(m["school_id"]) if m.get("school_id") else None,
        )
        for m in claims.get("memberships", [])
    )
    role = str(claims.get("role", "teacher"))
    return Principal(
        account_id=uuid.UUID(claims["sub"]),
        email=str(claims.get("email", "")),
        name=str(claims.get("name", "")),
        role=role,
        memberships=memberships,
        scopes=tuple(str(s) for s in claims.get("scopes") or ()),
        purpose=str(claims["purpose"]) if role == SERVICE_ROLE and claims.get("purpose") else None,
    )


def _acting_for(person: Principal, *, via: str, purpose: str | None) -> Principal:
    """The person an ``act`` claim names, as the receiving service authorises them."""
    if person.role == SERVICE_ROLE:  # an act claim naming a service would hand out a service's rights
        raise ValueError("act names a service")
    return Actor.of(person).principal(via, purpose)


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    if not header:
        raise _unauthorized("unauthenticated", "Debes iniciar sesión para acceder a este recurso.")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("token_invalid", "El encabezado Authorization debe ser 'Bearer <token>'.")
    return token.strip()


_ACCEPTS_INTEGRATIONS = "__mejora_accepts_integrations__"
F = TypeVar("F", bound=Callable[..., Any])


def accepts_integrations(endpoint: F) -> F:
    """Marks an endpoint as reachable by integration clients; it must then check their scope itself."""
    setattr(endpoint, _ACCEPTS_INTEGRATIONS, True)
    return endpoint


def missing_scope(scope: str) -> ProblemError:
    """403 for an integration client of the network that was not granted ``scope``."""
    return ProblemError(
        403,
        "insufficient_scope",
        f"Esta integración no tiene el permiso «{scope}» necesario para este recurso.",
        extra={"required_scope": scope},
    )


def current_principal(request: Request, _token: Annotated[str | None, Depends(oauth2_scheme)]) -> Principal:
    """FastAPI dependency: the verified caller, checked with ``app.state.token_keys`` (:class:`TokenKeys`).

    Integration clients are refused (403) unless the endpoint is marked with :func:`accepts_integrations`:
    what they may reach is opt-in, endpoint by endpoint.
    """
    keys: TokenKeys = request.app.state.token_keys
    principal = verify_access_token(bearer_token(request), keys)
    if principal.is_integration and not getattr(request.scope.get("endpoint"), _ACCEPTS_INTEGRATIONS, False):
        raise ProblemError(
            403, "integration_forbidden", "Este recurso no está disponible para integraciones (clientes de API)."
        )
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
