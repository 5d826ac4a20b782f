"""The command line every service offers: ``python -m <service> migrate|downgrade|seed|current``."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

from .db import current_revision, downgrade, make_engine, upgrade

SeedFunction = Callable[[str, Path], str]


def run_cli(
    service: str,
    database_url: str,
    migrations_dir: Path,
    seed: SeedFunction | None,
    argv: Sequence[str] | None = None,
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
    args = parser.parse_args(argv)
    if args.command == "migrate":
        upgrade(migrations_dir, database_url)
    elif args.command == "downgrade":
        downgrade(migrations_dir, database_url, args.revision)
    elif args.command == "current":
        print(current_revision(make_engine(database_url)) or "(vacía)")
    elif args.command == "seed" and seed is not None:
        print(seed(database_url, args.demo))
