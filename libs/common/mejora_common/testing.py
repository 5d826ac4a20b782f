"""Shared pytest fixtures and helpers, loaded by ``-p mejora_common.testing``.

One fixture style for every test in the repository: ``database_url`` runs a
test on SQLite and, when ``TEST_DATABASE_URL`` points to a PostgreSQL server,
again on a throwaway PostgreSQL database created and dropped for it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import psycopg
import pytest
import uvicorn
from sqlalchemy.engine import make_url

from .auth import ISSUER, Membership, Principal, issue_access_token, issue_service_token
from .db import normalize_url
from .keys import ALGORITHM, SigningKey, TokenKeys, public_pem

REPO_ROOT = Path(__file__).resolve().parents[3]
DEMO_FILE = REPO_ROOT / "infra" / "demo" / "directory.json"
DEMO_NETWORK_ID = uuid.UUID("4a9780fa-d5cc-58ce-a135-00cda17974df")
DEMO_PASSWORD = "mejora2024"  # noqa: S105 - the documented demo password
OLD_SHARED_SECRET = "secreto-de-pruebas-no-usar-en-produccion"  # noqa: S105 - the HS256 scheme, refused now
POSTGRES_ENV = "TEST_DATABASE_URL"


def postgres_admin_url() -> str | None:
    url = os.environ.get(POSTGRES_ENV, "").strip()
    return normalize_url(url) if url else None


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_postgres_database(admin_url: str) -> str:
    name = f"mejora_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(admin_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # name is generated above, never user input
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    parsed = make_url(url)
    admin = parsed.set(database="postgres")
    with psycopg.connect(_libpq(admin.render_as_string(hide_password=False)), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip(f"PostgreSQL: define {POSTGRES_ENV} para correr también contra PostgreSQL")
    url = create_postgres_database(admin)
    try:
        yield url
    finally:
        drop_postgres_database(url)


Builder = Callable[[str], None]


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    assert database, url
    return Path(database)


class DatabaseTemplates:
    """Prepared databases (migrated, seeded), built once per session and copied into each test's database.

    Building a schema and a demo seed takes seconds; copying a template is fast: a file copy on SQLite,
    ``CREATE DATABASE … TEMPLATE`` on PostgreSQL.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.templates: dict[tuple[str, str], str] = {}

    def _template(self, backend: str, key: str, build: Builder) -> str:
        if (backend, key) not in self.templates:
            if backend == "sqlite":
                url = f"sqlite:///{self.folder / f'{key}.db'}"
            else:
                admin = postgres_admin_url()
                assert admin is not None
                url = create_postgres_database(admin)
            build(url)
            self.templates[(backend, key)] = url
        return self.templates[(backend, key)]

    def fill(self, url: str, key: str, build: Builder) -> None:
        """Make the (new, empty) database at ``url`` a copy of the prepared template ``key``."""
        backend = make_url(url).get_backend_name()
        template = self._template(backend, key, build)
        if backend == "sqlite":
            target = _sqlite_path(url)
            for suffix in ("", "-wal", "-shm"):
                source = Path(str(_sqlite_path(template)) + suffix)
                if source.exists():
                    shutil.copyfile(source, Path(str(target) + suffix))
            return
        name = make_url(url).database
        template_name = make_url(template).database
        admin = make_url(url).set(database="postgres").render_as_string(hide_password=False)
        with psycopg.connect(_libpq(admin), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')

    def drop_all(self) -> None:
        for (backend, _key), url in self.templates.items():
            if backend != "sqlite":
                drop_postgres_database(url)


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseTemplates]:
    templates = DatabaseTemplates(tmp_path_factory.mktemp("templates"))
    yield templates
    templates.drop_all()


def make_principal(
    role: str = "teacher",
    network_id: uuid.UUID | None = None,
    *,
    person_id: uuid.UUID | None = None,
    school_id: uuid.UUID | None = None,
    extra: list[Membership] | None = None,
    email: str = "persona@prueba.cl",
) -> Principal:
    memberships: list[Membership] = []
    if network_id is not None:
        memberships.append(
            Membership(network_id=network_id, person_id=person_id or uuid.uuid4(), role=role, school_id=school_id)
        )
    memberships.extend(extra or [])
    return Principal(
        account_id=uuid.uuid4(), email=email, name="Persona de Prueba", role=role, memberships=tuple(memberships)
    )


SERVICE_NAMES = ("cycles", "observations", "reports")


class TestKeys:
    """Throwaway Ed25519 key pairs, one per service, made in memory once per test session (no files).

    :meth:`settings` gives a service's settings the way production does: its own private key and only the
    *public* keys of the others (pinned, so nothing is fetched); :meth:`verifier` is a process's
    :class:`~mejora_common.keys.TokenKeys` for code that verifies tokens directly.
    """

    __test__ = False  # not a test class

    def __init__(self) -> None:
        self.keys = {name: SigningKey.generate() for name in SERVICE_NAMES}

    def signer(self, service: str = "cycles") -> SigningKey:
        """``service``'s private key (made on first use for a name other than the three services')."""
        return self.keys.setdefault(service, SigningKey.generate())

    @property
    def cycles(self) -> SigningKey:
        """The key that signs user and integration tokens."""
        return self.keys["cycles"]

    def trusted_json(self, service: str) -> str:
        """``MEJORA_TRUSTED_KEYS`` for ``service``: the other services' public keys."""
        return json.dumps({name: public_pem(key.public) for name, key in self.keys.items() if name != service})

    def settings(self, service: str) -> dict[str, Any]:
        """Settings fields for ``service`` (``Settings(**TEST_KEYS.settings("cycles"), …)``)."""
        return {"signing_key": self.signer(service).private_pem(), "trusted_keys": self.trusted_json(service)}

    def environment(self, service: str) -> dict[str, str]:
        """The same as environment variables, for a real process of ``service``."""
        return {
            "MEJORA_SIGNING_KEY": self.keys[service].private_pem(),
            "MEJORA_TRUSTED_KEYS": self.trusted_json(service),
        }

    def verifier(self, service: str = "gateway") -> TokenKeys:
        """What ``service`` verifies with (its own key when it has one, the others' public keys)."""
        return TokenKeys(
            service=service,
            signing_key=self.keys.get(service),
            trusted={name: {key.kid: key.public} for name, key in self.keys.items() if name != service},
        )


TEST_KEYS = TestKeys()


def make_token(principal: Principal | None = None, *, key: SigningKey | None = None, minutes: int = 15) -> str:
    """A user token signed by cycles' test key (or by ``key``, to check that it is refused)."""
    token, _ = issue_access_token(principal or make_principal(), key or TEST_KEYS.cycles, minutes)
    return token


def service_token(caller: str, audience: str, *, actor: Principal | None = None, purpose: str | None = None) -> str:
    """A service token ``caller`` signs with its own test key for a call to ``audience``."""
    return issue_service_token(caller, TEST_KEYS.signer(caller), audience=audience, actor=actor, purpose=purpose)


def expired_token(key: SigningKey | None = None) -> str:
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": str(uuid.uuid4()),
        "typ": "access",
        "memberships": [],
        "iat": int((now - timedelta(hours=2)).timestamp()),
        "exp": int((now - timedelta(hours=1)).timestamp()),
    }
    signer = key or TEST_KEYS.cycles
    return jwt.encode(claims, signer.private, algorithm=ALGORITHM, headers={"kid": signer.kid})


def auth_header(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServerThread:
    """Serves an ASGI app with uvicorn in a thread on a free port (a real socket, real streaming)."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("el servidor de prueba no arrancó")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
