"""The view log's sentinel: no answer that shows a teacher's data leaves without its log row.

Unique text (the *sentinel*) is planted in one observation — its evidence, its cycle notes, an amendment's reason —
so it also reaches that observation's feedback. Then EVERY ``GET`` operation of the gateway's merged OpenAPI
(``/api/v1/openapi.json``, read at run time: not a hand list) is called as every role — coordinator, the coach who
observed, another coach, facilitator, school leader, the observed teacher, another teacher and an integration
client with every scope — in every ``format`` it declares, with its path parameters filled from the seeded data.
Each call carries its own ``X-Request-ID``, which the services forward to each other and the view log keeps. The
test fails if an answer contains the sentinel and the network's view log has no row of that request naming the
caller and the observed teacher. The teacher's own reads are exempt (they are not logged).

Why it fails when one route forgets to log: every route that returns the planted observation's text returns the
sentinel (it is in every free-text field the observation has), every route is called (the loop is over the
OpenAPI document, so a new route is called as soon as it exists), and every role that may read the observation
(the coordinator, the coach who recorded it) is among the callers, on the first page of every list (the
observation is the newest of its network, and lists also get the planted teacher, wave and observation as filters
when they take them). So a route that shows the text without calling the view log gives an answer with the
sentinel and a request id that no log row has: the assertion below names it. Every parameter that can name the
teacher's data (observation, teacher, person, network, school, wave, instrument) is filled with the planted
values; any other path parameter takes the first item of its parent list (``{phase_id}`` from ``…/phases``), or an
unknown id when there is none, so a new route is still called. The test checks that it saw the sentinel at all in
the answers it knows must carry it (the observation, its amendments, its feedback), so it cannot pass vacuously.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from mejora_common.testing import DEMO_FILE, DEMO_NETWORK_ID, auth_header

pytestmark = pytest.mark.e2e

NETWORK = str(DEMO_NETWORK_ID)
DIRECTORY = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
PEOPLE = {p["email"]: p for p in DIRECTORY["people"] if p.get("email")}
OBSERVED = "educadora17@demo.cl"
OBSERVER = "acompanante@demo.cl"
ROLES = {
    "coordinator": "coordinacion@demo.cl",
    "coach": OBSERVER,
    "other coach": "acompanante2@demo.cl",
    "facilitator": "facilitacion@demo.cl",
    "leader": "direccion@demo.cl",
    "teacher": OBSERVED,
    "other teacher": "educadora@demo.cl",
}
WAVE = "centinela"
PARAMETER = re.compile(r"\{([^}]*)\}")
SCORES = {"PC": 5, "NC": 2, "TS": 5, "RSP": 4, "BM": 5, "PD": 5, "ILF": 4, "CD": 2, "QF": 2, "LM": 2}


@dataclass(frozen=True)
class Caller:
    role: str
    account_id: str
    headers: dict[str, str]
    exempt: bool = False
    """The observed teacher: her own reads are not logged."""


@dataclass(frozen=True)
class Answer:
    caller: Caller
    url: str
    request_id: str
    status: int
    has_sentinel: bool


def _me(client: httpx.Client, headers: dict[str, str]) -> str:
    me = client.get("/api/v1/auth/me", headers=headers)
    assert me.status_code == 200, me.text
    return str(me.json()["id"])


def _first(client: httpx.Client, path: str, headers: dict[str, str], **params: str) -> str:
    answer = client.get(path, params=params, headers=headers)
    assert answer.status_code == 200, f"{path}: {answer.text}"
    data = answer.json()
    items = data["items"] if isinstance(data, dict) else data
    assert items, f"{path} has nothing in the demo"
    return str(items[0]["id"])


def plant(client: httpx.Client, system: Any, sentinel: str) -> str:
    """A submitted observation of OBSERVED whose every text field holds the sentinel, amended once."""
    coach = auth_header(system.token(OBSERVER))
    instruments = client.get("/api/v1/instruments", headers=coach).json()
    instrument = next(i for i in instruments["items"] if i["code"] == "class-prek-k3")
    teacher = PEOPLE[OBSERVED]
    oid = str(uuid.uuid4())
    body = {
        "instrument_id": instrument["id"],
        "network_id": NETWORK,
        "school_id": teacher["school_id"],
        "teacher_id": teacher["id"],
        "level": teacher["levels"][0],
        "observed_on": "2025-12-01",
        "wave": WAVE,
        "cycles": [{"number": n, "scores": dict(SCORES), "notes": f"{sentinel} ciclo {n}"} for n in range(1, 5)],
        "evidence": {code: f"{sentinel} evidencia {code}" for code in SCORES},
    }
    put = client.put(f"/api/v1/observations/{oid}", json=body, headers=coach)
    assert put.status_code == 201, put.text
    done = client.post(f"/api/v1/observations/{oid}/submit", headers={**coach, "If-Match": put.headers["etag"]})
    assert done.status_code == 200, done.text
    coordinator = auth_header(system.token(ROLES["coordinator"]))
    amended = client.post(
        f"/api/v1/observations/{oid}/amendments",
        json={"reason": f"{sentinel} corrección", "evidence": {**body["evidence"], "QF": f"{sentinel} corregida"}},
        headers={**coordinator, "If-Match": done.headers["etag"]},
    )
    assert amended.status_code == 201, amended.text
    return oid


def integration_caller(client: httpx.Client, system: Any) -> Caller:
    coordinator = auth_header(system.token(ROLES["coordinator"]))
    created = client.post(
        f"/api/v1/networks/{NETWORK}/integrations",
        json={"name": "Centinela", "scopes": ["roster:import", "directory:read", "aggregates:read"]},
        headers=coordinator,
    )
    assert created.status_code == 201, created.text
    basic = base64.b64encode(f"{created.json()['client_id']}:{created.json()['client_secret']}".encode()).decode()
    issued = client.post(
        "/api/v1/auth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
    )
    assert issued.status_code == 200, issued.text
    return Caller("integration", str(created.json()["client_id"]), auth_header(issued.json()["access_token"]))


def known_values(client: httpx.Client, system: Any, oid: str) -> dict[str, str]:
    """A value for every parameter name the API uses, from the seeded demo and the planted observation."""
    headers = auth_header(system.token(ROLES["coordinator"]))
    observation = client.get(f"/api/v1/observations/{oid}", headers=headers).json()
    diagram = _first(client, f"/api/v1/networks/{NETWORK}/driver-diagrams", headers)
    return {
        "network_id": NETWORK,
        "observation_id": oid,
        "teacher_id": PEOPLE[OBSERVED]["id"],
        "person_id": PEOPLE[OBSERVED]["id"],
        "school_id": PEOPLE[OBSERVED]["school_id"],
        "instrument_id": observation["instrument_id"],
        "wave": WAVE,
        "year": "2025",
        "number": "1",
        "measure_id": _first(client, f"/api/v1/networks/{NETWORK}/measures", headers),
        "cycle_id": _first(client, "/api/v1/cycles", headers, network_id=NETWORK),
        "barrier_id": _first(client, f"/api/v1/networks/{NETWORK}/barriers", headers),
        "event_id": _first(client, f"/api/v1/networks/{NETWORK}/events", headers),
        "diagram_id": diagram,
        "against": diagram,
    }


def fill(
    template: str, document: dict[str, Any], values: dict[str, str], client: httpx.Client, headers: dict[str, str]
) -> str:
    """The template with its path parameters filled: a known value, else the first item of its parent list (e.g.
    ``{phase_id}`` from ``…/phases``), else an unknown id (the route is still called, and answers 404)."""
    path = template
    for name in PARAMETER.findall(template):
        if name not in values:
            parent_template = template.split("{" + name + "}", 1)[0].rstrip("/")
            parent = path.split("{" + name + "}", 1)[0].rstrip("/")
            listed = parent_template in document["paths"] and "get" in document["paths"][parent_template]
            values[name] = (_first_id(client, parent, headers) if listed else None) or str(uuid.uuid4())
        path = path.replace("{" + name + "}", values[name])
    return path


def _first_id(client: httpx.Client, path: str, headers: dict[str, str]) -> str | None:
    answer = client.get(path, headers=headers)
    if answer.status_code != 200:
        return None
    data = answer.json()
    items = data.get("items", []) if isinstance(data, dict) else data
    return str(items[0]["id"]) if items and isinstance(items[0], dict) and "id" in items[0] else None


def calls_of(
    document: dict[str, Any], values: dict[str, str], client: httpx.Client, headers: dict[str, str]
) -> Iterator[tuple[str, dict[str, str]]]:
    """Every GET of the document as (path, query): required parameters filled, then also with every known filter,
    once per declared ``format``."""
    for template, item in sorted(document["paths"].items()):
        operation = item.get("get")
        if operation is None or not template.startswith("/api/v1/"):
            continue
        parameters = operation.get("parameters", [])
        path = fill(template, document, values, client, headers)
        query = [p for p in parameters if p["in"] == "query"]
        for p in query:
            assert not p.get("required") or p["name"] in values, f"{template}: cannot fill ?{p['name']}="
        required = {p["name"]: values[p["name"]] for p in query if p.get("required")}
        filtered = {**required, **{p["name"]: values[p["name"]] for p in query if p["name"] in values}}
        formats = next((p["schema"].get("enum") for p in query if p["name"] == "format" and "schema" in p), None)
        for params in ({**required}, filtered) if filtered != required else ({**required},):
            for fmt in formats or [None]:
                yield path, {**params, **({"format": fmt} if fmt else {})}


def network_log(client: httpx.Client, headers: dict[str, str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    while True:
        page = client.get(
            "/api/v1/observations:access-log",
            params={"network_id": NETWORK, "teacher_id": PEOPLE[OBSERVED]["id"], "limit": 200, "offset": len(rows)},
            headers=headers,
        )
        assert page.status_code == 200, page.text
        rows.extend(page.json()["items"])
        if len(rows) >= page.json()["total"] or not page.json()["items"]:
            return rows


def test_every_answer_that_shows_a_teacher_s_data_left_a_log_row(system: Any) -> None:
    sentinel = f"CENTINELA-{uuid.uuid4().hex}"
    with system.client() as client:
        oid = plant(client, system, sentinel)
        values = known_values(client, system, oid)
        callers = [
            Caller(role, _me(client, h), h, exempt=email == OBSERVED)
            for role, email in ROLES.items()
            for h in [auth_header(system.token(email))]
        ]
        callers.append(integration_caller(client, system))
        document = client.get("/api/v1/openapi.json").json()
        calls = list(calls_of(document, values, client, auth_header(system.token(ROLES["coordinator"]))))
        assert any("/feedback" in path for path, _ in calls) and any(p.endswith(oid) for p, _ in calls)

        answers: list[Answer] = []
        for path, params in calls:
            for caller in callers:
                request_id = f"centinela-{uuid.uuid4().hex}"
                response = client.get(path, params=params, headers={**caller.headers, "X-Request-ID": request_id})
                assert response.status_code < 500, f"{caller.role} GET {path} {params}: {response.text[:300]}"
                shown = sentinel in response.content.decode("utf-8", errors="replace")
                answers.append(Answer(caller, str(response.request.url), request_id, response.status_code, shown))

        rows = network_log(client, auth_header(system.token(ROLES["coordinator"])))
        logged = {(row["request_id"], row["viewer"]["account_id"]) for row in rows}

    with_sentinel = [a for a in answers if a.has_sentinel]
    # Not vacuous: the observation, its amendments and its feedback did show the sentinel to the coordinator.
    for must in (f"/api/v1/observations/{oid}?", f"/{oid}/amendments", f"/{oid}/feedback"):
        assert any(must in a.url + "?" and a.caller.role == "coordinator" for a in with_sentinel), must
    unlogged = [
        f"{a.caller.role} GET {a.url} ({a.status})"
        for a in with_sentinel
        if not a.caller.exempt and (a.request_id, a.caller.account_id) not in logged
    ]
    assert not unlogged, "answers that showed the teacher's data without a view log row:\n" + "\n".join(unlogged)
    # A feedback is logged as one, read through reports on the person's behalf (the act claim), in every format.
    for a in with_sentinel:
        if "/feedback" in a.url and not a.caller.exempt:
            through = {(r["client"], r["kind"]) for r in rows if r["request_id"] == a.request_id}
            assert through == {("reports", "feedback")}, f"{a.caller.role} GET {a.url}: {through}"
    # Who may not read the observation never saw the sentinel.
    for a in with_sentinel:
        assert a.caller.role in {"coordinator", "coach", "teacher"}, f"{a.caller.role} saw the sentinel at {a.url}"
