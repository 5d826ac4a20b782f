"""The IHI run-chart rules that are not in :mod:`.runs`: too few or too many runs, and the astronomical point.

Shift (6 or more points on one side of the median) and trend (5 or more points going up or down) are
:func:`.runs.find_shifts` and :func:`.runs.find_trends`.

Sources: Perla, Provost & Murray (2011) "The run chart: a simple analytical tool for learning from variation in
healthcare processes", BMJ Quality & Safety 20(1): 46-51, rules 1-4 and Table 1; Provost & Murray (2011) *The
Health Care Data Guide*, Jossey-Bass, chapter 3; Swed & Eisenhart (1943) "Tables for testing randomness of grouping
in a sequence of alternatives", Annals of Mathematical Statistics 14(1): 66-87 (the origin of Table 1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from .constants import D2_MR

#: Perla, Provost & Murray (2011), Table 1: for a number of useful points (not on the median), the fewest and the
#: most runs expected from random variation; fewer or more is a signal (rule 3). The table starts at 10 points;
#: with fewer the rule is not applied. It is shipped for 10 to 40 points; beyond 40 the rule is not applied either
#: (and the chart says so). Provenance: rows 10-26, 28, 31, 32, 34, 36, 38 and 40 agree in two independent
#: transcriptions of the published table; rows 27, 29, 30, 33, 35, 37 and 39 differ between them by one run, and
#: the value shipped is the one the exact Swed & Eisenhart distribution (n/2 points on each side, 2.5 % per tail)
#: gives where one of them does (row 37: the narrower transcription). Check them against the printed table.
RUNS_LIMITS: dict[int, tuple[int, int]] = {
    10: (3, 9), 11: (3, 10), 12: (3, 11), 13: (4, 11), 14: (4, 12), 15: (5, 12), 16: (5, 13), 17: (5, 13),
    18: (6, 14), 19: (6, 15), 20: (6, 16), 21: (7, 16), 22: (7, 17), 23: (7, 17), 24: (8, 18), 25: (8, 18),
    26: (9, 19), 27: (10, 19), 28: (10, 20), 29: (10, 21), 30: (11, 21), 31: (11, 22), 32: (11, 23),
    33: (12, 23), 34: (12, 24), 35: (13, 24), 36: (13, 25), 37: (13, 25), 38: (14, 26), 39: (14, 26),
    40: (15, 27),
}  # fmt: skip

ASTRONOMICAL_PROXY = "proxy_3_sigma"
"""The label of :func:`astronomical_proxy`'s points: a proxy, not the IHI rule itself (which is a judgement)."""


@dataclass(frozen=True, slots=True)
class RunsCount:
    """IHI rule 3 (too few or too many runs) over the useful points of a series.

    ``lower``/``upper`` are ``None`` when the table does not cover ``n_useful`` (fewer than 10 or more than 40):
    then neither signal is given.
    """

    n_useful: int
    runs: int
    lower: int | None
    upper: int | None
    too_few: bool
    too_many: bool


def runs_limits(n_useful: int) -> tuple[int, int] | None:
    """Perla, Provost & Murray (2011), Table 1: ``(fewest, most)`` runs for ``n_useful`` points, or ``None``."""
    return RUNS_LIMITS.get(n_useful)


def count_runs(values: Sequence[float | None], centre: float) -> RunsCount:
    """Runs around ``centre``: a run is one or more consecutive useful points on the same side.

    Points on the centre line and missing points are not useful: they neither start nor break a run (Perla,
    Provost & Murray 2011, "a run is... one or more consecutive data points on the same side of the median... data
    points that fall on the median are not counted"). Rule 3: fewer runs than the table's lower limit, or more than
    its upper limit, signals non-random variation.
    """
    sides = [1 if v > centre else -1 for v in values if v is not None and v != centre]
    runs = sum(1 for i, side in enumerate(sides) if i == 0 or side != sides[i - 1])
    limits = runs_limits(len(sides))
    if limits is None:
        return RunsCount(len(sides), runs, None, None, too_few=False, too_many=False)
    lower, upper = limits
    return RunsCount(len(sides), runs, lower, upper, too_few=runs < lower, too_many=runs > upper)


def astronomical_proxy(values: Sequence[float]) -> list[int]:
    """Points beyond the mean ± 3σ, σ from the average moving range (/1.128): a *proxy* of IHI rule 4.

    IHI rule 4, the astronomical data point, is a judgement ("a data point that is blatantly obviously different
    from the rest... everyone studying the chart would agree that it is unusual", Perla, Provost & Murray 2011);
    a person marks it. Where nobody did, this proxy is offered, labelled :data:`ASTRONOMICAL_PROXY`: the limits of
    an individuals (XmR) chart over the same points (Montgomery 2009, chapter 6; Provost & Murray 2011, chapter 5
    use the I chart for the same purpose). Fewer than 2 points: none.
    """
    if len(values) < 2:
        return []
    mean = math.fsum(values) / len(values)
    sigma = math.fsum(abs(b - a) for a, b in pairwise(values)) / (len(values) - 1) / D2_MR
    if sigma == 0:
        return []
    return [i for i, v in enumerate(values) if abs(v - mean) > 3 * sigma]
