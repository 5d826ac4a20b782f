"""Integration clients: create, list, revoke, and the OAuth2 client-credentials grant."""

from __future__ import annotations

import secrets
import uuid

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from mejora_common.auth import INTEGRATION_ROLE, Membership, Principal, issue_access_token
from mejora_common.db import utcnow
from mejora_common.errors import ProblemError, id_unavailable, not_found
from mejora_common.keys import SigningKey

from ..domain.access import Actor
from ..models import Account, IntegrationClient
from ..schemas.integrations import IntegrationCreate, IntegrationCreated, IntegrationRead, TokenResponse
from ..settings import Settings
from . import throttling
from .access import require
from .common import require_version
from .networks import require_network
from .security import hash_password, verify_password

MANAGE = "Solo la coordinación de la red administra las integraciones."
WHAT = "la integración"

CLIENT_ID_PREFIX = "mr_"


def _read(client: IntegrationClient, creator: str | None) -> IntegrationRead:
    return IntegrationRead(
        id=client.id,
        network_id=client.network_id,
        name=client.name,
        client_id=client.client_id,
        scopes=list(client.scopes),
        created_by=client.created_by,
        created_by_name=creator,
        created_at=client.created_at,
        revoked_at=client.revoked_at,
        last_used_at=client.last_used_at,
        active=client.revoked_at is None,
        version=client.version,
    )


def _creator(session: Session, client: IntegrationClient) -> str | None:
    account = session.get(Account, client.created_by)
    return account.name if account else None


def list_clients(session: Session, actor: Actor, limit: int, offset: int) -> tuple[list[IntegrationRead], int]:
    require(actor, actor.manages_directory, MANAGE)
    require_network(session, actor.network_id)
    where = IntegrationClient.network_id == actor.network_id
    total = session.exec(select(func.count()).select_from(IntegrationClient).where(where)).one()
    rows = session.exec(
        select(IntegrationClient, Account)
        .join(Account, Account.id == IntegrationClient.created_by, isouter=True)  # type: ignore[arg-type]
        .where(where)
        .order_by(col(IntegrationClient.created_at).desc(), col(IntegrationClient.id))
        .offset(offset)
        .limit(limit)
    ).all()
    return [_read(client, account.name if account else None) for client, account in rows], total


def get_client(session: Session, integration_id: uuid.UUID) -> IntegrationClient:
    client = session.get(IntegrationClient, integration_id)
    if client is None:
        raise not_found("La integración")
    return client


def create_client(
    session: Session, actor: Actor, body: IntegrationCreate, created_by: uuid.UUID
) -> tuple[IntegrationCreated, bool]:
    """A new client and its secret (shown only now). A retried create with the same id returns it without secret."""
    require(actor, actor.manages_directory, MANAGE)
    require_network(session, actor.network_id)
    network_id = actor.network_id
    if body.id is not None:
        existing = session.get(IntegrationClient, body.id)
        if existing is not None:
            if existing.network_id != network_id:
                raise id_unavailable()
            read = _read(existing, _creator(session, existing))
            return IntegrationCreated(**read.model_dump(), client_secret=None), False
    secret = secrets.token_urlsafe(32)
    client = IntegrationClient(
        network_id=network_id,
        name=body.name,
        client_id=CLIENT_ID_PREFIX + secrets.token_hex(12),
        secret_hash=hash_password(secret),
        scopes=list(body.scopes),
        created_by=created_by,
    )
    if body.id is not None:
        client.id = body.id
    session.add(client)
    session.commit()
    session.refresh(client)
    read = _read(client, _creator(session, client))
    return IntegrationCreated(**read.model_dump(), client_secret=secret), True


def revoke_client(session: Session, actor: Actor, client: IntegrationClient, if_match: str | None) -> None:
    """Revoke at once: the secret stops working; issued access tokens expire on their own.

    A revoke repeated after a lost answer succeeds whatever its ``If-Match`` (nothing left to change)."""
    require(actor, actor.manages_directory, MANAGE)
    if client.revoked_at is not None:
        if not (if_match or "").strip():
            require_version(client, None, WHAT)  # 428: the header is required all the same
        return
    require_version(client, if_match, WHAT)
    client.revoked_at = utcnow()
    session.add(client)
    session.commit()


def is_active(session: Session, integration_id: uuid.UUID) -> bool:
    client = session.get(IntegrationClient, integration_id)
    return client is not None and client.revoked_at is None


def _invalid_client() -> ProblemError:
    return ProblemError(
        401,
        "invalid_client",
        "Las credenciales del cliente no son válidas.",
        headers={"WWW-Authenticate": 'Basic realm="mejora-en-red"'},
    )


def client_revoked() -> ProblemError:
    return ProblemError(401, "client_revoked", "Esta integración fue revocada por la coordinación de la red.")


def authenticate_client(session: Session, client_id: str, client_secret: str, settings: Settings) -> IntegrationClient:
    """The client of a correct id and secret; repeated failures lock it for a while (``throttling``)."""
    client = session.exec(select(IntegrationClient).where(IntegrationClient.client_id == client_id.strip())).first()
    if client is not None:
        throttling.ensure_not_locked(client)
    # Always verify (against a dummy hash for unknown ids), so timing does not reveal which ids exist.
    if not verify_password(client.secret_hash if client else None, client_secret) or client is None:
        if client is not None:
            throttling.record_failure(session, client, settings)
        raise _invalid_client()
    throttling.reset(session, client)
    if client.revoked_at is not None:
        raise client_revoked()
    return client


def principal_for_client(client: IntegrationClient, scopes: list[str]) -> Principal:
    return Principal(
        account_id=client.id,
        email="",
        name=client.name,
        role=INTEGRATION_ROLE,
        memberships=(Membership(network_id=client.network_id, person_id=client.id, role=INTEGRATION_ROLE),),
        scopes=tuple(scopes),
    )


def issue_client_token(
    session: Session, client: IntegrationClient, requested: str | None, settings: Settings, key: SigningKey
) -> TokenResponse:
    """An access token (no refresh token) with the granted scopes, or the requested subset of them."""
    scopes = list(client.scopes)
    if requested and requested.strip():
        wanted = sorted(set(requested.split()))
        extra = [s for s in wanted if s not in scopes]
        if extra:
            raise ProblemError(
                400,
                "invalid_scope",
                f"Esta integración no tiene los permisos solicitados: {', '.join(extra)}.",
                errors=[{"field": "scope", "message": f"Permisos no concedidos: {', '.join(extra)}."}],
            )
        scopes = wanted
    access, _ = issue_access_token(principal_for_client(client, scopes), key, settings.access_token_minutes)
    # Bookkeeping, not a change of the client: no new version, so a login never makes a coordinator's ETag stale.
    session.execute(
        update(IntegrationClient)
        .where(col(IntegrationClient.id) == client.id)
        .values(last_used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return TokenResponse(access_token=access, expires_in=settings.access_token_minutes * 60, scope=" ".join(scopes))
