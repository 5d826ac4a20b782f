"""Releases tested as an attacker would (issue 10, point 3): a reader who is not a coordinator reads the results,
the data changes, she reads again, and subtracts.

Each attack test fails on the code before releases, which computed every read from the live data: the second read
then gave the new n and means, and ``n₂·mean₂ − n₁·mean₁`` (or a difference between siblings) was one classroom's
scores. With releases the reader sees only published values, and publishing refuses (or holds back) any value
that would let her do that subtraction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mejora_common.db import upgrade
from mejora_common.testing import DEMO_NETWORK_ID as NETWORK
from mejora_common.testing import TEST_KEYS
from reports_service.db import MIGRATIONS_DIR
from reports_service.main import create_app
from reports_service.settings import Settings

from .publishing import coordinator_headers, publish

Headers = Callable[..., dict[str, str]]
FakeWorld = Any

SCHOOL_A = "36110edf-0411-5139-acde-e69a973b3d36"
SCHOOL_B = "0dde0b3d-df14-54b7-a601-98df18fcd9d1"
COACH = "33333333-3333-4333-8333-333333333333"
WAVE = "2024-2"
RESULTS = f"/api/v1/reports/networks/{NETWORK}/results"
RELEASES = f"/api/v1/reports/networks/{NETWORK}/waves/{WAVE}/releases"


def teacher(i: int) -> str:
    return f"10000000-0000-4000-8000-{i:012d}"


def scores(pc: float, qf: float) -> dict[str, Any]:
    return {
        "scale": {"min": 1, "max": 7},
        "dimensions": [
            {"code": "PC", "name": "Clima positivo", "domain": "ES", "mean": pc, "adjusted": pc, "band": "mid"},
            {"code": "QF", "name": "Calidad de la retroalimentación", "domain": "IS", "mean": qf, "adjusted": qf},
        ],
        "domains": [
            {"code": "ES", "name": "Apoyo emocional", "mean": pc, "band": "mid"},
            {"code": "IS", "name": "Apoyo pedagógico", "mean": qf, "band": "mid"},
        ],
    }


def observe(
    world: FakeWorld,
    i: int,
    *,
    pc: float,
    qf: float = 3.0,
    school: str = SCHOOL_A,
    level: str = "kinder",
    day: str = "2024-10-01",
    wave: str = WAVE,
) -> str:
    """Classroom ``i`` (teacher i at ``level``) observed on ``day``; returns the observation id."""
    obs_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"release-obs-{i}-{level}-{wave}-{day}"))
    world.observations[obs_id] = {
        "id": obs_id,
        "instrument_id": "55555555-5555-4555-8555-555555555555",
        "instrument_code": "class-prek-k3",
        "network_id": str(NETWORK),
        "school_id": school,
        "teacher_id": teacher(i),
        "observer_id": COACH,
        "level": level,
        "observed_on": day,
        "wave": wave,
        "mode": "live",
        "status": "submitted",
        "evidence": {},
        "revision": 1,
    }
    for d in scores(pc, qf)["dimensions"]:
        d.setdefault("band", "mid")
    world.scores[obs_id] = scores(pc, qf)
    return obs_id


def amend(world: FakeWorld, obs_id: str, **changes: Any) -> None:
    """What an amendment does in the observations service: new values, the next version."""
    obs = world.observations[obs_id]
    if "pc" in changes:
        world.scores[obs_id] = scores(changes.pop("pc"), changes.pop("qf", 3.0))
    obs.update(changes)
    obs["revision"] += 1


@pytest.fixture
def client(database_url: str, tmp_path: Path, siblings: Any) -> Iterator[TestClient]:
    """The reports service on SQLite and on PostgreSQL (releases are stored rows), reading the fake siblings."""
    upgrade(MIGRATIONS_DIR, database_url)
    settings = Settings(
        database_url=database_url,
        **TEST_KEYS.settings("reports"),
        data_dir=tmp_path,
        cycles_url=siblings.cycles.url,
        observations_url=siblings.observations.url,
        service_timeout_seconds=5.0,
        pdf_warmup=False,
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def network(world: FakeWorld) -> FakeWorld:
    world.schools[SCHOOL_A] = {"id": SCHOOL_A, "name": "Escuela Los Aromos", "network_id": str(NETWORK)}
    world.schools[SCHOOL_B] = {"id": SCHOOL_B, "name": "Escuela Pablo Neruda", "network_id": str(NETWORK)}
    return world


def read(client: TestClient, headers: dict[str, str], **params: Any) -> Any:
    response = client.get(RESULTS, params={"wave": WAVE, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def sums(group: dict[str, Any]) -> dict[str, float]:
    """What a reader multiplies out: n x mean per dimension."""
    return {d["code"]: group["n_classrooms"] * d["mean"] for d in group["dimensions"] if not d["suppressed"]}


def test_differencing_over_time_recovers_nothing(client: TestClient, headers: Headers, network: FakeWorld) -> None:
    leader = headers("leader", school_id=SCHOOL_A)
    for i in range(5):
        observe(network, i, pc=4 + i % 2)
    publish(client, WAVE)
    first = read(client, leader)
    assert first["network_results"]["n_classrooms"] == 5
    assert first["source"]["kind"] == "release"
    assert first["source"]["number"] == 1

    observe(network, 5, pc=7, qf=1)  # the 6th observation: PC 7, QF 1
    refused = publish(client, WAVE, expect=409)
    assert refused["code"] == "nothing_new_to_publish"
    assert "Toda la red" in refused["detail"]
    network_finding = next(f for f in refused["findings"] if f["cell"] == "network")
    assert network_finding["status"] == "kept"
    assert network_finding["changed_classrooms"] == 1
    assert "small_group" in network_finding["findings"]

    second = read(client, leader)
    waves = client.get(f"/api/v1/reports/networks/{NETWORK}/waves", headers=leader).json()["waves"]
    assert waves == [{"wave": WAVE, "observations": 5, "releases": 1}], "the waves list tells of no arrival either"
    assert second["network_results"] == first["network_results"]
    assert second["by_school"] == first["by_school"]
    # The subtraction the issue describes gives nothing: 6·mean₆ − 5·mean₅ is not the new observation.
    assert sums(second["network_results"]) == sums(first["network_results"])
    # The coordinator's live view does change, and says it is live.
    live = read(client, coordinator_headers())
    assert live["network_results"]["n_classrooms"] == 6
    assert live["source"] == {
        "kind": "live",
        "number": None,
        "published_at": None,
        "published_by": None,
        "label": "Vista en vivo (sin publicar)",
    }


def test_complementary_derivation_of_a_small_level(client: TestClient, headers: Headers, network: FakeWorld) -> None:
    """Network n = 7, Kínder n = 6, Pre-kínder n = 1: Pre-kínder = 7·network − 6·Kínder unless Kínder is hidden."""
    for i in range(6):
        observe(network, i, pc=4 + i % 3)
    observe(network, 6, pc=7, qf=1, level="prekinder")
    publish(client, WAVE)
    data = read(client, headers("teacher", school_id=SCHOOL_A))
    assert data["network_results"]["n_classrooms"] == 7
    levels = {g["key"]: g for g in data["by_level"]}
    assert levels["prekinder"]["suppressed"] is True
    assert levels["kinder"]["suppressed"] is True  # complementary suppression
    assert levels["kinder"]["dimensions"] == []
    # Nothing shown but the network: no difference of shown cells isolates Pre-kínder.
    shown = [g for g in [data["network_results"], *data["by_level"], *data["by_school"]] if not g["suppressed"]]
    assert {g["n_classrooms"] for g in shown} == {7}


@pytest.mark.parametrize("change", ["re-observation", "amendment"])
def test_a_change_that_keeps_n_recovers_nothing(
    client: TestClient, headers: Headers, network: FakeWorld, change: str
) -> None:
    """Re-observing or amending a classroom already counted: n stays 5, and n·Δmean would be its change."""
    ids = [observe(network, i, pc=4 + i % 2) for i in range(5)]
    publish(client, WAVE)
    reader = headers("facilitator")
    first = read(client, reader)
    if change == "re-observation":
        observe(network, 0, pc=7, qf=1, day="2024-10-20")  # a later observation of classroom 0 replaces it
    else:
        amend(network, ids[0], pc=7, qf=1)
    live = read(client, coordinator_headers())
    assert live["network_results"]["n_classrooms"] == 5
    assert sums(live["network_results"]) != sums(first["network_results"])  # the live data did change

    refused = publish(client, WAVE, expect=409)
    finding = next(f for f in refused["findings"] if f["cell"] == "network")
    assert finding["changed_classrooms"] == 2  # the old unit out, the new one in: a difference of 2 < k
    assert "small_difference" in finding["findings"]
    assert read(client, reader)["network_results"] == first["network_results"]


def test_a_teacher_moved_to_another_school_recovers_nothing(
    client: TestClient, headers: Headers, network: FakeWorld
) -> None:
    """School B's two answers would differ by exactly the moved teacher's observation."""
    ids = [observe(network, i, pc=4 + i % 3, school=SCHOOL_A if i < 5 else SCHOOL_B) for i in range(10)]
    publish(client, WAVE)
    leader_b = headers("leader", school_id=SCHOOL_B)
    first = read(client, leader_b)
    assert [g["n_classrooms"] for g in first["by_school"]] == [5]

    amend(network, ids[0], school_id=SCHOOL_B)  # teacher 0 now counts in school B
    live = read(client, coordinator_headers())
    assert {g["label"]: g["n_classrooms"] for g in live["by_school"]} == {
        "Escuela Los Aromos": None,
        "Escuela Pablo Neruda": 6,
    }
    refused = publish(client, WAVE, expect=409)
    held = {f["cell"]: f for f in refused["findings"]}
    assert held["network"]["findings"] == ["small_difference"]  # her old unit out, the new one in
    # School A (4 < k) is hidden, so school B would give it away: both keep the values of release 1.
    assert held[f"school:{SCHOOL_B}"]["status"] == "kept"
    assert held[f"school:{SCHOOL_B}"]["changed_classrooms"] == 1
    assert read(client, leader_b)["by_school"] == first["by_school"]


def test_enough_new_classrooms_update_the_results_and_the_old_release_stays(
    client: TestClient, headers: Headers, network: FakeWorld
) -> None:
    for i in range(5):
        observe(network, i, pc=4)
    publish(client, WAVE)
    for i in range(5, 10):
        observe(network, i, pc=6)
    second = publish(client, WAVE)
    assert second["number"] == 2
    assert second["held"] == []
    reader = headers("teacher")
    latest = read(client, reader)
    assert latest["source"]["number"] == 2
    assert latest["network_results"]["n_classrooms"] == 10
    assert latest["network_results"]["dimensions"][0]["mean"] == pytest.approx(5.0)
    old = read(client, reader, release=1)
    assert old["network_results"]["n_classrooms"] == 5
    assert old["network_results"]["dimensions"][0]["mean"] == pytest.approx(4.0)
    assert client.get(RESULTS, params={"wave": WAVE, "release": 3}, headers=reader).status_code == 404


def test_a_group_that_cannot_change_shows_its_earlier_value_labelled(
    client: TestClient, headers: Headers, network: FakeWorld
) -> None:
    """Five new Kínder classrooms and one new Pre-kínder: the network updates, Pre-kínder (and Kínder, which with the
    network would give it away) keep the values of release 1, labelled "según la publicación 1"."""
    for i in range(5):
        observe(network, i, pc=4)
        observe(network, 10 + i, pc=5, level="prekinder")
    publish(client, WAVE)
    for i in range(5, 10):
        observe(network, i, pc=6)
    observe(network, 15, pc=7, level="prekinder")
    release = publish(client, WAVE)
    assert {h["cell"]: h["status"] for h in release["held"]} == {"level:kinder": "kept", "level:prekinder": "kept"}
    data = read(client, headers("teacher"))
    assert data["network_results"]["n_classrooms"] == 16
    assert data["network_results"]["from_release"] is None
    levels = {g["key"]: g for g in data["by_level"]}
    assert levels["prekinder"]["n_classrooms"] == 5
    assert levels["prekinder"]["from_release"] == 1
    assert levels["kinder"]["from_release"] == 1
    assert any("según la publicación N" in note for note in data["notes"])
    html = client.get(RESULTS, params={"wave": WAVE, "format": "html"}, headers=headers("teacher")).text
    assert "según la publicación 1" in html
    assert "Publicación 2 del" in html
    csv_text = client.get(RESULTS, params={"wave": WAVE, "format": "csv"}, headers=headers("teacher")).text
    assert "según la publicación 1" in csv_text
    assert "publicación 2" in csv_text


def test_readers_without_a_release_get_a_clear_404(client: TestClient, headers: Headers, network: FakeWorld) -> None:
    for i in range(5):
        observe(network, i, pc=4)
    for role in ("leader", "teacher", "facilitator", "coach"):
        for fmt in ("json", "html", "pdf", "csv", "xlsx"):
            response = client.get(RESULTS, params={"wave": WAVE, "format": fmt}, headers=headers(role))
            assert response.status_code == 404, (role, fmt)
            assert response.json()["code"] == "no_release"
            assert response.json()["detail"].startswith("Aún no hay resultados publicados para esta ola")
    assert read(client, coordinator_headers())["source"]["kind"] == "live"
    missing = client.get(RESULTS, params={"wave": WAVE, "release": 1}, headers=coordinator_headers())
    assert missing.status_code == 404


def test_only_coordinators_publish(client: TestClient, headers: Headers, network: FakeWorld) -> None:
    for i in range(5):
        observe(network, i, pc=4)
    for role in ("leader", "teacher", "facilitator", "coach"):
        response = client.post(RELEASES, headers=headers(role))
        assert response.status_code == 403
        assert response.json()["code"] == "coordinators_only"
    assert client.post(RELEASES, headers=headers("coordinator", uuid.uuid4())).status_code == 404
    assert client.get(RELEASES, headers=headers("teacher")).json()["total"] == 0


def test_publishing_too_few_or_nothing_is_refused(client: TestClient, headers: Headers, network: FakeWorld) -> None:
    empty = publish(client, WAVE, expect=422)
    assert empty["code"] == "nothing_to_publish"
    for i in range(4):
        observe(network, i, pc=4)
    too_few = publish(client, WAVE, expect=422)
    assert too_few["code"] == "too_few_classrooms"
    observe(network, 4, pc=4)
    publish(client, WAVE)
    again = publish(client, WAVE, expect=409)  # nothing changed at all
    assert again["code"] == "nothing_new_to_publish"
    assert again["findings"] == []
    assert "Nada cambió desde la publicación 1" in again["detail"]


def test_a_retried_publish_with_the_same_key_publishes_once(
    client: TestClient, headers: Headers, network: FakeWorld
) -> None:
    for i in range(5):
        observe(network, i, pc=4)
    same = {**coordinator_headers(), "Idempotency-Key": "publish-2024-2-once"}  # one caller, one key
    first = client.post(RELEASES, headers=same)
    second = client.post(RELEASES, headers=same)
    assert first.status_code == second.status_code == 201
    assert second.headers.get("idempotency-replayed") == "true"
    assert second.json() == first.json()
    assert first.headers["location"].endswith(f"/waves/{WAVE}/releases/1")
    assert client.get(RELEASES, headers=coordinator_headers()).json()["total"] == 1


def test_the_release_list_and_one_release(client: TestClient, headers: Headers, network: FakeWorld) -> None:
    for i in range(5):
        observe(network, i, pc=4)
    publish(client, WAVE)
    for i in range(5, 10):
        observe(network, i, pc=6)
    publish(client, WAVE)
    listed = client.get(RELEASES, params={"limit": 1}, headers=headers("teacher")).json()
    assert listed["total"] == 2
    assert [r["number"] for r in listed["items"]] == [2]
    item = listed["items"][0]
    assert item["published_by"]
    assert item["observations"] is None  # details are for coordinators
    assert item["held"] is None
    assert item["published_by_account_id"] is None
    one = client.get(f"{RELEASES}/1", headers=coordinator_headers()).json()
    assert one["observations"] == 5
    assert one["held"] == []
    assert client.get(f"{RELEASES}/9", headers=coordinator_headers()).status_code == 404
    assert client.get(f"{RELEASES}/1", headers=headers("teacher", uuid.uuid4())).status_code == 404


def test_a_release_freezes_its_values(client: TestClient, headers: Headers, network: FakeWorld) -> None:
    """Later reads of a release return the same values even when the live data changes (and with no sibling
    scores read at all)."""
    ids = [observe(network, i, pc=4 + i % 2) for i in range(6)]
    publish(client, WAVE)
    first = read(client, headers("teacher"))
    for obs_id in ids:
        amend(network, obs_id, pc=1)
    calls_before = network.served("/api/v1/observations:scores")
    assert read(client, headers("teacher")) == first
    assert network.served("/api/v1/observations:scores") == calls_before  # read from the release, not live


def test_the_paired_comparison_comes_from_both_releases(
    client: TestClient, headers: Headers, network: FakeWorld
) -> None:
    for i in range(6):
        observe(network, i, pc=4, wave="2024-1", day="2024-05-01")
        observe(network, i, pc=5 + i % 2, day="2024-10-01")
    publish(client, "2024-1")
    publish(client, WAVE)
    data = read(client, headers("teacher"), compare="2024-1")
    comparison = data["comparison"]
    assert comparison["n_pairs"] == 6
    assert comparison["before_release"] == 1
    pc = next(c for c in comparison["dimensions"] if c["code"] == "PC")
    assert pc["mean_change"] == pytest.approx(1.5)
    assert [s["label"] for s in data["charts"][0]["series"]] == ["Medición 2024-1", "Medición 2024-2"]


def test_a_comparison_that_would_give_away_unpaired_classrooms_is_not_shown(
    client: TestClient, headers: Headers, network: FakeWorld
) -> None:
    """Seven classrooms in 2024-2, five of them also in 2024-1: the network's 2024-2 sums minus the pairs' "after"
    sums would be the two unpaired classrooms'."""
    for i in range(7):
        if i < 5:
            observe(network, i, pc=4, wave="2024-1", day="2024-05-01")
        observe(network, i, pc=5, day="2024-10-01")
    publish(client, "2024-1")
    release = publish(client, WAVE)
    assert {h["cell"] for h in release["held"]} & {"compare:2024-1:after", "compare:2024-1:pairs"}
    data = read(client, headers("teacher"), compare="2024-1")
    assert data["comparison"] is None
    assert any("no incluye la comparación con la medición 2024-1" in note for note in data["notes"])
    # The coordinator's live view still shows it.
    assert read(client, coordinator_headers(), compare="2024-1")["comparison"]["n_pairs"] == 5
