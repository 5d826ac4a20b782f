"""Disclosure control of released aggregates: suppression, then an audit of everything ever released.

An aggregate cell (the network, a level, a school, ...) releases the count and the per-dimension sums (means x n)
of a set of *units* — one unit per (observation, version), so a re-observation, an amendment or a move gives new
units. A determined reader knows every value released for the wave, across releases and formats: one system of
linear equations ``A x = b`` over the units' scores, one row (the indicator of the cell's units) per released cell.
The same rows serve every dimension, so the audit only looks at the sets.

Rules implemented (docs/privacy.md):

* **Primary suppression** — a cell with fewer than ``k`` units is not shown (the minimum group size rule of
  statistical disclosure control; Hundepool et al., *Statistical Disclosure Control*, Wiley 2012, §4.2).
* **Complementary suppression** in every breakdown shown together: where a parent's value is shown and its children
  partition it, the suppressed children of that parent must be none, or at least two holding at least ``k`` units
  together; otherwise the smallest shown sibling is suppressed too (or, with none left, the parent). Repeated until
  stable (Hundepool et al. §4.3, the hierarchical case).
* **The audit** (:func:`audit`) — the released system must not determine the sum of any set of fewer than ``k``
  units, nor any signed combination of fewer than ``k`` units (a difference between releases). Units that appear in
  exactly the same released cells are indistinguishable, so the audit works on those *atoms*; a vector of atoms is
  determined exactly when it lies in the row space of ``A`` (exact rational Gaussian elimination, no rounding).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

Units = frozenset[str]

#: Above this many small atoms the exhaustive search of small groups is replaced by the row-space basis checks.
MAX_SMALL_ATOMS = 18


@dataclass(frozen=True)
class Partition:
    """``parent`` is exactly the union of its ``children`` (e.g. the network and its levels)."""

    parent: str
    children: tuple[str, ...]


@dataclass(frozen=True)
class Finding:
    """Why a set of released cells is refused: what could be recovered, and from which cells."""

    kind: str
    """``"small_group"`` (a sum over fewer than k units is determined) or ``"small_difference"``."""
    units: Units
    cells: tuple[str, ...]
    """The released cells whose values combine into the disclosure."""


# --- suppression ------------------------------------------------------------------------------


def primary_suppression(cells: Mapping[str, Units], k: int) -> set[str]:
    """Cells with fewer than ``k`` units (an empty cell shows nothing and is not counted as suppressed)."""
    return {key for key, units in cells.items() if 0 < len(units) < k}


def complementary_suppression(
    cells: Mapping[str, Units], partitions: Sequence[Partition], suppressed: set[str], k: int
) -> set[str]:
    """Extend ``suppressed`` until no shown parent gives away its suppressed children's total."""
    result = set(suppressed)
    changed = True
    while changed:
        changed = False
        for partition in partitions:
            if partition.parent in result:
                continue
            children = [c for c in partition.children if cells.get(c)]
            hidden = [c for c in children if c in result]
            hidden_units = sum(len(cells[c]) for c in hidden)
            if not hidden or (len(hidden) >= 2 and hidden_units >= k):
                continue
            shown = sorted((c for c in children if c not in result), key=lambda c: (len(cells[c]), c))
            result.add(shown[0] if shown else partition.parent)
            changed = True
    return result


def suppress(cells: Mapping[str, Units], partitions: Sequence[Partition], k: int) -> set[str]:
    """Primary, then complementary suppression: the cells not to show."""
    return complementary_suppression(cells, partitions, primary_suppression(cells, k), k)


# --- the audit ---------------------------------------------------------------------------------


class RowSpace:
    """The row space of 0/1 rows over atoms, in reduced row echelon form with exact fractions."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.pivots: dict[int, list[Fraction]] = {}

    def reduce(self, vector: Sequence[Fraction | int]) -> list[Fraction]:
        residual = [Fraction(v) for v in vector]
        for column, row in self.pivots.items():
            factor = residual[column]
            if factor:
                residual = [r - factor * p for r, p in zip(residual, row, strict=True)]
        return residual

    def add(self, vector: Sequence[Fraction | int]) -> bool:
        """Add a row; ``False`` when it was already implied by the others."""
        residual = self.reduce(vector)
        column = next((i for i, v in enumerate(residual) if v), None)
        if column is None:
            return False
        scale = residual[column]
        row = [v / scale for v in residual]
        for other, existing in self.pivots.items():
            factor = existing[column]
            if factor:
                self.pivots[other] = [e - factor * r for e, r in zip(existing, row, strict=True)]
        self.pivots[column] = row
        return True

    def contains(self, vector: Sequence[Fraction | int]) -> bool:
        return not any(self.reduce(vector))

    def basis(self) -> list[list[Fraction]]:
        return list(self.pivots.values())


def atoms(rows: Iterable[Units]) -> list[Units]:
    """Groups of units that appear in exactly the same rows (the audit cannot tell them apart)."""
    rows = list(rows)
    signature: dict[str, tuple[int, ...]] = {}
    for index, row in enumerate(rows):
        for unit in row:
            signature[unit] = (*signature.get(unit, ()), index)
    groups: dict[tuple[int, ...], set[str]] = {}
    for unit, sig in signature.items():
        groups.setdefault(sig, set()).add(unit)
    return sorted((frozenset(g) for g in groups.values()), key=sorted)


def audit(released: Mapping[str, Units], k: int) -> list[Finding]:
    """What the released cells (key → units; keys name cell and release) disclose about fewer than ``k`` units."""
    keys = [key for key, units in released.items() if units]
    groups = atoms(released[key] for key in keys)
    index = {unit: i for i, group in enumerate(groups) for unit in group}
    sizes = [len(group) for group in groups]
    space = RowSpace(len(groups))
    vectors: dict[str, list[int]] = {}
    for key in keys:
        vector = [0] * len(groups)
        for unit in released[key]:
            vector[index[unit]] = 1
        vectors[key] = vector
        space.add(vector)
    findings: list[Finding] = []
    for combination in _small_combinations(sizes, k, space):
        units = frozenset().union(*(groups[i] for i, c in enumerate(combination) if c))
        kind = "small_group" if all(c >= 0 for c in combination) else "small_difference"
        findings.append(Finding(kind, units, _explaining_cells(combination, vectors)))
    return _unique(findings)


def _small_combinations(sizes: Sequence[int], k: int, space: RowSpace) -> list[list[Fraction]]:
    """Determined combinations whose support holds fewer than ``k`` units."""
    found: list[list[Fraction]] = []
    for row in space.basis():
        if 0 < _support(row, sizes) < k:
            found.append(row)
    small = [i for i, size in enumerate(sizes) if size < k]
    if len(small) > MAX_SMALL_ATOMS:
        return found
    for count in range(1, len(small) + 1):
        for chosen in itertools.combinations(small, count):
            if sum(sizes[i] for i in chosen) >= k:
                continue
            for signs in _signs(count):
                vector = [Fraction(0)] * len(sizes)
                for atom, sign in zip(chosen, signs, strict=True):
                    vector[atom] = Fraction(sign)
                if space.contains(vector):
                    found.append(vector)
    return found


def _signs(count: int) -> Iterable[tuple[int, ...]]:
    """Sign patterns up to a global sign (the first atom positive)."""
    for rest in itertools.product((1, -1), repeat=count - 1):
        yield (1, *rest)


def _support(vector: Sequence[Fraction], sizes: Sequence[int]) -> int:
    return sum(size for value, size in zip(vector, sizes, strict=True) if value)


def _explaining_cells(combination: Sequence[Fraction], vectors: Mapping[str, Sequence[int]]) -> tuple[str, ...]:
    """Released cells that touch the disclosed units: where the coordinator should look."""
    touched = {i for i, value in enumerate(combination) if value}
    return tuple(key for key, vector in vectors.items() if any(vector[i] for i in touched))


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, Units]] = set()
    result = []
    for finding in findings:
        if (finding.kind, finding.units) not in seen:
            seen.add((finding.kind, finding.units))
            result.append(finding)
    return result


# --- planning a release ------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedCell:
    """What a release shows for one cell."""

    status: str
    """``"new"`` (today's value), ``"kept"`` (an earlier release's value) or ``"suppressed"``."""
    units: Units
    from_release: int | None = None
    """For ``"kept"``: the number of the release whose value is shown ("según la publicación N")."""


def history_rows(releases: Sequence[Mapping[str, PlannedCell]]) -> dict[str, Units]:
    """Every row a reader knows from earlier releases (a kept value is the same row as the one it repeats)."""
    rows: dict[str, Units] = {}
    for number, release in enumerate(releases, start=1):
        for key, cell in release.items():
            if cell.status == "new":
                rows[f"{number}:{key}"] = cell.units
    return rows


def plan_release(
    previous: Sequence[Mapping[str, PlannedCell]],
    current: Mapping[str, Units],
    partitions: Sequence[Partition],
    k: int,
    known_elsewhere: Mapping[str, Units] | None = None,
) -> dict[str, PlannedCell]:
    """The next release: each cell new, kept at its last shown value, or suppressed, so the audit stays clean.

    Cells are tried parents first (in ``current``'s order); a cell whose new value would disclose fewer than ``k``
    units together with everything released before keeps its last shown value, or is suppressed if it never had one.
    ``known_elsewhere`` are rows released outside this sequence that share units with it (e.g. another wave's paired
    comparison with this one): the reader knows them too, so every trial is audited together with them.
    """
    hidden = suppress(current, partitions, k)
    known = {**(known_elsewhere or {}), **history_rows(previous)}
    last_shown = _last_shown(previous)
    plan: dict[str, PlannedCell] = {}
    number = len(previous) + 1
    for key, units in current.items():
        if key in hidden or not units:
            plan[key] = _fallback(key, last_shown, "suppressed")
            continue
        if key in last_shown and last_shown[key].units == units:
            plan[key] = PlannedCell("new", units, number)  # unchanged: the same row again tells nothing new
            continue
        trial = {**known, f"{number}:{key}": units}
        if audit(trial, k):
            plan[key] = _fallback(key, last_shown, "suppressed")
            continue
        known = trial
        plan[key] = PlannedCell("new", units, number)
    return plan


def _last_shown(previous: Sequence[Mapping[str, PlannedCell]]) -> dict[str, PlannedCell]:
    shown: dict[str, PlannedCell] = {}
    for number, release in enumerate(previous, start=1):
        for key, cell in release.items():
            if cell.status == "new":
                shown[key] = PlannedCell("kept", cell.units, number)
            elif cell.status == "kept":
                shown[key] = cell
    return shown


def _fallback(key: str, last_shown: Mapping[str, PlannedCell], otherwise: str) -> PlannedCell:
    return last_shown.get(key) or PlannedCell(otherwise, frozenset())
