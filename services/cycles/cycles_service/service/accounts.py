"""Account service functions: login, token issue and rotation, the caller's profile."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from mejora_common.auth import Membership, Principal, highest_role, issue_access_token
from mejora_common.errors import ProblemError
from mejora_common.keys import SigningKey

from ..models import Account, Network, Person, School
from ..schemas import MembershipRead, MeRead, TokenPair
from ..settings import Settings
from . import sessions, throttling
from .security import verify_password


def _invalid_credentials() -> ProblemError:
    return ProblemError(
        401, "invalid_credentials", "Correo o contraseña incorrectos.", headers={"WWW-Authenticate": "Bearer"}
    )


def authenticate(session: Session, email: str, password: str, settings: Settings) -> Account:
    """The account of a correct email and password; repeated failures lock it for a while (``throttling``)."""
    account = session.exec(select(Account).where(Account.email == email.strip().lower())).first()
    if account is not None:
        throttling.ensure_not_locked(account)
    if not verify_password(account.password_hash if account else None, password) or account is None:
        if account is not None:
            throttling.record_failure(session, account, settings)
        raise _invalid_credentials()
    throttling.reset(session, account)
    if not account.is_active:
        raise ProblemError(401, "account_disabled", "La cuenta está desactivada. Contacta a tu coordinación.")
    return account


def principal_for(session: Session, account: Account) -> Principal:
    people = session.exec(select(Person).where(Person.account_id == account.id)).all()
    memberships = tuple(
        Membership(network_id=p.network_id, person_id=p.id, role=p.role, school_id=p.school_id) for p in people
    )
    return Principal(
        account_id=account.id,
        email=account.email,
        name=account.name,
        role=highest_role([m.role for m in memberships]),
        memberships=memberships,
    )


@dataclass(frozen=True)
class IssuedTokens:
    """A token pair and the CSRF token of its session family (used when the refresh token goes in a cookie)."""

    pair: TokenPair
    csrf_token: str


def _access_token(session: Session, account: Account, settings: Settings, key: SigningKey) -> str:
    access, _ = issue_access_token(principal_for(session, account), key, settings.access_token_minutes)
    return access


def issue_tokens(session: Session, account: Account, settings: Settings, key: SigningKey) -> IssuedTokens:
    """Login: a new session family (``service.sessions``) and an access token."""
    family, refresh = sessions.start_family(session, account.id, settings)
    csrf = sessions.csrf_token(family)
    session.commit()
    pair = TokenPair(
        access_token=_access_token(session, account, settings, key),
        expires_in=settings.access_token_minutes * 60,
        refresh_token=refresh,
    )
    return IssuedTokens(pair, csrf)


def rotate_refresh_token(session: Session, token: str, settings: Settings, key: SigningKey) -> IssuedTokens:
    """Refresh: the successor of ``token`` in its family (or the same one again within the grace period)."""
    account_id, family, successor = sessions.rotate(session, token, settings)
    csrf = sessions.csrf_token(family)
    account = session.get(Account, account_id)
    if account is None or not account.is_active:
        raise sessions.invalid_session()
    pair = TokenPair(
        access_token=_access_token(session, account, settings, key),
        expires_in=settings.access_token_minutes * 60,
        refresh_token=successor,
    )
    return IssuedTokens(pair, csrf)


def revoke_refresh_token(session: Session, token: str) -> None:
    """Logout: the whole session family of ``token`` ends."""
    sessions.end_session(session, token)


def profile(session: Session, principal: Principal) -> MeRead:
    account = session.get(Account, principal.account_id)
    if account is None or not account.is_active:
        raise ProblemError(401, "token_invalid", "La cuenta de esta sesión ya no existe.")
    rows = session.exec(
        select(Person, Network, School)
        .join(Network, Network.id == Person.network_id)  # type: ignore[arg-type]
        .join(School, School.id == Person.school_id, isouter=True)  # type: ignore[arg-type]
        .where(Person.account_id == account.id)
        .order_by(Network.name)
    ).all()
    memberships = [
        MembershipRead(
            network_id=network.id,
            network_name=network.name,
            person_id=person.id,
            role=person.role,
            school_id=person.school_id,
            school_name=school.name if school else None,
        )
        for person, network, school in rows
    ]
    return MeRead(
        id=account.id,
        email=account.email,
        name=account.name,
        role=highest_role([m.role for m in memberships]),
        memberships=memberships,
    )
