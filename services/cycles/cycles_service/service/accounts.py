"""Account service functions: login, token issue and rotation, the caller's profile."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlmodel import Session, select

from mejora_common.auth import Membership, Principal, highest_role, issue_access_token
from mejora_common.db import utcnow
from mejora_common.errors import ProblemError

from ..models import Account, Network, Person, RefreshToken, RefreshTokenFamily, School
from ..schemas import MembershipRead, MeRead, TokenPair
from ..settings import Settings
from . import throttling
from .security import digest, new_refresh_token, verify_password


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


def issue_tokens(session: Session, account: Account, settings: Settings, secret: str) -> TokenPair:
    access, _ = issue_access_token(principal_for(session, account), secret, settings.access_token_minutes)
    refresh = new_refresh_token()
    family = RefreshTokenFamily(account_id=account.id, successor_key=secrets.token_hex(32))
    session.add(family)
    session.flush()  # no ORM relationship orders the two INSERTs
    session.add(
        RefreshToken(
            account_id=account.id,
            family_id=family.id,
            token_hash=digest(refresh),
            expires_at=utcnow() + timedelta(days=settings.refresh_token_days),
        )
    )
    session.commit()
    return TokenPair(access_token=access, expires_in=settings.access_token_minutes * 60, refresh_token=refresh)


def rotate_refresh_token(session: Session, token: str, settings: Settings, secret: str) -> TokenPair:
    stored = session.exec(select(RefreshToken).where(RefreshToken.token_hash == digest(token))).first()
    if stored is None or stored.revoked_at is not None or stored.expires_at <= utcnow():
        raise ProblemError(401, "refresh_token_invalid", "La sesión expiró o fue cerrada. Vuelve a iniciar sesión.")
    account = session.get(Account, stored.account_id)
    if account is None or not account.is_active:
        raise ProblemError(401, "refresh_token_invalid", "La sesión expiró o fue cerrada. Vuelve a iniciar sesión.")
    stored.revoked_at = utcnow()
    session.add(stored)
    return issue_tokens(session, account, settings, secret)


def revoke_refresh_token(session: Session, token: str) -> None:
    stored = session.exec(select(RefreshToken).where(RefreshToken.token_hash == digest(token))).first()
    if stored is not None and stored.revoked_at is None:
        stored.revoked_at = utcnow()
        session.add(stored)
        session.commit()


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
