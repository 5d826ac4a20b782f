"""Scoring and completeness of a classroom observation (pure functions).

An observation is a sequence of observation cycles; in each cycle the observer
gives every dimension of the instrument an integer score on the instrument's
scale (CLASS: 1-7, usually 4 or more cycles of ~20 minutes).

Scoring rule (:func:`score_observation`)
----------------------------------------
Let the scale be ``min..max`` (1..7 for CLASS).

1. Dimension ``mean``: the arithmetic mean, over the cycles that scored the
   dimension, of its scores (raw, as the observer recorded them).
2. Dimension ``adjusted``: equal to ``mean``, except for a *reverse* dimension
   (CLASS Negative Climate, where low is good), which enters as
   ``min + max - mean``. Example: NC mean 2 on 1-7 counts as 1 + 7 - 2 = 6.
3. Domain ``mean``: the arithmetic mean of its dimensions' ``adjusted`` values
   (each dimension weighs the same, whatever its number of cycles).
4. Bands, from CLASS's integer ranges 1-2 low, 3-5 mid, 6-7 high applied to
   a mean on 1-7: ``low`` if value < 2.5, ``mid`` if 2.5 ≤ value < 5.5,
   ``high`` if value ≥ 5.5. On another scale ``min..max`` the two thresholds
   are mapped linearly: ``threshold(t) = min + (t - 1) · (max - min) / 6``,
   t ∈ {2.5, 5.5} (1-4 scale: low < 1.75 ≤ mid < 3.25 ≤ high). A value within
   1e-9 below a threshold counts as reaching it (guards float noise only).
5. A dimension's ``band`` is the band of its RAW ``mean`` (as CLASS reports
   read: NC mean 1.5 is ``low`` — which is good); a domain's ``band`` is the
   band of the domain ``mean``.
6. Nothing is rounded here; rounding to 2 decimals happens only at the API
   edge.

Completeness is checked in :mod:`observations_service.domain.completeness`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .completeness import CycleScores, Gap, GapCode, check_completeness
from .instrument import (
    DimensionSpec,
    DomainSpec,
    InstrumentError,
    InstrumentIssue,
    InstrumentSpec,
    load_instrument,
)

__all__ = [
    "BAND_EPSILON",
    "Band",
    "CycleScores",
    "DimensionScore",
    "DimensionSpec",
    "DomainScore",
    "DomainSpec",
    "Gap",
    "GapCode",
    "InstrumentError",
    "InstrumentIssue",
    "InstrumentSpec",
    "ObservationScore",
    "ScoringError",
    "band_for",
    "band_thresholds",
    "check_completeness",
    "load_instrument",
    "score_observation",
]

Band = Literal["low", "mid", "high"]

#: Tolerance below a band threshold that still counts as reaching it.
BAND_EPSILON = 1e-9

# CLASS thresholds on the 1-7 scale (integer ranges 1-2 / 3-5 / 6-7).
_LOW_MID = 2.5
_MID_HIGH = 5.5


@dataclass(frozen=True, slots=True)
class DimensionScore:
    """A dimension's result. ``band`` is the band of the raw ``mean``."""

    code: str
    name: str
    domain_code: str
    order: int
    reverse: bool
    n_cycles: int
    mean: float
    adjusted: float
    band: Band


@dataclass(frozen=True, slots=True)
class DomainScore:
    """A domain's result: ``mean`` of its dimensions' adjusted values."""

    code: str
    name: str
    order: int
    mean: float
    band: Band
    dimension_codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ObservationScore:
    """Scores of one observation, dimensions and domains in instrument order."""

    instrument_code: str
    instrument_version: int
    scale_min: int
    scale_max: int
    n_cycles: int
    dimensions: tuple[DimensionScore, ...]
    domains: tuple[DomainScore, ...]

    def dimension(self, code: str) -> DimensionScore:
        """The result of the dimension with this code (:class:`KeyError` if none)."""
        for dim in self.dimensions:
            if dim.code == code:
                return dim
        raise KeyError(code)

    def domain(self, code: str) -> DomainScore:
        """The result of the domain with this code (:class:`KeyError` if none)."""
        for domain in self.domains:
            if domain.code == code:
                return domain
        raise KeyError(code)


class ScoringError(ValueError):
    """The observation cannot be scored; ``gaps`` says why (Spanish messages)."""

    def __init__(self, gaps: Sequence[Gap]) -> None:
        self.gaps: tuple[Gap, ...] = tuple(gaps)
        text = "; ".join(g.message for g in self.gaps)
        super().__init__(f"No se puede calcular el puntaje: {text}")


def band_thresholds(scale_min: int, scale_max: int) -> tuple[float, float]:
    """The (low→mid, mid→high) thresholds on ``scale_min..scale_max``.

    CLASS's 2.5 and 5.5 on 1-7, mapped linearly:
    ``min + (t - 1) · (max - min) / 6``. 1-7 → (2.5, 5.5); 1-4 → (1.75, 3.25).
    """
    if scale_min >= scale_max:
        raise ValueError(f"El mínimo de la escala ({scale_min}) debe ser menor que el máximo ({scale_max})")
    step = (scale_max - scale_min) / 6
    return (
        scale_min + (_LOW_MID - 1) * step,
        scale_min + (_MID_HIGH - 1) * step,
    )


def band_for(value: float, scale_min: int, scale_max: int) -> Band:
    """``low`` / ``mid`` / ``high`` for a mean on ``scale_min..scale_max``.

    ``low`` if value < t1, ``mid`` if t1 ≤ value < t2, ``high`` if value ≥ t2,
    with (t1, t2) from :func:`band_thresholds`; a value within
    :data:`BAND_EPSILON` below a threshold counts as reaching it.
    """
    low_mid, mid_high = band_thresholds(scale_min, scale_max)
    if value + BAND_EPSILON >= mid_high:
        return "high"
    if value + BAND_EPSILON >= low_mid:
        return "mid"
    return "low"


# Gaps that still allow a (provisional) score: the mean is then over the
# cycles that did score each dimension.
_TOLERATED: frozenset[GapCode] = frozenset({"missing_score", "too_few_cycles"})


def score_observation(
    instrument: InstrumentSpec,
    cycles: Sequence[CycleScores],
    *,
    require_complete: bool = False,
) -> ObservationScore:
    """Score an observation with the rule in the module docstring.

    Restated: dimension ``mean`` = mean over cycles of its scores; ``adjusted``
    = ``mean``, or ``min + max - mean`` for a reverse dimension; domain
    ``mean`` = mean of its dimensions' ``adjusted``; band thresholds 2.5 / 5.5
    on 1-7 (``min + (t - 1)(max - min)/6`` on other scales); a dimension's band
    is of its raw ``mean``, a domain's of its ``mean``. No rounding.

    By default a missing score (or fewer than ``min_cycles`` cycles) does not
    prevent scoring: each dimension's mean is over the cycles that scored it
    (``n_cycles`` says how many). Pass ``require_complete=True`` to refuse any
    gap. Always refused, with :class:`ScoringError` carrying the gaps: a score
    that is not an integer within the scale, a duplicate or invalid cycle
    number, an unknown dimension code, or a dimension with no score at all.
    """
    gaps = check_completeness(instrument, cycles)
    blocking = [g for g in gaps if require_complete or g.code not in _TOLERATED]
    if blocking:
        raise ScoringError(blocking)

    # From here on every present score is an integer within the scale.
    values: dict[str, list[int]] = {dim.code: [] for dim in instrument.dimensions}
    for cycle in cycles:
        for code, value in cycle.scores.items():
            if value is not None:
                values[code].append(int(value))
    empty = [
        Gap(
            "cycles",
            "dimension_without_scores",
            f"La dimensión {dim.code} no tiene puntajes en ningún ciclo",
        )
        for dim in instrument.dimensions
        if not values[dim.code]
    ]
    if empty:
        raise ScoringError(empty)

    lo, hi = instrument.scale_min, instrument.scale_max
    by_code: dict[str, DimensionScore] = {}
    for dim in instrument.dimensions:
        scores = values[dim.code]
        mean = math.fsum(scores) / len(scores)
        adjusted = (lo + hi - mean) if dim.reverse else mean
        by_code[dim.code] = DimensionScore(
            code=dim.code,
            name=dim.name,
            domain_code=dim.domain_code,
            order=dim.order,
            reverse=dim.reverse,
            n_cycles=len(scores),
            mean=mean,
            adjusted=adjusted,
            band=band_for(mean, lo, hi),
        )

    domains: list[DomainScore] = []
    for domain in instrument.domains:
        adjusted_values = [by_code[d.code].adjusted for d in domain.dimensions]
        domain_mean = math.fsum(adjusted_values) / len(adjusted_values)
        domains.append(
            DomainScore(
                code=domain.code,
                name=domain.name,
                order=domain.order,
                mean=domain_mean,
                band=band_for(domain_mean, lo, hi),
                dimension_codes=tuple(d.code for d in domain.dimensions),
            )
        )

    return ObservationScore(
        instrument_code=instrument.code,
        instrument_version=instrument.version,
        scale_min=lo,
        scale_max=hi,
        n_cycles=len(cycles),
        dimensions=tuple(by_code[d.code] for d in instrument.dimensions),
        domains=tuple(domains),
    )
