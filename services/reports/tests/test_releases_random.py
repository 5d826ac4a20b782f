"""An independent auditor over random sequences of changes and publications, through the API (issue 10, point 3).

Each sequence adds classrooms, re-observes, amends and moves teachers between schools in two waves, and publishes
a random wave after each change. The auditor does not read what the service stored about its own cells: it takes
what a reader is shown (every release, every group, every paired comparison, as a facilitator sees them) and the
test's own record of which observations each shown figure covers, and checks by brute force (the rank of the
reader's system against every signed combination of fewer than k units, computed modulo a large prime) that no
such combination is determined. The control below shows that the same sequences read live, as before releases,
are caught.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mejora_common.testing import DEMO_NETWORK_ID as NETWORK

from .publishing import coordinator_headers
from .test_releases_api import SCHOOL_A, SCHOOL_B, amend, observe

K = 3
WAVES = ("2024-1", "2024-2")
PRIME = (1 << 61) - 1
Rows = list[frozenset[str]]


def rank_mod_p(rows: list[list[int]]) -> int:
    """Rank by Gaussian elimination modulo a large prime (0/1 rows this small have the same rank over ℚ)."""
    matrix = [[v % PRIME for v in row] for row in rows]
    found = 0
    for column in range(len(matrix[0]) if matrix else 0):
        pivot = next((r for r in range(found, len(matrix)) if matrix[r][column]), None)
        if pivot is None:
            continue
        matrix[found], matrix[pivot] = matrix[pivot], matrix[found]
        inverse = pow(matrix[found][column], PRIME - 2, PRIME)
        matrix[found] = [v * inverse % PRIME for v in matrix[found]]
        for r in range(len(matrix)):
            if r != found and matrix[r][column]:
                factor = matrix[r][column]
                matrix[r] = [(a - factor * b) % PRIME for a, b in zip(matrix[r], matrix[found], strict=True)]
        found += 1
    return found


def determined(rows: Rows, k: int) -> list[tuple[str, ...]]:
    """Signed combinations of fewer than ``k`` units that the rows pin down."""
    names = sorted(set().union(*rows)) if rows else []
    matrix = [[1 if n in row else 0 for n in names] for row in rows]
    base = rank_mod_p(matrix)
    found = []
    for size in range(1, k):
        for chosen in itertools.combinations(range(len(names)), size):
            for signs in itertools.product((1, -1), repeat=size - 1):
                vector = [0] * len(names)
                for index, sign in zip(chosen, (1, *signs), strict=True):
                    vector[index] = sign
                if rank_mod_p([*matrix, vector]) == base:
                    found.append(tuple(names[i] for i in chosen))
    return found


@dataclass
class Obs:
    id: str
    teacher: int
    level: str
    school: str
    wave: str
    day: str
    pc: float
    revision: int = 1

    @property
    def unit(self) -> str:
        return f"{self.id}@{self.revision}/{self.school}/{self.level}/{self.pc}"


@dataclass
class Model:
    """The test's own record of the live data and of what each release froze."""

    world: Any
    rng: random.Random
    observations: dict[str, Obs] = field(default_factory=dict)
    day: int = 1
    teachers: int = 0
    frozen: dict[tuple[str, int], list[Obs]] = field(default_factory=dict)

    def add(self, wave: str, teacher: int | None = None, level: str | None = None) -> None:
        if teacher is None:
            teacher, self.teachers = self.teachers, self.teachers + 1
        level = level or self.rng.choice(["kinder", "prekinder"])
        school, pc = self.rng.choice([SCHOOL_A, SCHOOL_B]), float(self.rng.randint(2, 7))
        day = f"2024-{5 if wave == WAVES[0] else 10:02d}-{self.day:02d}"
        self.day += 1
        obs_id = observe(self.world, teacher, pc=pc, school=school, level=level, day=day, wave=wave)
        self.observations[obs_id] = Obs(obs_id, teacher, level, school, wave, day, pc)

    def change(self) -> None:
        """One random change: a new classroom, a re-observation, an amendment or a move."""
        what = self.rng.choice(["add", "reobserve", "amend", "move"])
        wave = self.rng.choice(WAVES)
        if what == "add" or not self.observations:
            self.add(wave)
            return
        obs = self.observations[self.rng.choice(sorted(o.id for o in self.latest_all()))]
        if what == "reobserve":
            self.add(obs.wave, obs.teacher, obs.level)
        elif what == "amend":
            obs.pc, obs.revision = float(self.rng.randint(1, 7)), obs.revision + 1
            amend(self.world, obs.id, pc=obs.pc)
        else:
            obs.school = SCHOOL_B if obs.school == SCHOOL_A else SCHOOL_A
            obs.revision += 1
            amend(self.world, obs.id, school_id=obs.school)

    def latest(self, wave: str) -> list[Obs]:
        """What a release of ``wave`` freezes: each classroom's latest observation."""
        chosen: dict[tuple[int, str], Obs] = {}
        for obs in self.observations.values():
            key = (obs.teacher, obs.level)
            if obs.wave == wave and (key not in chosen or (obs.day, obs.id) > (chosen[key].day, chosen[key].id)):
                chosen[key] = obs
        return [Obs(**vars(o)) for o in chosen.values()]  # a copy: later amendments do not change it

    def latest_all(self) -> list[Obs]:
        return [o for wave in WAVES for o in self.latest(wave)]


def groups_of(observations: list[Obs]) -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {"network": set()}
    for o in observations:
        for key in ("network", f"level:{o.level}", f"school:{o.school}"):
            groups.setdefault(key, set()).add(o.unit)
    return {key: frozenset(units) for key, units in groups.items()}


def shown_rows(client: TestClient, reader: dict[str, str], model: Model, wave: str, number: int) -> Rows:
    """The rows a reader learns from release ``number`` of ``wave`` (its new figures; kept ones repeat old rows)."""
    rows: Rows = []
    frozen = model.frozen[(wave, number)]
    sets = groups_of(frozen)
    for other in [None, *(w for w in WAVES if w != wave)]:
        params = {"wave": wave, "release": number, **({"compare": other} if other else {})}
        data = client.get(f"/api/v1/reports/networks/{NETWORK}/results", params=params, headers=reader).json()
        for group in [data["network_results"], *data["by_level"], *data["by_school"]]:
            key = "network" if group["kind"] == "network" else f"{group['kind']}:{group['key']}"
            if group["suppressed"] or group["from_release"]:
                continue
            assert group["n_classrooms"] == len(sets[key])  # the model describes what the figure covers
            rows.append(sets[key])
        comparison = data["comparison"]
        if other and comparison and not comparison["suppressed"] and not comparison["from_release"]:
            before = {(o.teacher, o.level): o for o in model.frozen[(other, comparison["before_release"])]}
            pairs = [(before[(o.teacher, o.level)], o) for o in frozen if (o.teacher, o.level) in before]
            assert comparison["n_pairs"] == len(pairs)
            rows += [
                frozenset(b.unit for b, _ in pairs),
                frozenset(a.unit for _, a in pairs),
                frozenset(f"{b.unit}|{a.unit}" for b, a in pairs),
            ]
    return rows


@pytest.fixture
def small_k_client(make_client: Callable[..., TestClient], siblings: Any) -> Iterator[TestClient]:
    with make_client(siblings.cycles.url, siblings.observations.url, min_group_size=K) as client:
        yield client


@pytest.mark.parametrize("seed", range(6))
def test_what_readers_are_shown_never_pins_down_fewer_than_k_classrooms(
    small_k_client: TestClient, headers: Callable[..., dict[str, str]], world: Any, seed: int
) -> None:
    model = Model(world, random.Random(seed))
    world.schools[SCHOOL_A] = {"id": SCHOOL_A, "name": "A"}
    world.schools[SCHOOL_B] = {"id": SCHOOL_B, "name": "B"}
    for wave in WAVES:
        for _ in range(4):
            model.add(wave)
    reader = headers("facilitator")
    rows: Rows = []
    published = 0
    for _ in range(7):
        wave = model.rng.choice(WAVES)
        response = small_k_client.post(
            f"/api/v1/reports/networks/{NETWORK}/waves/{wave}/releases", headers=coordinator_headers()
        )
        assert response.status_code in {201, 409, 422}, response.text
        if response.status_code == 201:
            number = response.json()["number"]
            model.frozen[(wave, number)] = model.latest(wave)
            rows += shown_rows(small_k_client, reader, model, wave, number)
            published += 1
        assert determined(rows, K) == [], (seed, rows)
        model.change()
    assert published >= 1


def test_the_same_sequences_read_live_are_caught() -> None:
    """The control (the code before releases): every group of at least k shown at every step gives sums away."""
    caught = 0
    for seed in range(6):
        model = Model(world=_NullWorld(), rng=random.Random(seed))
        for wave in WAVES:
            for _ in range(4):
                model.add(wave)
        rows: Rows = []
        for _ in range(7):
            for wave in WAVES:
                rows += [units for units in groups_of(model.latest(wave)).values() if len(units) >= K]
            model.change()
        caught += bool(determined(rows, K))
    assert caught >= 5


class _NullWorld:
    """Stands in for the fake siblings when only the model is needed."""

    def __init__(self) -> None:
        self.observations: dict[str, Any] = {}
        self.scores: dict[str, Any] = {}
