"""The operator's first steps: ``python -m cycles_service bootstrap`` on an empty installation."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from cycles_service.db import MIGRATIONS_DIR
from cycles_service.models import Account, Network, Person
from cycles_service.service.bootstrap import BOOTSTRAP_COMMAND, PASSWORD_ENV, BootstrapError, FirstNetwork, bootstrap
from cycles_service.service.security import verify_password
from mejora_common.cli import run_cli
from mejora_common.db import make_engine, upgrade

ARGS = ["--network-name", "Red Sur", "--slep", "SLEP Costa", "--email", "Coord@Slep.cl", "--name", "Ana Rojas"]
PASSWORD = "una-contraseña-larga"


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cycles.db'}"
    upgrade(MIGRATIONS_DIR, url)
    return url


def first(**changes: str) -> FirstNetwork:
    values = {"network_name": "Red Sur", "slep": "SLEP Costa", "email": "coord@slep.cl", "name": "Ana Rojas",
              "run": "12.345.678-5", "password": PASSWORD} | changes  # fmt: skip
    return FirstNetwork(**values)


def test_the_command_creates_the_network_and_its_coordinator(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    run_cli("cycles", database, MIGRATIONS_DIR, None, [BOOTSTRAP_COMMAND.name, *ARGS, "--run", "12345678-5"],
            commands=[BOOTSTRAP_COMMAND])  # fmt: skip
    assert "creada" in capsys.readouterr().out
    with Session(make_engine(database)) as session:
        (network,) = session.exec(select(Network)).all()
        (account,) = session.exec(select(Account)).all()
        (person,) = session.exec(select(Person)).all()
    assert (network.name, network.slep) == ("Red Sur", "SLEP Costa")
    assert account.email == "coord@slep.cl" and verify_password(account.password_hash, PASSWORD)
    assert (person.account_id, person.network_id, person.role, person.run) == (
        account.id, network.id, "coordinator", "12345678-5",
    )  # fmt: skip
    # Run again: nothing new, and it says so.
    assert "ya existen" in bootstrap(database, first())
    with Session(make_engine(database)) as session:
        assert len(session.exec(select(Person)).all()) == 1


def test_an_installation_with_networks_is_refused(database: str) -> None:
    bootstrap(database, first())
    with pytest.raises(BootstrapError, match="ya tiene redes"):
        bootstrap(database, first(network_name="Otra red", email="otra@slep.cl"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password": "corta"}, "al menos 12"),
        ({"run": "12.345.678-9"}, "dígito verificador"),
        ({"email": "sin-arroba"}, "no es válido"),
        ({"slep": " "}, "obligatorios"),
    ],
)
def test_bad_input_writes_nothing(database: str, changes: dict[str, str], message: str) -> None:
    with pytest.raises(BootstrapError, match=message):
        bootstrap(database, first(**changes))
    with Session(make_engine(database)) as session:
        assert session.exec(select(Network)).all() == []
