"""One consistent copy of a service's database, and its restore into an empty one.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies the pages as of one moment, while the service
keeps reading. PostgreSQL: ``pg_dump --format=custom`` reads everything in one snapshot; ``pg_restore`` loads it in
one transaction, so a failed restore leaves the database as empty as it was.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from mejora_common.db import normalize_url, prepare_sqlite_file

SQLITE = "sqlite"
POSTGRESQL = "postgresql"


class OpsError(Exception):
    """An operator-facing refusal: its message says what is wrong and what to do (Spanish, like the UI)."""


@dataclass(frozen=True)
class Target:
    """A service's database as the operator commands see it."""

    service: str
    url: str

    @property
    def engine(self) -> str:
        return SQLITE if make_url(normalize_url(self.url)).get_backend_name() == "sqlite" else POSTGRESQL

    @property
    def sqlite_path(self) -> Path:
        database = make_url(self.url).database
        if not database or database == ":memory:":
            raise OpsError(f"{self.service}: una base SQLite en memoria no se puede respaldar ni restaurar.")
        return Path(database)

    def libpq(self) -> tuple[str, dict[str, str]]:
        """A libpq URL without its password, and the environment that passes the password (never in argv)."""
        parsed = make_url(normalize_url(self.url)).set(drivername="postgresql")
        env = dict(os.environ)
        if parsed.password:
            env["PGPASSWORD"] = str(parsed.password)
        return parsed.set(password=None).render_as_string(hide_password=False), env

    def dump_name(self) -> str:
        return f"{self.service}.sqlite3" if self.engine == SQLITE else f"{self.service}.pgdump"


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise OpsError(f"Falta {command[0]} (paquete de Debian postgresql-client): {what}.") from exc
    if result.returncode != 0:
        raise OpsError(f"{what}: {command[0]} falló ({result.returncode}): {result.stderr.strip()[:2000]}")


def dump(target: Target, folder: Path) -> Path:
    """Copy ``target``'s database into ``folder``; returns the file written."""
    out = folder / target.dump_name()
    if target.engine == SQLITE:
        if not target.sqlite_path.exists():
            raise OpsError(f"{target.service}: no existe la base {target.sqlite_path}.")
        source = sqlite3.connect(target.sqlite_path)
        copy = sqlite3.connect(out)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        return out
    url, env = target.libpq()
    command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={out}", f"--dbname={url}"]
    _run(command, env, f"respaldo de {target.service}")
    return out


def is_empty(target: Target) -> bool:
    """No table at all (a database never migrated): the only kind ``restore`` writes into."""
    if target.engine == SQLITE:
        path = target.sqlite_path
        if not path.exists() or path.stat().st_size == 0:
            return True
        with sqlite3.connect(path) as connection:
            count = connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        return int(count) == 0
    url, env = target.libpq()
    password = env.get("PGPASSWORD")
    with psycopg.connect(url, password=password) if password else psycopg.connect(url) as connection:
        row = connection.execute(
            "SELECT count(*) FROM information_schema.tables"
            " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
        ).fetchone()
    return row is not None and int(row[0]) == 0


def load(target: Target, copy: Path) -> None:
    """Restore ``copy`` (written by :func:`dump`) into ``target``, which must be empty (checked by the caller)."""
    if target.engine == SQLITE:
        prepare_sqlite_file(str(target.sqlite_path))  # 0600 in a 0700 directory, like the services' own files
        source = sqlite3.connect(copy)
        destination = sqlite3.connect(target.sqlite_path)
        try:
            with destination:
                source.backup(destination)
        finally:
            destination.close()
            source.close()
        return
    url, env = target.libpq()
    command = [
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={url}",
        str(copy),
    ]
    _run(command, env, f"restauración de {target.service}")
