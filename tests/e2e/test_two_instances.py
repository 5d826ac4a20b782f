"""Two instances of a service on one PostgreSQL database take concurrent writes (issues 9 and 13, stateless replicas).

Two real cycles processes (uvicorn, as ``make run`` and the deployments start them) share one database. Writers
are split between them, so any state one instance kept in memory would show: N writers with the same ``If-Match``
give exactly one success whichever instance each reached (the conditional UPDATE in the database decides), and an
``Idempotency-Key`` sent to both instances creates once (the keys live in the database, not in a process).
PostgreSQL only: that is how replicas are deployed (SQLite is one file for one process tree).
"""

from __future__ import annotations

import json
import os
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest

from mejora_common.auth import Membership, Principal
from mejora_common.testing import (
    DEMO_FILE,
    DEMO_NETWORK_ID,
    TEST_KEYS,
    auth_header,
    create_postgres_database,
    drop_postgres_database,
    free_port,
    make_token,
    postgres_admin_url,
)

from .conftest import load_launcher

pytestmark = pytest.mark.e2e

WRITERS = 10
"""Five on each instance: fewer than each instance's ``write`` class lets in at once (6), so none is shed."""
NET = str(DEMO_NETWORK_ID)
PEOPLE = {p["email"]: p for p in json.loads(DEMO_FILE.read_text(encoding="utf-8"))["people"] if p.get("email")}


@dataclass
class TwoInstances:
    urls: tuple[str, str]
    database_url: str

    def url(self, i: int) -> str:
        return self.urls[i % 2]


@pytest.fixture(scope="module", params=["postgresql"])
def two_instances(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoInstances]:
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip("PostgreSQL: define TEST_DATABASE_URL para correr también contra PostgreSQL")
    launcher = load_launcher()
    database_url = create_postgres_database(admin)
    urls = (f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}")
    env = {
        **os.environ,
        "MEJORA_DATA_DIR": str(tmp_path_factory.mktemp("two-instances")),
        **TEST_KEYS.environment("cycles"),  # both instances sign with the one cycles key
        "MEJORA_LOG_LEVEL": "WARNING",
        "MEJORA_CYCLES_DATABASE_URL": database_url,
    }
    processes = []
    try:
        launcher.run_step(["-m", "cycles_service", "migrate"], env)
        launcher.run_step(["-m", "cycles_service", "seed", "--demo", str(DEMO_FILE)], env)
        for url in urls:
            processes.append(launcher.spawn(launcher.uvicorn_args("cycles_service.main:create_app", url), env))
        for url in urls:
            assert launcher.wait_ready(f"{url}/ready", 60), f"the cycles instance at {url} did not become ready"
        yield TwoInstances(urls, database_url)
    finally:
        launcher.stop_all(processes)
        drop_postgres_database(database_url)


def headers_of(email: str) -> dict[str, str]:
    """A demo person's token, signed with the test secret both instances verify."""
    person = PEOPLE[email]
    school = uuid.UUID(person["school_id"]) if person.get("school_id") else None
    membership = Membership(DEMO_NETWORK_ID, uuid.UUID(person["id"]), person["role"], school_id=school)
    principal = Principal(
        account_id=uuid.uuid4(), email=email, name=person["name"], role=person["role"], memberships=(membership,)
    )
    return auth_header(make_token(principal))


def in_parallel(calls: list[tuple[str, str, dict[str, object]]]) -> list[httpx.Response]:
    """``(method, url, kwargs)`` all sent at once, each on its own connection."""

    def send(call: tuple[str, str, dict[str, object]]) -> httpx.Response:
        method, url, kwargs = call
        with httpx.Client(timeout=30) as client:
            return client.request(method, url, **kwargs)  # type: ignore[arg-type]

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(send, calls))


def test_both_instances_serve_the_same_database(two_instances: TwoInstances) -> None:
    teacher = headers_of("educadora@demo.cl")
    created = httpx.post(
        f"{two_instances.url(0)}/api/v1/cycles", json={"network_id": NET, "title": "Visto por ambas"}, headers=teacher
    )
    assert created.status_code == 201, created.text
    seen = httpx.get(f"{two_instances.url(1)}/api/v1/cycles/{created.json()['id']}", headers=teacher)
    assert seen.status_code == 200 and seen.headers["ETag"] == created.headers["ETag"]


def test_if_match_writers_split_over_two_instances_give_exactly_one_success(two_instances: TwoInstances) -> None:
    teacher = headers_of("educadora@demo.cl")
    created = httpx.post(
        f"{two_instances.url(0)}/api/v1/cycles", json={"network_id": NET, "title": "Carrera"}, headers=teacher
    )
    assert created.status_code == 201, created.text
    path, etag = f"/api/v1/cycles/{created.json()['id']}", created.headers["ETag"]

    answers = in_parallel(
        [
            (
                "PATCH",
                f"{two_instances.url(i)}{path}",
                {"json": {"objective": f"escritor {i}"}, "headers": {**teacher, "If-Match": etag}},
            )
            for i in range(WRITERS)
        ]
    )

    statuses = Counter(a.status_code for a in answers)
    assert statuses == {200: 1, 412: WRITERS - 1}, [a.text for a in answers if a.status_code not in (200, 412)]
    winner = next(i for i, a in enumerate(answers) if a.status_code == 200)
    for instance in range(2):
        final = httpx.get(f"{two_instances.url(instance)}{path}", headers=teacher).json()
        assert (final["objective"], final["revision"]) == (f"escritor {winner}", 2)


def test_an_idempotency_key_sent_to_both_instances_creates_once(two_instances: TwoInstances) -> None:
    coordinator = headers_of("coordinacion@demo.cl")
    keyed = {**coordinator, "Idempotency-Key": f"barrera-{uuid.uuid4()}"}
    barrier = {"description": "Falta tiempo para planificar en duplas", "level": "school"}
    barriers = f"/api/v1/networks/{NET}/barriers"

    def total() -> int:
        listed = httpx.get(f"{two_instances.url(0)}{barriers}", headers=coordinator, params={"limit": 1})
        assert listed.status_code == 200, listed.text
        return int(listed.json()["total"])

    before = total()
    at_once = in_parallel(
        [("POST", f"{two_instances.url(i)}{barriers}", {"json": barrier, "headers": keyed}) for i in range(WRITERS)]
    )
    # Each is the creation, its replay, or 409 request_in_progress while the first still ran on either instance.
    assert {a.status_code for a in at_once} <= {201, 409}, [a.text for a in at_once]
    assert all(a.json()["code"] == "request_in_progress" for a in at_once if a.status_code == 409)
    created_ids = {a.json()["id"] for a in at_once if a.status_code == 201}
    assert len(created_ids) == 1

    replays = [httpx.post(f"{url}{barriers}", json=barrier, headers=keyed) for url in two_instances.urls]
    assert [r.status_code for r in replays] == [201, 201]
    assert {r.json()["id"] for r in replays} == created_ids
    assert all(r.headers["Idempotency-Replayed"] == "true" for r in replays)
    assert total() == before + 1
