"""The account state of a network's people (coordinators read it and deactivate or reactivate accounts), and the
check that makes a deactivation or a password reset end the access tokens already issued, here, at once.

A deactivated account cannot log in or refresh (``accounts.authenticate``, ``sessions.rotate``); its refresh-token
families are revoked (``sessions.revoke_account_sessions``) and this service refuses its access tokens
(:func:`check_principal`). The other services verify tokens by their signature only and accept such a token until it
expires (at most ``MEJORA_ACCESS_TOKEN_MINUTES``, 15 by default): docs/security.md, "Account lifecycle". Nothing of
the person's data is deleted: her observations, cycles and directory row stay for the network, under the same
privacy rules.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from sqlmodel import Session, col, func, select

from mejora_common.auth import Principal
from mejora_common.errors import ProblemError, conflict, not_found
from mejora_common.versioning import check_if_match

from ..domain.access import Actor
from ..domain.account_lifecycle import link_usable, may_deactivate
from ..models import Account, Person
from ..models.account_lifecycle import INVITATION, PASSWORD_RESET, AccountSecurity, AccountToken
from ..schemas.account_lifecycle import AccountStatus
from .access import require
from .account_links import end_sessions, now, revoke_links, security_of

logger = logging.getLogger("mejora.cycles.accounts")

MANAGE = "Solo la coordinación de la red administra las cuentas de sus personas."
REFUSALS = {
    "cannot_deactivate_self": "No puedes desactivar tu propia cuenta.",
    "account_in_other_networks": (
        "Esta cuenta también pertenece a otra red que no coordinas: pide a su coordinación o a la del SLEP que la "
        "desactive."
    ),
}


def _pending_invitations(session: Session, account_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, AccountToken]:
    if not account_ids:
        return {}
    rows = session.exec(
        select(AccountToken).where(col(AccountToken.account_id).in_(account_ids), AccountToken.kind == INVITATION)
    ).all()
    current = now()
    usable = [r for r in rows if link_usable(r.used_at, r.revoked_at, r.expires_at, current)]
    return {r.account_id: r for r in usable}


def _status(
    person: Person, account: Account | None, security: AccountSecurity | None, invitation: AccountToken | None
) -> AccountStatus:
    return AccountStatus(
        person_id=person.id,
        has_account=account is not None,
        is_active=account is not None and account.is_active,
        awaiting_password=security is not None and security.awaiting_password,
        invitation_expires_at=invitation.expires_at if invitation else None,
        mfa_enabled=security is not None and security.totp_secret is not None,
        version=security.version if security else 1,
    )


def list_statuses(session: Session, actor: Actor, *, limit: int, offset: int) -> tuple[list[AccountStatus], int]:
    """The account state of every person of the network, in the directory's order (by name)."""
    require(actor, actor.manages_directory, MANAGE)
    total = session.exec(select(func.count()).select_from(Person).where(Person.network_id == actor.network_id)).one()
    rows = session.exec(
        select(Person, Account, AccountSecurity)
        .join(Account, col(Account.id) == col(Person.account_id), isouter=True)
        .join(AccountSecurity, col(AccountSecurity.account_id) == col(Account.id), isouter=True)
        .where(Person.network_id == actor.network_id)
        .order_by(col(Person.name), col(Person.id))
        .limit(limit)
        .offset(offset)
    ).all()
    invitations = _pending_invitations(session, [a.id for _, a, _ in rows if a is not None])
    items = [_status(p, a, s, invitations.get(a.id) if a else None) for p, a, s in rows]
    return items, total


def _person_of(session: Session, actor: Actor, person_id: uuid.UUID) -> Person:
    person = session.get(Person, person_id)
    if person is None or person.network_id != actor.network_id:
        raise not_found("La persona")
    return person


def status(session: Session, actor: Actor, person_id: uuid.UUID) -> AccountStatus:
    require(actor, actor.manages_directory, MANAGE)
    person = _person_of(session, actor, person_id)
    account = session.get(Account, person.account_id) if person.account_id else None
    security = session.get(AccountSecurity, account.id) if account else None
    invitation = _pending_invitations(session, [account.id]).get(account.id) if account else None
    return _status(person, account, security, invitation)


def set_active(
    session: Session, actor: Actor, principal: Principal, person_id: uuid.UUID, *, active: bool, if_match: str | None
) -> AccountStatus:
    """Deactivate (every session ends at once, pending links are revoked) or reactivate the person's account."""
    require(actor, actor.manages_directory, MANAGE)
    person = _person_of(session, actor, person_id)
    account = session.get(Account, person.account_id) if person.account_id else None
    if account is None:
        raise conflict("no_account", "Esta persona no tiene cuenta: invítala primero.")
    current = session.get(AccountSecurity, account.id)
    check_if_match(current.version if current else 1, if_match, what="la cuenta")
    coordinated = [m.network_id for m in principal.memberships if m.role == "coordinator"]
    networks = session.exec(select(Person.network_id).where(Person.account_id == account.id)).all()
    refusal = may_deactivate(principal.account_id, coordinated, account.id, networks)
    if refusal is not None:
        raise conflict(refusal, REFUSALS[refusal])
    security = security_of(session, account.id)
    if account.is_active != active:
        account.is_active = active
        session.add(account)
        if not active:
            end_sessions(session, security, "deactivated")
            revoke_links(session, account.id, (INVITATION, PASSWORD_RESET))
        security.updated_at = now()
        session.add(security)
        session.commit()
        logger.info(
            "account reactivated" if active else "account deactivated",
            extra={
                "fields": {
                    "event": "account_reactivated" if active else "account_deactivated",
                    "account_id": str(account.id),
                    "by_account_id": str(principal.account_id),
                    "network_id": str(actor.network_id),
                }
            },
        )
    return status(session, actor, person_id)


def _unauthorized(code: str, detail: str) -> ProblemError:
    return ProblemError(401, code, detail, headers={"WWW-Authenticate": "Bearer"})


def check_principal(session: Session, principal: Principal, issued_at: int | None) -> None:
    """401 for the access token of a deactivated account, or one issued before its sessions were ended.

    Services and integration clients are not accounts; a token whose account this service does not know is left to
    the endpoint (as before). Access tokens carry ``iat`` in whole seconds: a token issued in the same second as
    the password reset that ended the sessions stays valid until it expires.
    """
    if principal.is_service or principal.is_integration:
        return
    row = session.exec(
        select(Account.is_active, AccountSecurity.sessions_valid_after)
        .join(AccountSecurity, col(AccountSecurity.account_id) == col(Account.id), isouter=True)
        .where(Account.id == principal.account_id)
    ).first()
    if row is None:
        return
    is_active, valid_after = row
    if not is_active:
        raise _unauthorized("account_disabled", "La cuenta está desactivada. Contacta a tu coordinación.")
    if valid_after is not None and (issued_at is None or issued_at < valid_after.timestamp()):
        raise _unauthorized("session_ended", "La sesión fue cerrada. Vuelve a iniciar sesión.")
