"""Checked inputs of the SPC functions: finite numbers, a chart type's inputs, the parts (phases) of a chart."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .constants import ChartType

_NUMBER_TYPES = (int, float)


@dataclass(frozen=True, slots=True)
class ChartInputs:
    """Checked inputs: ``raw`` values (and ``dens`` for p/u charts), or ``groups`` for xbar/s charts."""

    raw: list[float]
    dens: list[float]
    groups: list[list[float]]

    @property
    def n(self) -> int:
        return len(self.groups) if self.groups else len(self.raw)


def chart_inputs(
    chart: ChartType,
    values: Sequence[float] | None,
    denominators: Sequence[float] | None,
    subgroups: Sequence[Sequence[float]] | None,
) -> ChartInputs:
    """The inputs a chart type takes, checked (``ValueError`` naming what is wrong)."""
    if chart in ("xbar", "s"):
        if subgroups is None:
            raise ValueError(f"a {chart} chart needs subgroups")
        if values is not None or denominators is not None:
            raise ValueError(f"a {chart} chart takes subgroups, not values/denominators")
        groups: list[list[float]] = []
        for k, group in enumerate(subgroups):
            g = finite_floats(group, f"subgroups[{k}]")
            if not g:
                raise ValueError(f"subgroups[{k}] is empty")
            groups.append(g)
        return ChartInputs(raw=[], dens=[], groups=groups)
    if values is None:
        raise ValueError(f"a {chart} chart needs values")
    if subgroups is not None:
        raise ValueError(f"a {chart} chart takes values, not subgroups")
    raw = finite_floats(values, "values")
    if chart in ("p", "u"):
        return ChartInputs(raw=raw, dens=_attribute_denominators(chart, raw, denominators), groups=[])
    if denominators is not None:
        raise ValueError(f"a {chart} chart takes no denominators")
    return ChartInputs(raw=raw, dens=[], groups=[])


def _attribute_denominators(chart: ChartType, raw: list[float], denominators: Sequence[float] | None) -> list[float]:
    """A p or u chart's denominators, checked against its numerators."""
    if denominators is None:
        raise ValueError(f"a {chart} chart needs denominators")
    dens = finite_floats(denominators, "denominators")
    if len(dens) != len(raw):
        raise ValueError("values and denominators must have the same length")
    for i, (num, den) in enumerate(zip(raw, dens, strict=True)):
        if den <= 0:
            raise ValueError(f"denominators[{i}] must be > 0")
        if num < 0:
            raise ValueError(f"values[{i}] must be >= 0")
        if chart == "p" and num > den:
            raise ValueError(f"values[{i}] must not exceed denominators[{i}]")
    return dens


# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------


def finite_floats(values: Sequence[float], name: str) -> list[float]:
    for i, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, _NUMBER_TYPES):
            msg = f"{name}[{i}] must be a number"
            raise TypeError(msg)
    out = [float(v) for v in values]
    if not all(map(math.isfinite, out)):
        i = next(i for i, f in enumerate(out) if not math.isfinite(f))
        msg = f"{name}[{i}] must be a finite number"
        raise ValueError(msg)
    return out


def part_bounds(parts: Sequence[int] | None, n: int) -> list[tuple[int, int]]:
    """``[start, stop)`` bounds of each part; ``parts`` are the starts after the first."""
    starts = [0]
    for p in sorted(set(parts or ())):
        if isinstance(p, bool) or not isinstance(p, int):
            raise TypeError("parts must be integer indices")
        if p <= 0 or p >= n:
            raise ValueError(f"part start {p} must be between 1 and {n - 1}")
        starts.append(p)
    if n == 0:
        return []
    stops = [*starts[1:], n]
    return list(zip(starts, stops, strict=True))
