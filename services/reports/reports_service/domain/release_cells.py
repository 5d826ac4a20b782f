"""The cells a release of network results shows, as the disclosure audit sees them (pure functions).

A release of one wave shows the network, each level and each school (docs/privacy.md, "The model"): each is a cell
whose value is a function of the count and of per-unit sums over its set of units (means, standard deviations and
band counts are all such sums), so the audit only needs each cell's set. A unit is one (observation, version) with
a digest of what the release uses of it (school, level, scores): a re-observation, an amendment and a move all give
a different unit.

The paired comparison with another released wave is three more cells: the before-wave units of the pairs, the
after-wave units of the pairs and the pairs themselves (a pair unit stands for the per-pair products that the
standard deviation of the change needs). They share units with the other wave's releases, so both waves' histories
are audited together (``known_elsewhere`` of :func:`reports_service.domain.disclosure.plan_release`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .disclosure import Finding, Partition, PlannedCell, Units, audit, history_rows, suppress
from .results import NETWORK_KEY, ClassroomRecord

LEVEL_PREFIX = "level:"
SCHOOL_PREFIX = "school:"
COMPARE_PREFIX = "compare:"
COMPARE_PARTS = ("before", "after", "pairs")


@dataclass(frozen=True)
class ReleaseUnit:
    """One observation as a release includes it."""

    unit: str
    observation_id: str
    record: ClassroomRecord


def unit_name(observation_id: str, version: int, content: Mapping[str, Any]) -> str:
    """``id@version/digest``: a new version or any change of what the release uses makes a new unit."""
    digest = hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()[:12]
    return f"{observation_id}@{version}/{digest}"


def level_key(level: str) -> str:
    return f"{LEVEL_PREFIX}{level}"


def school_key(school_id: str) -> str:
    return f"{SCHOOL_PREFIX}{school_id}"


def compare_key(other_wave: str, part: str) -> str:
    return f"{COMPARE_PREFIX}{other_wave}:{part}"


def group_cells(units: Sequence[ReleaseUnit]) -> tuple[dict[str, Units], list[Partition]]:
    """The network, each level and each school (in that order: parents first), and the two breakdowns."""
    levels: dict[str, set[str]] = {}
    schools: dict[str, set[str]] = {}
    for u in units:
        levels.setdefault(level_key(u.record.level), set()).add(u.unit)
        schools.setdefault(school_key(u.record.school_id), set()).add(u.unit)
    cells: dict[str, Units] = {NETWORK_KEY: frozenset(u.unit for u in units)}
    cells.update({key: frozenset(levels[key]) for key in sorted(levels)})
    cells.update({key: frozenset(schools[key]) for key in sorted(schools)})
    partitions = [
        Partition(NETWORK_KEY, tuple(sorted(levels))),
        Partition(NETWORK_KEY, tuple(sorted(schools))),
    ]
    return cells, partitions


def pairs_of(before: Sequence[ReleaseUnit], after: Sequence[ReleaseUnit]) -> list[tuple[ReleaseUnit, ReleaseUnit]]:
    """Classrooms in both waves (a classroom is a teacher at a level), in a stable order."""
    earlier = {u.record.classroom_key: u for u in before}
    return sorted(
        ((earlier[u.record.classroom_key], u) for u in after if u.record.classroom_key in earlier),
        key=lambda pair: pair[1].record.classroom_key,
    )


def comparison_cells(other_wave: str, before: Sequence[ReleaseUnit], after: Sequence[ReleaseUnit]) -> dict[str, Units]:
    """The three cells of the paired comparison with ``other_wave`` (empty when no classroom is in both)."""
    pairs = pairs_of(before, after)
    return {
        compare_key(other_wave, "before"): frozenset(b.unit for b, _ in pairs),
        compare_key(other_wave, "after"): frozenset(a.unit for _, a in pairs),
        compare_key(other_wave, "pairs"): frozenset(f"{b.unit}|{a.unit}" for b, a in pairs),
    }


def elsewhere_rows(wave: str, releases: Sequence[Mapping[str, PlannedCell]]) -> dict[str, Units]:
    """Another wave's released rows, named so they cannot clash with this wave's."""
    return {f"{wave}#{key}": units for key, units in history_rows(releases).items()}


@dataclass(frozen=True)
class HeldCell:
    """A cell the release could not update: why, and what it shows instead."""

    cell: str
    status: str
    """``"kept"`` (shows the value of ``from_release``) or ``"suppressed"``."""
    from_release: int | None
    changed_units: int
    """How many units differ from the last value shown (all of them when it was never shown)."""
    findings: tuple[str, ...]
    """What the new value would have disclosed (``small_group`` / ``small_difference``)."""
    suppressed_now: bool = False
    """Hidden today by primary or complementary suppression (it shows its earlier value, if it had one)."""


def held_cells(
    plan: Mapping[str, PlannedCell],
    current: Mapping[str, Units],
    *,
    partitions: Sequence[Partition],
    previous: Sequence[Mapping[str, PlannedCell]],
    known_elsewhere: Mapping[str, Units],
    k: int,
) -> list[HeldCell]:
    """The cells that do not show today's value: held back by the audit, or hidden by suppression while an earlier
    release showed them (cells never shown and hidden by suppression are the normal «suprimido», not listed)."""
    hidden = suppress(current, partitions, k)
    known = {**known_elsewhere, **history_rows([*previous, plan])}
    last = {key: cell.units for release in previous for key, cell in release.items() if cell.status == "new"}
    held: list[HeldCell] = []
    number = len(previous) + 1
    for key, planned in plan.items():
        units = current.get(key, frozenset())
        if planned.status == "new" or not units or (key in hidden and planned.status != "kept"):
            continue
        changed = len(last.get(key, frozenset()) ^ units)
        if key in hidden:
            held.append(HeldCell(key, planned.status, planned.from_release, changed, (), suppressed_now=True))
            continue
        trial = {**known, f"{number}:{key}:trial": units}
        kinds = tuple(sorted({f.kind for f in audit(trial, k)}))
        held.append(HeldCell(key, planned.status, planned.from_release, changed, kinds))
    return held


def final_audit(
    previous: Sequence[Mapping[str, PlannedCell]],
    plan: Mapping[str, PlannedCell],
    known_elsewhere: Mapping[str, Units],
    k: int,
) -> list[Finding]:
    """Everything released for the wave (and the rows it shares with other waves) after this release."""
    return audit({**known_elsewhere, **history_rows([*previous, plan])}, k)


def cells_to_json(plan: Mapping[str, PlannedCell]) -> dict[str, Any]:
    return {
        key: {"status": cell.status, "units": sorted(cell.units), "from_release": cell.from_release}
        for key, cell in plan.items()
    }


def cells_from_json(data: Mapping[str, Any]) -> dict[str, PlannedCell]:
    return {
        key: PlannedCell(value["status"], frozenset(value["units"]), value.get("from_release"))
        for key, value in data.items()
    }
