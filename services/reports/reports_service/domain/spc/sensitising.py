"""Sensitising rules of control charts and Laney's p′/u′ for overdispersed attribute data.

Beyond the 3-sigma limits (Shewhart's rule, in :mod:`.control`), a measure may choose:

* ``western_electric``: 2 of 3 consecutive points beyond 2σ on the same side; 4 of 5 consecutive points beyond 1σ
  on the same side; 8 consecutive points on one side of the centre line. Western Electric Company (1956)
  *Statistical Quality Control Handbook*, section 1B, tests 2-4 (zone tests); Montgomery (2009) *Introduction to
  Statistical Quality Control*, 6th ed., section 5.3.6.
* ``nelson_15``: 15 consecutive points within 1σ of the centre line, on either side (stratification). Nelson
  (1984) "The Shewhart control chart — tests for special causes", Journal of Quality Technology 16(4): 237-239,
  test 7.

σ at each point is a third of the distance from the centre line to the farther limit (a p chart's limit clipped
at 0 or 1 is the nearer one). Windows never cross a phase boundary.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Literal

from .constants import D2_MR
from .control import ControlChartResult
from .phases import RuleFinding

SensitisingRule = Literal["western_electric", "nelson_15"]

#: σz above which ``laney="auto"`` uses p′/u′. Laney (2002) uses p′ whenever the data are overdispersed; σz is
#: estimated from moving ranges, whose standard error with 20 to 30 points is about 0.15 to 0.2, so σz up to 1.2
#: is read as "no overdispersion shown" and the plain p/u chart is kept. A project choice, overridable per measure.
LANEY_THRESHOLD = 1.2


def _sigma(centre: float | None, lower: float | None, upper: float | None) -> float | None:
    if centre is None:
        return None
    spans = [abs(x - centre) for x in (lower, upper) if x is not None]
    return max(spans) / 3.0 if spans and max(spans) > 0 else None


def _zone(value: float | None, centre: float | None, sigma: float | None) -> float | None:
    """The point's distance from the centre line in σ (signed), ``None`` when undefined."""
    if value is None or centre is None or sigma is None:
        return None
    return (value - centre) / sigma


def _k_of_m(zones: Sequence[float | None], k: int, m: int, beyond: float, rule: str) -> list[RuleFinding]:
    """Every window of ``m`` consecutive points with ``k`` or more beyond ``beyond``σ on the same side."""
    found: set[int] = set()
    for end in range(m, len(zones) + 1):
        window = list(range(end - m, end))
        for side in (1, -1):
            hits = [i for i in window if (z := zones[i]) is not None and side * z > beyond]
            if len(hits) >= k:
                found.update(hits)
    return [RuleFinding(rule, tuple(sorted(found)))] if found else []


def _in_a_row(zones: Sequence[float | None], length: int, test: str, rule: str) -> list[RuleFinding]:
    """Runs of ``length`` or more consecutive defined points passing ``test`` (``above``/``below``/``within``)."""
    found: list[int] = []
    current: list[int] = []
    previous_side = 0

    def passes(z: float) -> int:
        if test == "within":
            return 1 if abs(z) < 1.0 else 0
        return 1 if z > 0 else -1 if z < 0 else 0

    for i, z in enumerate(zones):
        side = passes(z) if z is not None else 0
        if side != 0 and (side == previous_side or not current):
            current.append(i)
        else:
            if len(current) >= length:
                found.extend(current)
            current = [i] if side != 0 else []
        previous_side = side
    if len(current) >= length:
        found.extend(current)
    return [RuleFinding(rule, tuple(found))] if found else []


def sensitising_findings(
    values: Sequence[float | None],
    centre: Sequence[float | None],
    lower: Sequence[float | None],
    upper: Sequence[float | None],
    *,
    part: Sequence[int],
    rules: Sequence[SensitisingRule],
) -> list[RuleFinding]:
    """The chosen sensitising rules, phase by phase (``part[i]`` is point i's phase), at global indices.

    Rule names in the answer: ``we_2_of_3_beyond_2_sigma``, ``we_4_of_5_beyond_1_sigma``, ``we_8_one_side`` and
    ``nelson_15_within_1_sigma``.
    """
    findings: list[RuleFinding] = []
    for number in sorted(set(part)):
        index = [i for i, p in enumerate(part) if p == number]
        zones = [_zone(values[i], centre[i], _sigma(centre[i], lower[i], upper[i])) for i in index]
        local: list[RuleFinding] = []
        if "western_electric" in rules:
            local += _k_of_m(zones, 2, 3, 2.0, "we_2_of_3_beyond_2_sigma")
            local += _k_of_m(zones, 4, 5, 1.0, "we_4_of_5_beyond_1_sigma")
            local += _in_a_row(zones, 8, "side", "we_8_one_side")
        if "nelson_15" in rules:
            local += _in_a_row(zones, 15, "within", "nelson_15_within_1_sigma")
        findings.extend(RuleFinding(f.rule, tuple(index[i] for i in f.points)) for f in local)
    return findings


@dataclass(frozen=True, slots=True)
class LaneyLimits:
    """Laney's p′ or u′ chart of one phase: ``sigma_z`` and the limits at each point."""

    sigma_z: float
    centre: float
    lower: list[float]
    upper: list[float]


def laney_limits(chart: Literal["p", "u"], numerators: Sequence[float], denominators: Sequence[float]) -> LaneyLimits:
    """p′ (or u′) limits: the p (u) chart's σ at each point times σz, the spread of the z-scores.

    ``z_i = (y_i - centre) / σ_i`` with ``σ_i = sqrt(centre (1 - centre) / n_i)`` (p) or ``sqrt(centre / n_i)``
    (u); ``σz`` = mean moving range of the z_i / 1.128; limits ``centre ± 3 σ_i σz`` (p′ clipped to [0, 1], u′
    at 0). Needs at least 2 points and 0 < centre (< 1 for p).

    Source: Laney (2002) "Improved control charts for attributes", Quality Engineering 14(4): 531-537.
    """
    if len(numerators) != len(denominators) or len(numerators) < 2:
        raise ValueError("laney needs at least 2 numerators with their denominators")
    if any(d <= 0 for d in denominators):
        raise ValueError("denominators must be > 0")
    centre = math.fsum(numerators) / math.fsum(denominators)
    if centre <= 0 or (chart == "p" and centre >= 1):
        raise ValueError("laney needs a centre line strictly inside its range")
    sd = [math.sqrt(centre * (1 - centre) / d) if chart == "p" else math.sqrt(centre / d) for d in denominators]
    z = [(y / d - centre) / s for y, d, s in zip(numerators, denominators, sd, strict=True)]
    sigma_z = math.fsum(abs(b - a) for a, b in pairwise(z)) / (len(z) - 1) / D2_MR
    top = 1.0 if chart == "p" else math.inf
    lower = [max(0.0, centre - 3 * s * sigma_z) for s in sd]
    upper = [min(top, centre + 3 * s * sigma_z) for s in sd]
    return LaneyLimits(sigma_z=sigma_z, centre=centre, lower=lower, upper=upper)


def use_laney(sigma_z: float, choice: Literal["auto", "always", "never"] = "auto") -> bool:
    """Whether to draw p′/u′: ``always``, ``never``, or ``auto`` when σz > :data:`LANEY_THRESHOLD`."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    return sigma_z > LANEY_THRESHOLD


@dataclass(frozen=True, slots=True)
class LaneyOutcome:
    """A p or u chart after the Laney choice: the chart (p′/u′ limits where used) and σz of each phase."""

    result: ControlChartResult
    sigma_z: list[float | None]
    used: list[bool]


def with_laney(
    result: ControlChartResult,
    numerators: Sequence[float],
    denominators: Sequence[float],
    choice: Literal["auto", "always", "never"] = "auto",
) -> LaneyOutcome:
    """The p/u chart ``result`` with Laney's p′/u′ limits in each phase where :func:`use_laney` says so.

    Each phase's σz is computed from its own points (:func:`laney_limits`); a phase with fewer than 2 points or a
    centre line at 0 (or 1 for p) keeps its p/u limits and σz ``None``. Points beyond the new limits are the
    ``sigma_signal`` of the answer. Other chart types are returned unchanged.
    """
    if result.chart not in ("p", "u"):
        return LaneyOutcome(result, [None] * len(result.parts), [False] * len(result.parts))
    lower, upper = list(result.lower), list(result.upper)
    sigma_z: list[float | None] = []
    used: list[bool] = []
    chart: Literal["p", "u"] = "p" if result.chart == "p" else "u"
    for part in result.parts:
        span = range(part.start, part.end + 1)
        try:
            limits = laney_limits(chart, [numerators[i] for i in span], [denominators[i] for i in span])
        except ValueError:
            sigma_z.append(None)
            used.append(False)
            continue
        sigma_z.append(limits.sigma_z)
        apply = use_laney(limits.sigma_z, choice)
        used.append(apply)
        if apply:
            for offset, i in enumerate(span):
                lower[i], upper[i] = limits.lower[offset], limits.upper[offset]
    signal = [
        v is not None and ((up is not None and v > up) or (lo is not None and v < lo))
        for v, lo, up in zip(result.values, lower, upper, strict=True)
    ]
    return LaneyOutcome(replace(result, lower=lower, upper=upper, sigma_signal=signal), sigma_z, used)
