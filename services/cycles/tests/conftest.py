from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cycles_service.db import MIGRATIONS_DIR
from cycles_service.main import create_app
from cycles_service.seed import seed_demo
from cycles_service.settings import Settings
from mejora_common.db import upgrade
from mejora_common.testing import DEMO_FILE, DEMO_PASSWORD, TEST_KEYS, DatabaseTemplates


def migrate_and_seed(url: str) -> None:
    upgrade(MIGRATIONS_DIR, url)
    seed_demo(url, DEMO_FILE)


@pytest.fixture
def client(database_url: str, tmp_path: Path, database_templates: DatabaseTemplates) -> Iterator[TestClient]:
    """The cycles service on a migrated database holding the demo network (a copy of a session template)."""
    database_templates.fill(database_url, "cycles-demo", migrate_and_seed)
    app = create_app(Settings(database_url=database_url, **TEST_KEYS.settings("cycles"), data_dir=tmp_path))
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


@pytest.fixture
def login(client: TestClient) -> Callable[..., dict[str, str]]:
    """Logs a demo account in and returns the token pair."""

    def do_login(email: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
        response = client.post("/api/v1/auth/token", data={"username": email, "password": password})
        assert response.status_code == 200, response.text
        body: dict[str, str] = response.json()
        return body

    return do_login


@pytest.fixture
def bearer(login: Callable[..., dict[str, str]]) -> Callable[[str], dict[str, str]]:
    """The Authorization header of a demo account."""
    return lambda email: {"Authorization": f"Bearer {login(email)['access_token']}"}
