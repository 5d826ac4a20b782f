"""Fixtures of the reports service tests.

The reports service reads the cycles and observations services over HTTP; here
they are small Starlette apps (:class:`FakeWorld`) served by real uvicorn
servers (``ServerThread``), holding in-memory data the tests fill in. The fakes
apply a simplified version of the siblings' access rules (membership → 404, the
privacy of individual observations) and record who asked for what, so tests can
check that the reports service forwards the caller's token where the caller's own
rights apply and uses a service token only for aggregates.

The fakes cannot drift from the real services: every answer is shaped by the producer's committed OpenAPI
snapshot (:class:`producer.Producer`: only the fields it declares, the required ones a test leaves out given a neutral
value of their type) and validated against it with ``validate_response``, so a fake answer the real service could
not give fails the test that reads it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from mejora_common.auth import Principal, verify_access_token
from mejora_common.db import upgrade
from mejora_common.errors import ProblemError
from mejora_common.testing import DEMO_NETWORK_ID, TEST_KEYS, ServerThread, auth_header, make_principal, make_token
from reports_service.db import MIGRATIONS_DIR
from reports_service.main import create_app
from reports_service.settings import Settings

from .producer import CYCLES, OBSERVATIONS

NETWORK = DEMO_NETWORK_ID


def _problem(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"status": status, "detail": detail, "code": "not_found"}, status_code=status)


@dataclass
class Call:
    service: str
    path: str
    role: str
    account_id: str
    params: dict[str, str]


@dataclass
class FakeWorld:
    """In-memory data of the two sibling services."""

    measures: dict[str, dict[str, Any]] = field(default_factory=dict)
    points: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    phases: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    dismissals: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    networks: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    aims: list[dict[str, Any]] = field(default_factory=list)
    diagrams: list[dict[str, Any]] = field(default_factory=list)
    cycles: list[dict[str, Any]] = field(default_factory=list)
    schools: dict[str, dict[str, Any]] = field(default_factory=dict)
    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    observations: dict[str, dict[str, Any]] = field(default_factory=dict)
    scores: dict[str, dict[str, Any]] = field(default_factory=dict)
    instruments: dict[str, dict[str, Any]] = field(default_factory=dict)
    scores_endpoint: bool = True
    aggregate_endpoint: bool = False
    """Whether ``observations:aggregate`` is served (off: reports reads ``observations:scores``, the fallback)."""
    page_delay: float = 0.0
    """Seconds each ``observations:scores`` page takes (a slow sibling, for deadline tests)."""
    calls: list[Call] = field(default_factory=list)

    def served(self, path: str) -> int:
        """How many requests the fakes answered (or refused) for ``path``."""
        return sum(1 for c in self.calls if c.path == path)

    # -- access ----------------------------------------------------------------------------------

    def _principal(self, request: Request, service: str) -> Principal:
        header = request.headers.get("authorization", "")
        try:
            principal = verify_access_token(header.partition(" ")[2], TEST_KEYS.verifier(service))
        except ProblemError as exc:
            raise _DeniedError(401) from exc
        self.calls.append(
            Call(service, request.url.path, principal.role, str(principal.account_id), dict(request.query_params))
        )
        return principal

    @staticmethod
    def _member(principal: Principal, network_id: str) -> bool:
        return principal.is_service or principal.membership(uuid.UUID(network_id)) is not None

    @staticmethod
    def _may_see_observation(principal: Principal, obs: dict[str, Any]) -> bool:
        """The observations service's privacy rule: the teacher, the observer, coordinators."""
        if principal.is_service:
            return True
        m = principal.membership(uuid.UUID(obs["network_id"]))
        if m is None:
            return False
        if m.role == "coordinator":
            return True
        if m.role == "teacher":
            return str(m.person_id) == obs["teacher_id"]
        if m.role == "coach":
            return str(m.person_id) == obs["observer_id"]
        return False

    def _schools(self) -> list[dict[str, Any]]:
        """Schools a test adds without a network belong to the test network."""
        return [{"network_id": str(NETWORK), **s} for s in self.schools.values()]

    # -- apps ------------------------------------------------------------------------------------

    # -- the cycles service -------------------------------------------------------------------

    async def _cycles_measure(self, request: Request) -> JSONResponse:
        p = self._principal(request, "cycles")
        m = self.measures.get(request.path_params["id"])
        if m is None or not self._member(p, m["network_id"]):
            return _problem(404, "La medida no existe o no tienes acceso.")
        return CYCLES.answer("/api/v1/measures/{measure_id}", m)

    async def _cycles_points(self, request: Request) -> JSONResponse:
        p = self._principal(request, "cycles")
        m = self.measures.get(request.path_params["id"])
        if m is None or not self._member(p, m["network_id"]):
            return _problem(404, "La medida no existe o no tienes acceso.")
        return CYCLES.page("/api/v1/measures/{measure_id}/points", self.points.get(m["id"], []), request)

    def _cycles_measure_list(self, path: str, store: Callable[[], dict[str, list[Any]]]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> JSONResponse:
            p = self._principal(request, "cycles")
            m = self.measures.get(request.path_params["id"])
            if m is None or not self._member(p, m["network_id"]):
                return _problem(404, "La medida no existe o no tienes acceso.")
            return CYCLES.page(path, store().get(m["id"], []), request)

        return endpoint

    async def _cycles_network(self, request: Request) -> JSONResponse:
        p = self._principal(request, "cycles")
        n = self.networks.get(request.path_params["id"])
        if n is None or not self._member(p, n["id"]):
            return _problem(404, "La red no existe o no tienes acceso.")
        return CYCLES.answer("/api/v1/networks/{network_id}", n)

    def _cycles_network_list(self, path: str, getter: Callable[[str, Request], list[Any]]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> JSONResponse:
            p = self._principal(request, "cycles")
            network_id = request.path_params.get("id") or request.query_params.get("network_id", "")
            if network_id not in self.networks or not self._member(p, network_id):
                return _problem(404, "La red no existe o no tienes acceso.")
            return CYCLES.page(path, getter(network_id, request), request)

        return endpoint

    def _cycles_events(self, network_id: str, request: Request) -> list[Any]:
        kind = request.query_params.get("kind")
        return [e for e in self.events if e["network_id"] == network_id and (not kind or e["kind"] == kind)]

    def _cycles_by_network(self, items: list[dict[str, Any]]) -> Callable[[str, Request], list[Any]]:
        return lambda network_id, _request: [i for i in items if i["network_id"] == network_id]

    def _cycles_summaries(self, network_id: str, _request: Request) -> list[Any]:
        return [d for d in self.diagrams if d["network_id"] == network_id]

    async def _cycles_cycle(self, request: Request) -> JSONResponse:
        p = self._principal(request, "cycles")
        c = next((c for c in self.cycles if c["id"] == request.path_params["id"]), None)
        if c is None or not self._member(p, c["network_id"]):
            return _problem(404, "El ciclo no existe o no tienes acceso.")
        detail = {**c, "study_learning": c.get("study_learning", ""), "act_next_steps": ""}
        return CYCLES.answer("/api/v1/cycles/{cycle_id}", detail)

    async def _cycles_diagram(self, request: Request) -> JSONResponse:
        p = self._principal(request, "cycles")
        d = next((d for d in self.diagrams if d["id"] == request.path_params["id"]), None)
        if d is None or not self._member(p, d["network_id"]):
            return _problem(404, "El diagrama no existe o no tienes acceso.")
        return CYCLES.answer("/api/v1/driver-diagrams/{diagram_id}", d)

    def _cycles_schools(self, network_id: str, _request: Request) -> list[Any]:
        return [s for s in self._schools() if s["network_id"] == network_id]

    def _cycles_one(self, path: str, store: Callable[[], dict[str, Any]], what: str) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> JSONResponse:
            self._principal(request, "cycles")
            item = store().get(request.path_params["id"])
            if item is None:
                return _problem(404, f"{what} no existe o no tienes acceso.")
            return CYCLES.answer(path, item)

        return endpoint

    def cycles_app(self) -> Starlette:
        net = "/api/v1/networks/{network_id}"
        return _guarded(
            Starlette(
                routes=[
                    Route("/api/v1/measures/{id}", self._cycles_measure),
                    Route("/api/v1/measures/{id}/points", self._cycles_points),
                    Route(
                        "/api/v1/measures/{id}/phases",
                        self._cycles_measure_list("/api/v1/measures/{measure_id}/phases", lambda: self.phases),
                    ),
                    Route(
                        "/api/v1/measures/{id}/phase-dismissals",
                        self._cycles_measure_list(
                            "/api/v1/measures/{measure_id}/phase-dismissals", lambda: self.dismissals
                        ),
                    ),
                    Route("/api/v1/networks/{id}", self._cycles_network),
                    Route(
                        "/api/v1/networks/{id}/events",
                        self._cycles_network_list("/api/v1/networks/{network_id}/events", self._cycles_events),
                    ),
                    Route(
                        "/api/v1/networks/{id}/aims",
                        self._cycles_network_list(f"{net}/aims", self._cycles_by_network(self.aims)),
                    ),
                    Route(
                        "/api/v1/networks/{id}/driver-diagrams",
                        self._cycles_network_list(f"{net}/driver-diagrams", self._cycles_summaries),
                    ),
                    Route(
                        "/api/v1/networks/{id}/schools",
                        self._cycles_network_list(f"{net}/schools", self._cycles_schools),
                    ),
                    Route("/api/v1/driver-diagrams/{id}", self._cycles_diagram),
                    Route(
                        "/api/v1/cycles",
                        self._cycles_network_list("/api/v1/cycles", self._cycles_by_network(self.cycles)),
                    ),
                    Route("/api/v1/cycles/{id}", self._cycles_cycle),
                    Route(
                        "/api/v1/schools/{id}",
                        self._cycles_one(
                            "/api/v1/schools/{school_id}",
                            lambda: {s["id"]: s for s in self._schools()},
                            "El establecimiento",
                        ),
                    ),
                    Route(
                        "/api/v1/people/{id}",
                        self._cycles_one("/api/v1/people/{person_id}", lambda: self.people, "La persona"),
                    ),
                ]
            )
        )

    def _submitted_in(self, q: Mapping[str, str]) -> list[dict[str, Any]]:
        """The fake's submitted observations of the network and wave the query names, in the order they were added."""
        return [
            o
            for o in self.observations.values()
            if o["network_id"] == q["network_id"] and o["wave"] == q["wave"] and o["status"] == "submitted"
        ]

    def _score_rows(self, q: Mapping[str, str]) -> list[dict[str, Any]]:
        rows = []
        for obs in self._submitted_in(q):
            s = self.scores[obs["id"]]
            rows.append(
                {
                    "observation_id": obs["id"],
                    **{k: obs[k] for k in ("network_id", "school_id", "teacher_id", "observer_id", "level")},
                    **{k: obs[k] for k in ("wave", "observed_on", "instrument_id")},
                    "instrument_code": "class-k3",
                    "instrument_version": 1,
                    "scale": s["scale"],
                    "n_cycles": 4,
                    "dimensions": s["dimensions"],
                    "domains": s["domains"],
                }
            )
        return rows

    def _aggregate(self, q: Mapping[str, str]) -> dict[str, Any]:
        structures: dict[str, int] = {}
        instruments: list[dict[str, Any]] = []
        rows: list[list[Any]] = []
        for obs in sorted(self._submitted_in(q), key=lambda o: (o["observed_on"], o["id"])):
            s = self.scores[obs["id"]]
            shape = repr(([d["code"] for d in s["dimensions"]], [d["code"] for d in s["domains"]], s["scale"]))
            if shape not in structures:  # the fake's rows may differ in items: one instrument entry per shape
                structures[shape] = len(instruments)
                instruments.append(
                    {
                        "id": obs["instrument_id"],
                        "code": "class-k3",
                        "version": 1,
                        "scale": s["scale"],
                        "dimensions": [
                            {**{k: d[k] for k in ("code", "name", "domain")}, "reverse": d.get("reverse", False)}
                            for d in s["dimensions"]
                        ],
                        "domains": [{k: d[k] for k in ("code", "name")} for d in s["domains"]],
                    }
                )
            rows.append(
                [
                    obs["id"],
                    obs.get("revision", 1),
                    obs["school_id"],
                    obs["teacher_id"],
                    obs["level"],
                    obs["observed_on"],
                    structures[shape],
                    [d["mean"] for d in s["dimensions"]],
                    [d["adjusted"] for d in s["dimensions"]],
                    [d["mean"] for d in s["domains"]],
                ]
            )
        return {
            "network_id": q["network_id"],
            "wave": q["wave"],
            "instruments": instruments,
            "observation_columns": [],
            "observations": rows,
            "group_columns": [],
            "groups": [],
        }

    def observations_app(self) -> Starlette:
        async def observation(request: Request) -> JSONResponse:
            p = self._principal(request, "observations")
            obs = self.observations.get(request.path_params["id"])
            if obs is None or not self._may_see_observation(p, obs):
                return _problem(404, "La observación no existe o no tienes acceso.")
            return OBSERVATIONS.answer("/api/v1/observations/{observation_id}", obs)

        async def scores(request: Request) -> JSONResponse:
            p = self._principal(request, "observations")
            obs = self.observations.get(request.path_params["id"])
            if obs is None or not self._may_see_observation(p, obs):
                return _problem(404, "La observación no existe o no tienes acceso.")
            scores = {"observation_id": obs["id"], "instrument_id": obs["instrument_id"], **self.scores[obs["id"]]}
            return OBSERVATIONS.answer("/api/v1/observations/{observation_id}/scores", scores)

        async def listing(request: Request) -> JSONResponse:
            p = self._principal(request, "observations")
            q = request.query_params
            items = [
                o
                for o in self.observations.values()
                if self._may_see_observation(p, o)
                and all(str(o.get(key)) == q[key] for key in ("network_id", "teacher_id", "wave", "status") if key in q)
            ]
            items.sort(key=lambda o: (o["observed_on"], o["id"]))
            return OBSERVATIONS.page("/api/v1/observations", items, request)

        async def network_scores(request: Request) -> JSONResponse:
            p = self._principal(request, "observations")
            if not self.scores_endpoint or not p.is_service:
                return _problem(404, "La ruta solicitada no existe.")
            if self.page_delay:
                await asyncio.sleep(self.page_delay)
            return OBSERVATIONS.page("/api/v1/observations:scores", self._score_rows(request.query_params), request)

        async def network_aggregate(request: Request) -> JSONResponse:
            p = self._principal(request, "observations")
            if not self.aggregate_endpoint or not p.is_service:
                return _problem(404, "La ruta solicitada no existe.")
            return OBSERVATIONS.answer("/api/v1/observations:aggregate", self._aggregate(request.query_params))

        async def instrument(request: Request) -> JSONResponse:
            self._principal(request, "observations")
            item = self.instruments.get(request.path_params["id"])
            if item is None:
                return _problem(404, "El instrumento no existe.")
            return OBSERVATIONS.answer("/api/v1/instruments/{instrument_id}", item)

        return _guarded(
            Starlette(
                routes=[
                    Route("/api/v1/observations:scores", network_scores),
                    Route("/api/v1/observations:aggregate", network_aggregate),
                    Route("/api/v1/observations", listing),
                    Route("/api/v1/observations/{id}", observation),
                    Route("/api/v1/observations/{id}/scores", scores),
                    Route("/api/v1/instruments/{id}", instrument),
                ]
            )
        )


class _DeniedError(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


def _guarded(app: Starlette) -> Starlette:
    async def denied(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, _DeniedError)
        return _problem(exc.status, "No autenticado")

    app.add_exception_handler(_DeniedError, denied)
    return app


@pytest.fixture
def world() -> FakeWorld:
    w = FakeWorld()
    w.networks[str(NETWORK)] = {"id": str(NETWORK), "name": "Red de prueba <Norte>", "slep": "SLEP de prueba"}
    return w


@dataclass
class Siblings:
    cycles: ServerThread
    observations: ServerThread


@pytest.fixture
def siblings(world: FakeWorld) -> Iterator[Siblings]:
    with ServerThread(world.cycles_app()) as cycles, ServerThread(world.observations_app()) as observations:
        yield Siblings(cycles, observations)


def build_client(tmp_path: Path, cycles_url: str, observations_url: str, **settings: Any) -> TestClient:
    url = f"sqlite:///{tmp_path / 'reports.db'}"
    upgrade(MIGRATIONS_DIR, url)
    app = create_app(
        Settings(
            database_url=url,
            **TEST_KEYS.settings("reports"),
            data_dir=tmp_path,
            cycles_url=cycles_url,
            observations_url=observations_url,
            service_timeout_seconds=5.0,
            pdf_warmup=False,
            **settings,
        )
    )
    return TestClient(app)


@pytest.fixture
def make_client(tmp_path: Path) -> Callable[..., TestClient]:
    """A reports service reading siblings at the given URLs (use it as a context manager)."""
    return lambda cycles_url, observations_url, **settings: build_client(
        tmp_path, cycles_url, observations_url, **settings
    )


@pytest.fixture
def client(tmp_path: Path, siblings: Siblings) -> Iterator[TestClient]:
    """The reports service, reading the fake siblings."""
    with build_client(tmp_path, siblings.cycles.url, siblings.observations.url) as test_client:
        yield test_client


@pytest.fixture
def headers() -> Callable[..., dict[str, str]]:
    """Authorization header for a principal: ``headers("teacher", person_id=..., school_id=...)``."""

    def make(
        role: str = "coordinator",
        network_id: uuid.UUID | None = NETWORK,
        *,
        person_id: uuid.UUID | str | None = None,
        school_id: uuid.UUID | str | None = None,
    ) -> dict[str, str]:
        principal = make_principal(
            role,
            network_id,
            person_id=uuid.UUID(str(person_id)) if person_id else None,
            school_id=uuid.UUID(str(school_id)) if school_id else None,
        )
        return auth_header(make_token(principal))

    return make
