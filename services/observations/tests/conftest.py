from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from pydantic import BaseModel

from mejora_common.auth import Membership, Principal
from mejora_common.contracts import load_openapi, validate_response
from mejora_common.db import upgrade
from mejora_common.testing import (
    DEMO_FILE,
    DEMO_NETWORK_ID,
    REPO_ROOT,
    TEST_KEYS,
    DatabaseTemplates,
    ServerThread,
    free_port,
    make_token,
    service_token,
)
from observations_service.clients import cycles
from observations_service.db import MIGRATIONS_DIR
from observations_service.instruments import instrument_uuid
from observations_service.main import create_app
from observations_service.settings import Settings

DIRECTORY: dict[str, Any] = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
PEOPLE_BY_EMAIL = {p["email"]: p for p in DIRECTORY["people"] if p.get("email")}
OTHER_NETWORK_ID = uuid.UUID("00000000-0000-4000-8000-0000000000aa")


CYCLES_OPENAPI = load_openapi(REPO_ROOT / "services" / "cycles" / "openapi.json")


class FakeCycles:
    """The cycles service's directory as this service reads it, from the demo directory.

    Entries are the client's own models (``clients/cycles.py``) plus the other fields the real service
    sends; every answer is validated against the cycles service's OpenAPI snapshot, so the fake cannot
    drift from the real service.
    """

    def __init__(self) -> None:
        network = DIRECTORY["network"]
        network_id = uuid.UUID(network["id"])
        self.network = cycles.Network(id=network_id)
        self.schools = {
            uuid.UUID(s["id"]): cycles.School(id=s["id"], network_id=network_id) for s in DIRECTORY["schools"]
        }
        self.people = {
            uuid.UUID(p["id"]): cycles.Person(id=p["id"], network_id=network_id, school_id=p.get("school_id"))
            for p in DIRECTORY["people"]
        }
        # What the real service also sends (not read here, but part of a valid answer).
        self.sent: dict[uuid.UUID, dict[str, Any]] = {
            network_id: {
                **network,
                "created_at": "2024-03-01T12:00:00Z",
                "my_role": "coordinator",
                "school_count": len(self.schools),
                "people_count": len(self.people),
            },
            **{uuid.UUID(s["id"]): {**s, "version": 1} for s in DIRECTORY["schools"]},
            **{uuid.UUID(p["id"]): {**p, "version": 1} for p in DIRECTORY["people"]},
        }

    def find(self, call: cycles.Call[Any], key: uuid.UUID) -> BaseModel | None:
        tables: dict[type[BaseModel], Mapping[uuid.UUID, BaseModel]] = {
            cycles.Network: {self.network.id: self.network},
            cycles.School: self.schools,
            cycles.Person: self.people,
        }
        return tables[call.response].get(key)

    def answer(self, call: cycles.Call[Any], key: str) -> dict[str, Any] | None:
        """The JSON the real service answers to ``call`` for ``key`` (``None``: 404), checked against its OpenAPI."""
        try:
            found = self.find(call, uuid.UUID(key))
        except ValueError:
            return None
        if found is None:
            return None
        payload = {**self.sent[uuid.UUID(key)], **found.model_dump(mode="json")}
        validate_response(CYCLES_OPENAPI, call.method, call.path, payload)
        return payload


def fake_cycles_app(calls: list[str], directory: FakeCycles | None = None) -> FastAPI:
    """Every call of ``clients/cycles.py``, answered by :class:`FakeCycles` (and an auth check)."""
    app = FastAPI()
    fake = directory or FakeCycles()

    def route(call: cycles.Call[Any]) -> Callable[[Request], JSONResponse]:
        def handle(request: Request) -> JSONResponse:
            calls.append(request.url.path)
            if not request.headers.get("authorization", "").startswith("Bearer "):
                return JSONResponse({"detail": "sin token"}, status_code=401)
            (key,) = request.path_params.values()
            payload = fake.answer(call, str(key))
            if payload is None:
                return JSONResponse({"detail": "no existe"}, status_code=404)
            return JSONResponse(payload)

        return handle

    for call in cycles.CALLS.values():
        app.add_api_route(call.path, route(call), methods=[call.method])
    return app


@pytest.fixture(scope="session")
def cycles_openapi() -> dict[str, Any]:
    """The cycles service's committed OpenAPI snapshot (the producer of what ``clients/cycles.py`` reads)."""
    return CYCLES_OPENAPI


@pytest.fixture
def fake_directory() -> FakeCycles:
    return FakeCycles()


@pytest.fixture
def demo_directory() -> dict[str, Any]:
    return DIRECTORY


@pytest.fixture(scope="session")
def cycles_calls() -> list[str]:
    return []


@pytest.fixture(scope="session")
def fake_cycles(cycles_calls: list[str]) -> Iterator[str]:
    """URL of a fake cycles service (a real server on a real socket)."""
    with ServerThread(fake_cycles_app(cycles_calls)) as server:
        yield server.url


def migrate(url: str) -> None:
    upgrade(MIGRATIONS_DIR, url)


def build_app(database_url: str, tmp_path: Path, cycles_url: str) -> FastAPI:
    settings = Settings(
        database_url=database_url,
        **TEST_KEYS.settings("observations"),
        data_dir=tmp_path,
        cycles_url=cycles_url,
        service_timeout_seconds=3.0,
        log_level="WARNING",
    )
    return create_app(settings)


@pytest.fixture
def app_factory(
    database_url: str, tmp_path: Path, fake_cycles: str, database_templates: DatabaseTemplates
) -> Callable[..., FastAPI]:
    """Builds the observations app on the migrated test database (cycles: the fake, or another URL)."""
    database_templates.fill(database_url, "observations-migrated", migrate)

    def make(cycles_url: str | None = None) -> FastAPI:
        return build_app(database_url, tmp_path, cycles_url or fake_cycles)

    return make


@pytest.fixture
def client(app_factory: Callable[..., FastAPI]) -> Iterator[TestClient]:
    app = app_factory()
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


@pytest.fixture
def closed_port_url() -> str:
    """A URL where nothing listens (the cycles service down)."""
    return f"http://127.0.0.1:{free_port()}"


def demo_principal(email: str) -> Principal:
    person = PEOPLE_BY_EMAIL[email]
    school = uuid.UUID(person["school_id"]) if person.get("school_id") else None
    membership = Membership(
        network_id=DEMO_NETWORK_ID, person_id=uuid.UUID(person["id"]), role=person["role"], school_id=school
    )
    return Principal(
        account_id=uuid.uuid5(uuid.NAMESPACE_URL, email),
        email=email,
        name=person["name"],
        role=person["role"],
        memberships=(membership,),
    )


@pytest.fixture
def headers() -> Callable[[str], dict[str, str]]:
    """Authorization header of a demo person by e-mail (``"service"``: the reports service)."""

    def make(email: str) -> dict[str, str]:
        if email == "service":
            return {"Authorization": f"Bearer {service_token('reports', 'observations')}"}
        if email == "outsider":
            outsider = Principal(
                account_id=uuid.uuid4(),
                email="otra@red.cl",
                name="Otra Red",
                role="coordinator",
                memberships=(Membership(OTHER_NETWORK_ID, uuid.uuid4(), "coordinator"),),
            )
            return {"Authorization": f"Bearer {make_token(outsider)}"}
        return {"Authorization": f"Bearer {make_token(demo_principal(email))}"}

    return make


@pytest.fixture
def person() -> Callable[[str], dict[str, Any]]:
    """A demo person's directory entry by e-mail."""
    return lambda email: PEOPLE_BY_EMAIL[email]


CLASS_ID = instrument_uuid("class-prek-k3", 1)
CLASS_DIMENSIONS = ["PC", "NC", "TS", "RSP", "BM", "PD", "ILF", "CD", "QF", "LM"]


@pytest.fixture
def draft() -> Callable[..., dict[str, Any]]:
    """A valid observation body for the demo teacher educadora@demo.cl, observed by acompanante@demo.cl."""

    def make(n_cycles: int = 4, teacher: str = "educadora@demo.cl", **changes: Any) -> dict[str, Any]:
        teacher_entry = PEOPLE_BY_EMAIL[teacher]
        base_scores = {"PC": 5, "NC": 2, "TS": 5, "RSP": 4, "BM": 5, "PD": 5, "ILF": 4, "CD": 2, "QF": 2, "LM": 2}
        body: dict[str, Any] = {
            "instrument_id": str(CLASS_ID),
            "network_id": str(DEMO_NETWORK_ID),
            "school_id": teacher_entry["school_id"],
            "teacher_id": teacher_entry["id"],
            "level": (teacher_entry.get("levels") or ["kinder"])[0],
            "observed_on": "2024-05-14",
            "wave": "2024-1",
            "mode": "live",
            "cycles": [
                {
                    "number": n,
                    "started_at": f"2024-05-14T13:{10 + 25 * (n - 1) % 50:02d}:00Z",
                    "duration_minutes": 20,
                    "scores": dict(base_scores),
                    "notes": f"Ciclo {n}",
                }
                for n in range(1, n_cycles + 1)
            ],
            "evidence": {"PC": "La educadora saluda a cada niño por su nombre.", "QF": "Retroalimentación breve."},
        }
        body.update(changes)
        return body

    return make
