"""An operator's first steps: the first SLEP network and its coordinator account, in an empty installation.

``python -m cycles_service bootstrap --network-name ... --slep ... --email ... --name ... --run ...`` with the
password in ``MEJORA_BOOTSTRAP_PASSWORD`` (asked for on the terminal when unset). It only ever creates: run again
with the same network and email it reports that everything is there; on an installation that already has another
network it refuses (the coordinator adds further networks, schools and people from the application).
"""

from __future__ import annotations

import argparse
import getpass
import os
from dataclasses import dataclass

from sqlmodel import Session, select

from mejora_common.cli import Command
from mejora_common.db import make_engine

from ..domain.chile import InvalidRun, normalize_run
from ..models import Account, Network, Person
from .security import hash_password

PASSWORD_ENV = "MEJORA_BOOTSTRAP_PASSWORD"  # noqa: S105 (the variable's name, not a password)
MIN_PASSWORD_LENGTH = 12
COORDINATOR_ROLE = "coordinator"


class BootstrapError(SystemExit):
    """Stops the command with a Spanish message and exit status 1 (nothing is written)."""

    def __init__(self, message: str) -> None:
        super().__init__(f"bootstrap: {message}")


@dataclass(frozen=True)
class FirstNetwork:
    network_name: str
    slep: str
    email: str
    name: str
    run: str
    password: str


def validated(first: FirstNetwork) -> FirstNetwork:
    """``first`` with its email lower-cased and its RUN normalised; a BootstrapError when something is wrong."""
    if not first.network_name.strip() or not first.slep.strip() or not first.name.strip():
        raise BootstrapError("el nombre de la red, el SLEP y el nombre de la persona son obligatorios.")
    email = first.email.strip().lower()
    if "@" not in email:
        raise BootstrapError(f"el correo {first.email!r} no es válido.")
    if len(first.password) < MIN_PASSWORD_LENGTH:
        raise BootstrapError(f"la contraseña debe tener al menos {MIN_PASSWORD_LENGTH} caracteres.")
    try:
        run = normalize_run(first.run)
    except InvalidRun as error:
        raise BootstrapError(str(error)) from error
    return FirstNetwork(first.network_name.strip(), first.slep.strip(), email, first.name.strip(), run, first.password)


def bootstrap(database_url: str, first: FirstNetwork) -> str:
    """Create the first network and its coordinator (account + membership); what was done, in Spanish."""
    first = validated(first)
    with Session(make_engine(database_url)) as session:
        networks = session.exec(select(Network)).all()
        account = session.exec(select(Account).where(Account.email == first.email)).first()
        if networks:
            same = [n for n in networks if n.name == first.network_name and n.slep == first.slep]
            if len(networks) == 1 and same and account is not None and _is_coordinator(session, account, same[0]):
                return f"La red {first.network_name!r} y su coordinación ({first.email}) ya existen; nada que hacer."
            raise BootstrapError("la instalación ya tiene redes; agrega las siguientes desde la aplicación.")
        if account is not None:
            raise BootstrapError(f"ya existe una cuenta con el correo {first.email}.")
        network = Network(name=first.network_name, slep=first.slep)
        account = Account(email=first.email, name=first.name, password_hash=hash_password(first.password))
        session.add(network)
        session.add(account)
        session.flush()
        session.add(
            Person(
                network_id=network.id,
                account_id=account.id,
                run=first.run,
                name=first.name,
                email=first.email,
                role=COORDINATOR_ROLE,
            )
        )
        session.commit()
        return f"Red {first.network_name!r} creada (id {network.id}); coordinación: {first.email}."


def _is_coordinator(session: Session, account: Account, network: Network) -> bool:
    query = select(Person).where(Person.account_id == account.id, Person.network_id == network.id)
    return any(person.role == COORDINATOR_ROLE for person in session.exec(query).all())


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--network-name", required=True, help="nombre de la red, p. ej. «Red de Párvulos»")
    parser.add_argument("--slep", required=True, help="Servicio Local de Educación Pública")
    parser.add_argument("--email", required=True, help="correo de la coordinación (su usuario)")
    parser.add_argument("--name", required=True, help="nombre de quien coordina")
    parser.add_argument("--run", required=True, help="RUN de quien coordina, p. ej. 12.345.678-5")


def _run(database_url: str, args: argparse.Namespace) -> str:
    password = os.environ.get(PASSWORD_ENV) or getpass.getpass("Contraseña de la coordinación: ")
    first = FirstNetwork(args.network_name, args.slep, args.email, args.name, args.run, password)
    return bootstrap(database_url, first)


BOOTSTRAP_COMMAND = Command(
    name="bootstrap",
    help="crea la primera red y su cuenta de coordinación en una instalación vacía",
    add_arguments=_add_arguments,
    run=_run,
)
