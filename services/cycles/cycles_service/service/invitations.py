"""Invitations (a coordinator invites a person of her network) and password resets (anyone, by e-mail).

Both send a single-use link (``account_links``) to the account's address; the person opens it in the web app and
chooses her password (the rules of ``schemas.account_lifecycle.NewPassword``). The mail is returned to the router,
which sends it after the answer (``service.mail``).
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from sqlmodel import Session, select

from mejora_common.errors import conflict, invalid, not_found

from ..domain.access import Actor
from ..models import Account, Network, Person
from ..models.account_lifecycle import INVITATION, PASSWORD_RESET, AccountSecurity
from ..schemas.account_lifecycle import InvitationInfo, InvitationRead, PasswordResetAccepted
from ..settings import Settings
from .access import require
from .account_links import end_sessions, find_link, link_invalid, new_link, now, revoke_links, security_of, use_link
from .mail import Mail
from .security import digest, hash_password

RESET_ANSWER = (
    "Si el correo corresponde a una cuenta activa, te enviamos un enlace para elegir una contraseña nueva. "
    "Revisa tu bandeja de entrada (y la de spam)."
)


def _account_by_email(session: Session, email: str) -> Account | None:
    return session.exec(select(Account).where(Account.email == email.strip().lower())).first()


def _awaiting(session: Session, account: Account) -> bool:
    security = session.get(AccountSecurity, account.id)
    return security is not None and security.awaiting_password


def _invited_account(session: Session, person: Person, email: str) -> Account:
    """The account the invitation is for: the person's own (still awaiting its password) or a new one."""
    account = session.get(Account, person.account_id) if person.account_id else None
    if account is None:
        account = Account(email=email, name=person.name, password_hash=hash_password(secrets.token_urlsafe(32)))
        session.add(account)
        session.flush()
        session.add(AccountSecurity(account_id=account.id, awaiting_password=True))
        person.account_id = account.id
        session.add(person)
    elif account.email != email and _account_by_email(session, email) is None:
        account.email = email  # the directory's address was corrected before the person accepted
        session.add(account)
    return account


def invite(
    session: Session, actor: Actor, invited_by: uuid.UUID, person_id: uuid.UUID, settings: Settings
) -> tuple[InvitationRead, Mail]:
    """Invite a person of the actor's network (coordinators only); re-inviting revokes the earlier link.

    A person whose e-mail already belongs to an account that has its password (she is in another network) is
    linked to it and told so: she logs in as always.
    """
    require(actor, actor.manages_directory, "Solo la coordinación de la red invita personas.")
    person = session.get(Person, person_id)
    if person is None or person.network_id != actor.network_id:
        raise not_found("La persona")
    if not person.email:
        raise invalid("email", "La persona no tiene correo en el directorio: agrégalo antes de invitarla.")
    network = session.get(Network, person.network_id)
    assert network is not None
    email = person.email.strip().lower()
    existing = session.get(Account, person.account_id) if person.account_id else _account_by_email(session, email)
    if existing is not None and not _awaiting(session, existing):
        if person.account_id == existing.id:
            raise conflict(
                "account_exists",
                "Esta persona ya tiene una cuenta: puede entrar con su correo o recuperar su contraseña.",
            )
        return _link_existing(session, person, existing, network, settings)
    account = _invited_account(session, person, email)
    revoke_links(session, account.id, (INVITATION,))
    expires = now() + timedelta(days=settings.invitation_days)
    token = new_link(session, INVITATION, account.id, expires, person_id=person.id, created_by=invited_by)
    session.commit()
    link = f"{settings.web_url()}/cuenta/invitacion#token={token}"
    text = (
        f"Hola {person.name}:\n\n{actor.name} te invitó a la red «{network.name}» en Mejora en Red.\n\n"
        f"Para activar tu cuenta ({account.email}), abre este enlace y elige tu contraseña:\n\n{link}\n\n"
        f"El enlace sirve una sola vez y vence en {settings.invitation_days} días. "
        "Si no esperabas esta invitación, ignora este correo.\n"
    )
    mail = Mail(to=account.email, subject=f"Invitación a la red {network.name} — Mejora en Red", text=text)
    return InvitationRead(person_id=person.id, email=account.email, status="sent", expires_at=expires), mail


def _link_existing(
    session: Session, person: Person, account: Account, network: Network, settings: Settings
) -> tuple[InvitationRead, Mail]:
    person.account_id = account.id
    session.add(person)
    session.commit()
    text = (
        f"Hola {account.name}:\n\nTe agregaron a la red «{network.name}» en Mejora en Red. "
        f"Entra con tu cuenta de siempre ({account.email}):\n\n{settings.web_url()}/\n"
    )
    mail = Mail(to=account.email, subject=f"Te agregaron a la red {network.name} — Mejora en Red", text=text)
    return InvitationRead(person_id=person.id, email=account.email, status="linked", expires_at=None), mail


def invitation_info(session: Session, token: str) -> InvitationInfo:
    """What the invitation page shows before the person chooses her password; 400 when the link is not usable."""
    link = find_link(session, token, INVITATION)
    account = session.get(Account, link.account_id) if link else None
    person = session.get(Person, link.person_id) if link and link.person_id else None
    network = session.get(Network, person.network_id) if person else None
    if link is None or account is None or network is None:
        raise link_invalid()
    return InvitationInfo(email=account.email, name=account.name, network_name=network.name, expires_at=link.expires_at)


def _set_password(session: Session, account: Account, password: str) -> AccountSecurity:
    security = security_of(session, account.id)
    account.password_hash = hash_password(password)
    account.failed_logins = 0
    account.locked_until = None
    security.awaiting_password = False
    security.updated_at = now()
    session.add(account)
    session.add(security)
    revoke_links(session, account.id, (INVITATION, PASSWORD_RESET))
    return security


def accept_invitation(session: Session, token: str, password: str) -> None:
    link = use_link(session, token, INVITATION)
    account = session.get(Account, link.account_id)
    if account is None or not account.is_active:
        session.rollback()
        raise link_invalid()
    _set_password(session, account, password)
    session.commit()


def request_password_reset(
    session: Session, email: str, settings: Settings
) -> tuple[PasswordResetAccepted, Mail | None]:
    """The same answer whether or not the address has an account (``RESET_ANSWER``); the mail, when it has one.

    Both paths do nearly the same work before answering (one lookup, a secret drawn and hashed, the same UPDATE that
    revokes earlier links — matching no row for an unknown address — and one commit; only the INSERT of the link is
    missing); the mail is sent after the answer, so its delivery time tells nothing either.
    """
    account = _account_by_email(session, email)
    token = secrets.token_urlsafe(32)
    digest(token)
    answer = PasswordResetAccepted(detail=RESET_ANSWER)
    if account is None or not account.is_active:
        revoke_links(session, uuid.uuid4(), (PASSWORD_RESET,))
        session.commit()
        return answer, None
    revoke_links(session, account.id, (PASSWORD_RESET,))
    minutes = settings.password_reset_minutes
    token = new_link(session, PASSWORD_RESET, account.id, now() + timedelta(minutes=minutes))
    session.commit()
    link = f"{settings.web_url()}/cuenta/restablecer#token={token}"
    text = (
        f"Hola {account.name}:\n\nAlguien (ojalá tú) pidió restablecer la contraseña de tu cuenta de Mejora en Red "
        f"({account.email}). Para elegir una nueva, abre este enlace:\n\n{link}\n\n"
        f"El enlace sirve una sola vez y vence en {minutes} minutos; al usarlo se cierran todas tus sesiones. "
        "Si no lo pediste, ignora este correo: tu contraseña no cambia.\n"
    )
    return answer, Mail(to=account.email, subject="Restablecer tu contraseña — Mejora en Red", text=text)


def reset_password(session: Session, token: str, password: str) -> None:
    """Set the new password and end every session of the account."""
    link = use_link(session, token, PASSWORD_RESET)
    account = session.get(Account, link.account_id)
    if account is None or not account.is_active:
        session.rollback()
        raise link_invalid()
    security = _set_password(session, account, password)
    end_sessions(session, security, "password_reset")
    session.commit()
