"""Access tokens: issued by the cycles service, verified by every process.

Tokens are HS256 JWTs signed with ``MEJORA_JWT_SECRET``. They carry the
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

ALGORITHM = "HS256"
ISSUER = "mejora-en-red"
SERVICE_ROLE = "service"
INTEGRATION_ROLE = "integration"
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


def highest_role(roles: list[str]) -> str:
    return max(roles, key=lambda r: ROLE_RANK.get(r, 0)) if roles else "teacher"


def issue_access_token(principal: Principal, secret: str, minutes: int) -> tuple[str, datetime]:
    now = datetime.now(UTC)
    expires = now + timedelta(minutes=minutes)
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": str(principal.account_id),
        "email": principal.email,
        "name": principal.name,
        "role": principal.role,
        "memberships": [
            {
                "network_id": str(m.network_id),
                "person_id": str(m.person_id),
                "role": m.role,
                "school_id": str(m.school_id) if m.school_id else None,
            }
            for m in principal.memberships
        ],
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "jti": uuid.uuid4().hex,
        "typ": "access",
    }
    if principal.scopes:
        claims["scopes"] = list(principal.scopes)
    return jwt.encode(claims, secret, algorithm=ALGORITHM), expires


def issue_service_token(service: str, secret: str, minutes: int = 5) -> str:
    """A short-lived token a service uses to read another service's data for its own computations.

    Reports uses it to aggregate observations that the end user may not read one
    by one; the calling service is responsible for applying the user's access
    rules (e.g. minimum group size) to what it returns.
    """
    principal = Principal(
        account_id=uuid.uuid5(uuid.NAMESPACE_URL, f"mejora-en-red:service:{service}"),
        email=f"{service}@servicios.mejora-en-red",
        name=f"servicio {service}",
        role=SERVICE_ROLE,
    )
    token, _ = issue_access_token(principal, secret, minutes)
    return token


def _unauthorized(code: str, detail: str) -> ProblemError:
    return ProblemError(401, code, detail, headers={"WWW-Authenticate": "Bearer"})


def verify_access_token(token: str, secret: str) -> Principal:
    """Decode and check signature, expiry, issuer and shape; 401 problem otherwise."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "sub", "iss"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise _unauthorized("token_expired", "La sesión expiró. Vuelve a iniciar sesión.") from exc
    except jwt.InvalidSignatureError as exc:
        raise _unauthorized("token_invalid", "El token de acceso no es válido.") from exc
    except jwt.PyJWTError as exc:
        raise _unauthorized("token_invalid", "El token de acceso no es válido.") from exc
    if claims.get("typ") != "access":
        raise _unauthorized("token_invalid", "El token de acceso no es válido.")
    try:
        memberships = tuple(
            Membership(
                network_id=uuid.UUID(m["network_id"]),
                person_id=uuid.UUID(m["person_id"]),
                role=str(m["role"]),
                school_id=uuid.UUID(m["school_id"]) if m.get("school_id") else None,
            )
            for m in claims.get("memberships", [])
        )
        return Principal(
            account_id=uuid.UUID(claims["sub"]),
            email=str(claims.get("email", "")),
            name=str(claims.get("name", "")),
            role=str(claims.get("role", "teacher")),
            memberships=memberships,
            scopes=tuple(str(s) for s in claims.get("scopes") or ()),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise _unauthorized("token_invalid", "El token de acceso no es válido.") from exc


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
    """FastAPI dependency: the verified caller. The secret comes from ``app.state.jwt_secret``.

    Integration clients are refused (403) unless the endpoint is marked with :func:`accepts_integrations`:
    what they may reach is opt-in, endpoint by endpoint.
    """
    secret: str = request.app.state.jwt_secret
    principal = verify_access_token(bearer_token(request), secret)
    if principal.is_integration and not getattr(request.scope.get("endpoint"), _ACCEPTS_INTEGRATIONS, False):
        raise ProblemError(
            403, "integration_forbidden", "Este recurso no está disponible para integraciones (clientes de API)."
        )
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
