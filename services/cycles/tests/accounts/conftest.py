"""Fixtures of the account lifecycle tests: a real local SMTP server (aiosmtpd) and the cycles service sending to it."""

from __future__ import annotations

import email
import email.policy
import re
import threading
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from fastapi.testclient import TestClient

from cycles_service.db import MIGRATIONS_DIR
from cycles_service.domain.chile import run_check_digit
from cycles_service.main import create_app
from cycles_service.seed import seed_demo
from cycles_service.settings import Settings
from mejora_common.db import upgrade
from mejora_common.testing import DEMO_FILE, DEMO_NETWORK_ID, DEMO_PASSWORD, TEST_KEYS, DatabaseTemplates, free_port

NET = f"/api/v1/networks/{DEMO_NETWORK_ID}"
COORDINATOR = "coordinacion@demo.cl"
PUBLIC_URL = "https://mejora.example.cl"


class Inbox:
    """What the local SMTP server received."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        assert isinstance(envelope.content, bytes)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if m["To"] == address]

    def last_link(self, address: str, path: str) -> str:
        """The token of the last link to ``path`` in the mails to ``address``."""
        [*_, message] = self.to(address)
        body = message.get_content()
        match = re.search(rf"{re.escape(PUBLIC_URL)}{re.escape(path)}#token=([A-Za-z0-9_-]+)", body)
        assert match, body
        return match.group(1)


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    handler = Inbox(free_port())
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


def migrate_and_seed(url: str) -> None:
    upgrade(MIGRATIONS_DIR, url)
    seed_demo(url, DEMO_FILE)


@pytest.fixture
def settings(database_url: str, tmp_path: Path, inbox: Inbox, database_templates: DatabaseTemplates) -> Settings:
    database_templates.fill(database_url, "cycles-demo", migrate_and_seed)
    return Settings(
        database_url=database_url,
        **TEST_KEYS.settings("cycles"),
        data_dir=tmp_path,
        smtp_host="127.0.0.1",
        smtp_port=inbox.port,
        smtp_security="none",
        public_url=PUBLIC_URL,
    )


@pytest.fixture
def make_client(settings: Settings) -> Iterator[Callable[..., TestClient]]:
    """The cycles service sending mail to the local server; keyword arguments change its settings."""
    clients: list[tuple[TestClient, Any]] = []

    def build(**changes: Any) -> TestClient:
        app = create_app(settings.model_copy(update=changes))
        client = TestClient(app)
        client.__enter__()
        clients.append((client, app))
        return client

    yield build
    for client, app in clients:
        client.__exit__(None, None, None)
        app.state.engine.dispose()


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


def login(client: TestClient, email_address: str, password: str = DEMO_PASSWORD) -> dict[str, Any]:
    response = client.post("/api/v1/auth/token", data={"username": email_address, "password": password})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def bearer(client: TestClient, email_address: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    return {"Authorization": f"Bearer {login(client, email_address, password)['access_token']}"}


def new_person(client: TestClient, headers: dict[str, str], email_address: str | None, role: str = "teacher") -> str:
    """A new person of the demo network (no account yet); her id."""
    body = 20_000_000 + sum(ord(c) for c in (email_address or "x")) * 7 + len(email_address or "")
    run = f"{body}-{run_check_digit(body)}"
    payload: dict[str, Any] = {"run": run, "name": "Persona Nueva", "role": role}
    if email_address:
        payload["email"] = email_address
    response = client.post(f"{NET}/people", json=payload, headers=headers)
    assert response.status_code == 201, response.text
    person_id: str = response.json()["id"]
    return person_id
