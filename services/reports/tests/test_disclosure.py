"""Disclosure control, tested as an attacker would (issue 10): the attacks found, their variants, and an
independent auditor over random hierarchies and random sequences of releases."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import pytest

from reports_service.domain.disclosure import (
    Partition,
    PlannedCell,
    audit,
    history_rows,
    plan_release,
    suppress,
)

K = 5


def units(*names: str) -> frozenset[str]:
    return frozenset(names)


def obs(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i}@1" for i in range(n)]


def test_differencing_over_time_is_caught() -> None:
    """5 observations released, a 6th added: n6*mean6 - n5*mean5 is the new one's scores."""
    first = units(*obs("o", 5))
    second = first | {"o5@1"}
    findings = audit({"1:network": first, "2:network": second}, K)
    assert [(f.kind, f.units) for f in findings] == [("small_group", units("o5@1"))]


def test_the_planned_second_release_keeps_the_earlier_value() -> None:
    first = plan_release([], {"network": units(*obs("o", 5))}, [], K)
    assert first["network"].status == "new"
    second = plan_release([first], {"network": units(*obs("o", 6))}, [], K)
    assert second["network"] == PlannedCell("kept", units(*obs("o", 5)), 1)
    assert audit(history_rows([first, second]), K) == []


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("o4@1", "o9@1"),  # the classroom re-observed: another observation replaces the one counted
        ("o4@1", "o4@2"),  # an amendment: a new version of the same observation
    ],
)
def test_a_change_that_keeps_n_is_caught(before: str, after: str) -> None:
    first = units(*obs("o", 5))
    second = (first - {before}) | {after}
    kinds = {(f.kind, f.units) for f in audit({"1:network": first, "2:network": second}, K)}
    assert ("small_difference", units(before, after)) in kinds


def test_a_teacher_moved_to_another_school_is_caught() -> None:
    a, b = obs("a", 5), obs("b", 5)
    first = {"1:school:A": units(*a, "m@1"), "1:school:B": units(*b)}
    second = {"2:school:A": units(*a), "2:school:B": units(*b, "m@1")}
    findings = audit({**first, **second}, K)
    assert any(f.units == units("m@1") for f in findings)


def test_complementary_suppression_hides_a_sibling() -> None:
    """Network n=7, Kínder n=6 shown and Pre-kínder n=1 hidden would give Pre-kínder = 7*network - 6*kínder."""
    kinder = obs("k", 6)
    cells = {"network": units(*kinder, "p0@1"), "level:kinder": units(*kinder), "level:prekinder": units("p0@1")}
    partitions = [Partition("network", ("level:kinder", "level:prekinder"))]
    naive = {f"1:{key}": cells[key] for key in ("network", "level:kinder")}
    assert audit(naive, K)  # today's answer discloses the suppressed cell
    hidden = suppress(cells, partitions, K)
    assert hidden == {"level:prekinder", "level:kinder"}
    assert audit({f"1:{k}": v for k, v in cells.items() if k not in hidden}, K) == []


def test_two_partitions_of_the_same_network_are_suppressed_together() -> None:
    cells = {
        "network": units(*obs("x", 12)),
        "level:a": units(*obs("x", 12)[:11]),
        "level:b": units(*obs("x", 12)[11:]),
        "school:1": units(*obs("x", 12)[:6]),
        "school:2": units(*obs("x", 12)[6:]),
    }
    partitions = [Partition("network", ("level:a", "level:b")), Partition("network", ("school:1", "school:2"))]
    hidden = suppress(cells, partitions, K)
    shown = {f"1:{k}": v for k, v in cells.items() if k not in hidden}
    assert "level:b" in hidden
    assert audit(shown, K) == []


# --- an independent auditor ------------------------------------------------------------------------


def rank(rows: list[list[Fraction]]) -> int:
    """Rank by plain Gaussian elimination over the units (not the atoms the audit uses)."""
    matrix = [row[:] for row in rows]
    rank_found, columns = 0, len(matrix[0]) if matrix else 0
    for column in range(columns):
        pivot = next((r for r in range(rank_found, len(matrix)) if matrix[r][column]), None)
        if pivot is None:
            continue
        matrix[rank_found], matrix[pivot] = matrix[pivot], matrix[rank_found]
        for r in range(len(matrix)):
            if r != rank_found and matrix[r][column]:
                factor = matrix[r][column] / matrix[rank_found][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank_found], strict=True)]
        rank_found += 1
    return rank_found


def determined_small_combinations(rows: list[frozenset[str]], k: int) -> list[tuple[str, ...]]:
    """Every signed combination of fewer than k units whose value the rows pin down."""
    names = sorted(set().union(*rows)) if rows else []
    matrix = [[Fraction(1 if n in row else 0) for n in names] for row in rows]
    base = rank(matrix)
    found = []
    for size in range(1, k):
        for chosen in itertools.combinations(range(len(names)), size):
            for signs in itertools.product((1, -1), repeat=size - 1):
                vector = [Fraction(0)] * len(names)
                for index, sign in zip(chosen, (1, *signs), strict=True):
                    vector[index] = Fraction(sign)
                if rank([*matrix, vector]) == base:
                    found.append(tuple(names[i] for i in chosen))
    return found


def random_world(rng: random.Random, size: int) -> tuple[dict[str, str], dict[str, str]]:
    """Units (observation@version) assigned to a school and a level."""
    school = {f"u{i}@1": rng.choice("AB") for i in range(size)}
    level = {u: rng.choice(["kinder", "prekinder"]) for u in school}
    return school, level


def cells_of(school: dict[str, str], level: dict[str, str]) -> tuple[dict[str, frozenset[str]], list[Partition]]:
    cells = {"network": frozenset(school)}
    for name in sorted(set(level.values())):
        cells[f"level:{name}"] = frozenset(u for u, v in level.items() if v == name)
    for name in sorted(set(school.values())):
        cells[f"school:{name}"] = frozenset(u for u, v in school.items() if v == name)
    partitions = [
        Partition("network", tuple(k for k in cells if k.startswith("level:"))),
        Partition("network", tuple(k for k in cells if k.startswith("school:"))),
    ]
    return cells, partitions


def evolve(rng: random.Random, school: dict[str, str], level: dict[str, str], step: int) -> None:
    """One change between releases: a new observation, an amendment, or a move."""
    choice = rng.choice(["add", "amend", "move"])
    if choice == "add":
        unit = f"n{step}@1"
        school[unit], level[unit] = rng.choice("AB"), rng.choice(["kinder", "prekinder"])
    elif choice == "amend":
        old = rng.choice(sorted(school))
        name, version = old.split("@")
        new = f"{name}@{int(version) + 1}"
        school[new], level[new] = school.pop(old), level.pop(old)
    else:
        unit = rng.choice(sorted(school))
        school[unit] = "B" if school[unit] == "A" else "A"


@pytest.mark.parametrize("seed", range(12))
def test_random_sequences_of_releases_never_pin_down_fewer_than_k_units(seed: int) -> None:
    rng = random.Random(seed)
    k = 3
    school, level = random_world(rng, rng.randint(5, 8))
    releases: list[dict[str, PlannedCell]] = []
    for step in range(3):
        cells, partitions = cells_of(school, level)
        releases.append(plan_release(releases, cells, partitions, k))
        rows = list(history_rows(releases).values())
        assert determined_small_combinations(rows, k) == [], (seed, step, releases)
        evolve(rng, school, level, step)


def test_the_audit_agrees_with_the_independent_auditor_on_unsafe_systems() -> None:
    rng = random.Random(99)
    disagreements = 0
    for _ in range(40):
        names = [f"u{i}" for i in range(7)]
        rows = [frozenset(rng.sample(names, rng.randint(1, 6))) for _ in range(rng.randint(1, 4))]
        expected = bool(determined_small_combinations(rows, 3))
        got = bool(audit({str(i): r for i, r in enumerate(rows)}, 3))
        disagreements += expected != got
    assert disagreements == 0


def test_releasing_every_cell_above_k_each_time_is_caught_by_the_independent_auditor() -> None:
    """The control: without the planner, the same random sequences do pin cells down (so the test above can fail)."""
    from reports_service.domain.disclosure import primary_suppression

    caught = 0
    for seed in range(12):
        rng = random.Random(seed)
        school, level = random_world(rng, rng.randint(5, 8))
        naive: list[dict[str, PlannedCell]] = []
        for step in range(3):
            cells, _ = cells_of(school, level)
            hidden = primary_suppression(cells, 3)
            naive.append({key: PlannedCell("new", u, step + 1) for key, u in cells.items() if key not in hidden and u})
            evolve(rng, school, level, step)
        caught += bool(determined_small_combinations(list(history_rows(naive).values()), 3))
    assert caught >= 10
