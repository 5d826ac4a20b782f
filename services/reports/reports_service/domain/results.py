"""Network results: aggregates of classroom observation scores (pure functions; the paired comparison of two
waves is in :mod:`reports_service.domain.comparison`).

Input is one :class:`ClassroomRecord` per classroom and wave (an observation
round, e.g. ``"2024-1"``): each dimension's raw ``mean`` and ``adjusted``
value, and each domain's mean, as scored by the observations service (raw mean
of the cycles; ``adjusted = min + max - mean`` for a reverse dimension such as
CLASS Negative Climate; domain mean = mean of its dimensions' adjusted values).

:func:`aggregate_results` — for one wave, per domain and per dimension:

* ``n`` classrooms, ``mean`` and sample standard deviation ``sd`` (n - 1
  denominator; ``None`` when n < 2). For a dimension, ``mean``/``sd`` are of
  the RAW means, as CLASS reports read (a low Negative Climate is good), and
  ``adjusted_mean`` is the mean of the adjusted values (the sd of adjusted
  values equals the raw sd, a reversal only flips the sign);
* the band distribution: how many classrooms fall ``low``/``mid``/``high`` —
  a dimension by the band of its raw mean, a domain by the band of its mean.
  Bands mirror the observations service: on 1-7, low < 2.5 ≤ mid < 5.5 ≤ high
  (CLASS ranges 1-2 / 3-5 / 6-7 applied to a mean); on ``min..max`` the
  thresholds are ``min + (t - 1)(max - min)/6``;
* the same for the whole network, for each level and for each school.

Small groups are suppressed (privacy: individual scores are formative and
private): any group — the network too — with fewer than ``k`` classrooms
(default 5) stays in the output with ``suppressed=True`` and no statistics at
all (not even its ``n``). Inside a group that is shown, a domain or dimension
scored in fewer than ``k`` of its classrooms is suppressed the same way.

No rounding happens here.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "BAND_EPSILON",
    "DEFAULT_K",
    "NETWORK_KEY",
    "Band",
    "BandCounts",
    "ClassroomRecord",
    "DimensionStats",
    "DimensionValue",
    "DomainStats",
    "GroupResults",
    "NetworkResults",
    "aggregate_results",
    "band_for",
    "band_thresholds",
]

Band = Literal["low", "mid", "high"]

#: Minimum group size shown in aggregates (design brief: k = 5).
DEFAULT_K = 5
#: ``GroupResults.key`` of the whole-network group.
NETWORK_KEY = "network"
#: Tolerance below a band threshold that still counts as reaching it.
BAND_EPSILON = 1e-9


def band_thresholds(scale_min: int, scale_max: int) -> tuple[float, float]:
    """(low→mid, mid→high) thresholds: 2.5 and 5.5 on 1-7, mapped linearly."""
    if scale_min >= scale_max:
        raise ValueError(f"El mínimo de la escala ({scale_min}) debe ser menor que el máximo ({scale_max})")
    step = (scale_max - scale_min) / 6
    return scale_min + 1.5 * step, scale_min + 4.5 * step


def band_for(value: float, scale_min: int = 1, scale_max: int = 7) -> Band:
    """Band of a mean; within :data:`BAND_EPSILON` below a threshold reaches it."""
    low_mid, mid_high = band_thresholds(scale_min, scale_max)
    if value + BAND_EPSILON >= mid_high:
        return "high"
    if value + BAND_EPSILON >= low_mid:
        return "mid"
    return "low"


@dataclass(frozen=True, slots=True)
class DimensionValue:
    """A classroom's result on one dimension: raw ``mean`` and ``adjusted``."""

    mean: float
    adjusted: float


@dataclass(frozen=True, slots=True)
class ClassroomRecord:
    """One classroom's scores in one wave."""

    classroom_key: str
    school_id: str
    level: str
    wave: str
    dimensions: Mapping[str, DimensionValue]
    domains: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class BandCounts:
    """How many classrooms fall in each band."""

    low: int
    mid: int
    high: int


@dataclass(frozen=True, slots=True)
class DomainStats:
    """Aggregate of one domain; all statistics ``None`` when suppressed."""

    code: str
    suppressed: bool
    n: int | None
    mean: float | None
    sd: float | None
    bands: BandCounts | None


@dataclass(frozen=True, slots=True)
class DimensionStats:
    """Aggregate of one dimension (raw ``mean``/``sd``, plus ``adjusted_mean``)."""

    code: str
    suppressed: bool
    n: int | None
    mean: float | None
    sd: float | None
    adjusted_mean: float | None
    bands: BandCounts | None


@dataclass(frozen=True, slots=True)
class GroupResults:
    """Aggregates of a group (network, a level or a school).

    When ``suppressed`` (fewer than k classrooms): ``n_classrooms`` is ``None``
    and ``domains``/``dimensions`` are empty.
    """

    key: str
    suppressed: bool
    n_classrooms: int | None
    domains: tuple[DomainStats, ...]
    dimensions: tuple[DimensionStats, ...]


@dataclass(frozen=True, slots=True)
class NetworkResults:
    """One wave's aggregates: network, by level and by school (sorted by key)."""

    wave: str
    k: int
    network: GroupResults
    by_level: tuple[GroupResults, ...]
    by_school: tuple[GroupResults, ...]


def check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError("k debe ser un entero positivo")


def sample_sd(values: Sequence[float]) -> float | None:
    return statistics.stdev(values) if len(values) >= 2 else None


def codes_in_order(
    records: Iterable[ClassroomRecord],
    get: Callable[[ClassroomRecord], Iterable[str]],
) -> list[str]:
    """Codes in order of first appearance across the records."""
    seen: dict[str, None] = {}
    for record in records:
        for code in get(record):
            seen.setdefault(code, None)
    return list(seen)


def _count_bands(values: Iterable[float], scale_min: int, scale_max: int) -> BandCounts:
    bands = [band_for(v, scale_min, scale_max) for v in values]
    return BandCounts(low=bands.count("low"), mid=bands.count("mid"), high=bands.count("high"))


def _group(
    key: str,
    records: Sequence[ClassroomRecord],
    *,
    domain_codes: Sequence[str],
    dimension_codes: Sequence[str],
    k: int,
    scale_min: int,
    scale_max: int,
) -> GroupResults:
    if len(records) < k:
        return GroupResults(key=key, suppressed=True, n_classrooms=None, domains=(), dimensions=())

    domains: list[DomainStats] = []
    for code in domain_codes:
        values = [r.domains[code] for r in records if code in r.domains]
        if len(values) < k:
            domains.append(DomainStats(code, True, None, None, None, None))
            continue
        domains.append(
            DomainStats(
                code=code,
                suppressed=False,
                n=len(values),
                mean=statistics.fmean(values),
                sd=sample_sd(values),
                bands=_count_bands(values, scale_min, scale_max),
            )
        )

    dimensions: list[DimensionStats] = []
    for code in dimension_codes:
        dim_values = [r.dimensions[code] for r in records if code in r.dimensions]
        if len(dim_values) < k:
            dimensions.append(DimensionStats(code, True, None, None, None, None, None))
            continue
        raw = [v.mean for v in dim_values]
        dimensions.append(
            DimensionStats(
                code=code,
                suppressed=False,
                n=len(raw),
                mean=statistics.fmean(raw),
                sd=sample_sd(raw),
                adjusted_mean=statistics.fmean(v.adjusted for v in dim_values),
                bands=_count_bands(raw, scale_min, scale_max),
            )
        )

    return GroupResults(
        key=key,
        suppressed=False,
        n_classrooms=len(records),
        domains=tuple(domains),
        dimensions=tuple(dimensions),
    )


def by_classroom(records: Iterable[ClassroomRecord], wave: str) -> dict[str, ClassroomRecord]:
    out: dict[str, ClassroomRecord] = {}
    for record in records:
        if record.wave != wave:
            continue
        if record.classroom_key in out:
            raise ValueError(f"El aula {record.classroom_key} aparece más de una vez en la medición {wave}")
        out[record.classroom_key] = record
    return out


def aggregate_results(
    records: Iterable[ClassroomRecord],
    *,
    wave: str,
    k: int = DEFAULT_K,
    scale_min: int = 1,
    scale_max: int = 7,
) -> NetworkResults:
    """Aggregates of one ``wave`` (records of other waves are ignored).

    See the module docstring for the statistics and the suppression rule.
    Domains and dimensions appear in order of first appearance in the
    records; levels and schools are sorted by key. Raises :class:`ValueError`
    if a classroom appears twice in the wave, or for ``k < 1``.
    """
    check_k(k)
    band_thresholds(scale_min, scale_max)  # validates the scale
    selected = list(by_classroom(records, wave).values())
    domain_codes = codes_in_order(selected, lambda r: r.domains)
    dimension_codes = codes_in_order(selected, lambda r: r.dimensions)

    def grouped(attr: Callable[[ClassroomRecord], str]) -> tuple[GroupResults, ...]:
        groups: dict[str, list[ClassroomRecord]] = {}
        for record in selected:
            groups.setdefault(attr(record), []).append(record)
        return tuple(
            _group(
                key,
                groups[key],
                domain_codes=domain_codes,
                dimension_codes=dimension_codes,
                k=k,
                scale_min=scale_min,
                scale_max=scale_max,
            )
            for key in sorted(groups)
        )

    return NetworkResults(
        wave=wave,
        k=k,
        network=_group(
            NETWORK_KEY,
            selected,
            domain_codes=domain_codes,
            dimension_codes=dimension_codes,
            k=k,
            scale_min=scale_min,
            scale_max=scale_max,
        ),
        by_level=grouped(lambda r: r.level),
        by_school=grouped(lambda r: r.school_id),
    )
