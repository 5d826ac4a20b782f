"""The command line every service offers: ``python -m <service> migrate|downgrade|seed|current``.

A service may add commands of its own (``Command``), e.g. cycles' ``bootstrap`` for an operator's first steps.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .db import current_revision, downgrade, make_engine, upgrade

SeedFunction = Callable[[str, Path], str]


@dataclass(frozen=True)
class Command:
    """An extra subcommand: its arguments, and what it does given the database URL (returns what to print)."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[str, argparse.Namespace], str]


def run_cli(
    service: str,
    database_url: str,
    migrations_dir: Path,
    seed: SeedFunction | None,
    argv: Sequence[str] | None = None,
    *,
    commands: Sequence[Command] = (),
) -> None:
    parser = argparse.ArgumentParser(prog=f"python -m {service}_service")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="aplica las migraciones pendientes")
    down = sub.add_parser("downgrade", help="revierte migraciones")
    down.add_argument("revision", nargs="?", default="base")
    sub.add_parser("current", help="muestra la revisión actual")
    if seed is not None:
        seed_cmd = sub.add_parser("seed", help="carga la red de demostración (una sola vez)")
        seed_cmd.add_argument("--demo", type=Path, required=True, help="archivo JSON de la red de demostración")
    extra = {command.name: command for command in commands}
    for command in commands:
        command.add_arguments(sub.add_parser(command.name, help=command.help))
    args = parser.parse_args(argv)
    if args.command == "migrate":
        upgrade(migrations_dir, database_url)
    elif args.command == "downgrade":
        downgrade(migrations_dir, database_url, args.revision)
    elif args.command == "current":
        print(current_revision(make_engine(database_url)) or "(vacía)")
    elif args.command == "seed" and seed is not None:
        print(seed(database_url, args.demo))
    elif args.command in extra:
        print(extra[args.command].run(database_url, args))
