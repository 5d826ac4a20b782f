"""Writes paused for maintenance (a backup): every service answers writes with 503 ``maintenance``, reads go on.

Why a flag in the database and not in a process: a service may run as several replicas (docker-compose, Kubernetes),
and the backup tool (``infra/ops``) must pause them all without knowing where they run. Every replica of a service
shares one database, so the flag lives there:

- **PostgreSQL**: the backup tool holds a session-level advisory lock (:data:`ADVISORY_KEY`) on each service's
  database for as long as the pause lasts; a service looks for it in ``pg_locks``. If the tool dies, PostgreSQL ends
  its session and the lock with it: a crashed backup never leaves the services refusing writes.
- **SQLite**: one file per database, so every process that uses it runs on the same machine and sees a file beside
  it (``<database>.maintenance``). The file carries the time the pause ends at the latest, so a flag left by a
  crashed backup expires by itself.

Each process checks at most once every ``MEJORA_MAINTENANCE_CHECK_SECONDS`` (default 1 s, so the check costs
nothing under load); the backup tool waits longer than that after raising the flag before it copies anything
(:func:`settle_seconds`), so writes admitted just before the pause have finished. Reads (GET, HEAD, OPTIONS), health
checks and ``/metrics`` are never refused.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread
import psycopg
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import problem_response

ADVISORY_KEY = (0x4D454A4F, 1)
"""``pg_advisory_lock(int, int)`` key of the pause: ``MEJO`` and 1 (``pg_locks``: classid, objid, objsubid 2)."""
FLAG_SUFFIX = ".maintenance"
RETRY_AFTER_SECONDS = 10
"""``Retry-After`` of a refused write: a backup of the three databases takes seconds."""
MAX_PAUSE_SECONDS = 600.0
"""A SQLite flag older than this is ignored (a crashed backup); a PostgreSQL lock ends with its session."""
CHECK_ENV = "MEJORA_MAINTENANCE_CHECK_SECONDS"
DEFAULT_CHECK_SECONDS = 1.0
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_EXEMPT_PATHS = frozenset({"/health", "/ready", "/metrics"})
_PG_PAUSED = text(
    "SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
    " WHERE l.locktype = 'advisory' AND l.classid = :a AND l.objid = :b AND l.objsubid = 2"
    " AND l.granted AND d.datname = current_database())"
)


def check_seconds() -> float:
    """How long a process trusts its last look at the flag (``MEJORA_MAINTENANCE_CHECK_SECONDS``)."""
    raw = os.environ.get(CHECK_ENV, "").strip()
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_CHECK_SECONDS
    except ValueError:
        return DEFAULT_CHECK_SECONDS


def settle_seconds() -> float:
    """How long the backup tool waits after raising the flag: every process has looked again, writes in flight end."""
    return check_seconds() + 1.0


def sqlite_flag(url: str) -> Path | None:
    """The flag file beside a SQLite database; ``None`` for PostgreSQL and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database + FLAG_SUFFIX)


def _flag_is_current(path: Path, now: float) -> bool:
    try:
        content: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        until = float(content["until"])
    except FileNotFoundError:
        return False
    except (OSError, ValueError, KeyError, TypeError):
        return True  # a flag we cannot read is still a flag: refuse writes rather than risk a torn backup
    return now < until


def is_paused(engine: Engine, *, now: float | None = None) -> bool:
    """Is a pause on for this database? (a SQLite flag file, or the advisory lock on PostgreSQL)."""
    url = engine.url.render_as_string(hide_password=False)
    if engine.url.get_backend_name() == "sqlite":
        flag = sqlite_flag(url)
        return flag is not None and _flag_is_current(flag, time.time() if now is None else now)
    with engine.connect() as connection:
        return bool(connection.execute(_PG_PAUSED, {"a": ADVISORY_KEY[0], "b": ADVISORY_KEY[1]}).scalar())


def libpq_url(url: str) -> str:
    """A SQLAlchemy URL as libpq reads it (no ``+psycopg`` driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def _pause_one(url: str) -> Iterator[None]:
    flag = sqlite_flag(url)
    if make_url(url).get_backend_name() == "sqlite":
        if flag is None:
            yield
            return
        since = time.time()
        fd = os.open(flag, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"since": since, "until": since + MAX_PAUSE_SECONDS, "pid": os.getpid()}, handle)
        try:
            yield
        finally:
            flag.unlink(missing_ok=True)
        return
    with psycopg.connect(libpq_url(url), autocommit=True) as connection:
        connection.execute("SELECT pg_advisory_lock(%s, %s)", ADVISORY_KEY)
        try:
            yield
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s, %s)", ADVISORY_KEY)


@contextmanager
def pause_writes(urls: Sequence[str], *, settle: bool = True) -> Iterator[None]:
    """Writes refused by every service on these databases while the block runs; the flags go when it ends.

    With ``settle``, waits :func:`settle_seconds` after raising the flags, so each process has seen them and the
    writes it admitted before have finished: what the block then reads is one moment of all the databases.
    """
    with ExitStack() as stack:
        for url in urls:
            stack.enter_context(_pause_one(url))
        if settle:
            time.sleep(settle_seconds())
        yield


def maintenance_response(service: str) -> Any:
    return problem_response(
        503,
        "maintenance",
        "El sistema está en mantención (respaldo en curso): puedes seguir consultando, pero los cambios se "
        "guardarán nuevamente en unos segundos.",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        extra={"service": service},
    )


class MaintenanceMiddleware:
    """Answers writes with 503 ``maintenance`` and ``Retry-After`` while the service's database is paused.

    Reads the engine from ``app.state.engine`` (set by each service's ``create_app``); an app without one is never
    paused. Runs inside the load-shedding gate, so its look at the database uses a connection the gate accounts for.
    """

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service
        self.interval = check_seconds()
        self._checked_at = float("-inf")
        self._paused = False

    async def _paused_now(self, engine: Engine) -> bool:
        now = time.monotonic()
        if now - self._checked_at >= self.interval:
            try:
                self._paused = await anyio.to_thread.run_sync(is_paused, engine)
            except Exception:  # noqa: BLE001 - database unreachable: the request meets the error itself
                self._paused = False
            self._checked_at = time.monotonic()
        return self._paused

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"].upper() in _SAFE_METHODS
            or scope["path"] in _EXEMPT_PATHS
            or (engine := getattr(getattr(scope.get("app"), "state", None), "engine", None)) is None
        ):
            await self.app(scope, receive, send)
            return
        if await self._paused_now(engine):
            await maintenance_response(self.service)(scope, receive, send)
            return
        await self.app(scope, receive, send)
