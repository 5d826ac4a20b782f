"""The paired comparison of two waves of network results (pure functions).

:func:`compare_waves` — paired comparison of two waves over the classrooms
observed in both (matched by ``classroom_key``): ``n_pairs``, the mean change
(after - before), the sample sd of the changes, and the effect size Cohen's
``d_z = mean change / sd of change`` (the standardized mean difference for
paired data: Cohen, J. (1988). *Statistical Power Analysis for the Behavioral
Sciences*, 2nd ed.; Lakens, D. (2013), *Frontiers in Psychology* 4:863).
Dimension changes use ADJUSTED values, so a positive change is an improvement
for every dimension, reverse ones included. ``d_z`` is ``None`` when the sd of
change is 0 or undefined. Fewer than ``k`` pairs → suppressed.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .results import DEFAULT_K, ClassroomRecord, by_classroom, check_k, codes_in_order, sample_sd

__all__ = ["ChangeStats", "WaveComparison", "compare_waves"]


@dataclass(frozen=True, slots=True)
class ChangeStats:
    """Paired change of one domain or dimension between two waves.

    For a dimension the values are ADJUSTED (positive change = improvement).
    All statistics ``None`` when suppressed.
    """

    code: str
    suppressed: bool
    n_pairs: int | None
    before_mean: float | None
    after_mean: float | None
    mean_change: float | None
    sd_change: float | None
    effect_size_dz: float | None


@dataclass(frozen=True, slots=True)
class WaveComparison:
    """Paired comparison of two waves over classrooms observed in both."""

    before_wave: str
    after_wave: str
    k: int
    suppressed: bool
    n_pairs: int | None
    domains: tuple[ChangeStats, ...]
    dimensions: tuple[ChangeStats, ...]


def _change(code: str, pairs: Sequence[tuple[float, float]], k: int) -> ChangeStats:
    if len(pairs) < k:
        return ChangeStats(code, True, None, None, None, None, None, None)
    changes = [after - before for before, after in pairs]
    mean_change = statistics.fmean(changes)
    sd_change = sample_sd(changes)
    dz = mean_change / sd_change if sd_change else None
    return ChangeStats(
        code=code,
        suppressed=False,
        n_pairs=len(pairs),
        before_mean=statistics.fmean(b for b, _ in pairs),
        after_mean=statistics.fmean(a for _, a in pairs),
        mean_change=mean_change,
        sd_change=sd_change,
        effect_size_dz=dz,
    )


def compare_waves(
    records: Iterable[ClassroomRecord],
    *,
    before: str,
    after: str,
    k: int = DEFAULT_K,
) -> WaveComparison:
    """Paired change from wave ``before`` to wave ``after`` (see module docstring).

    Only classrooms present in both waves count; for each domain/dimension, only
    classrooms with a value in both waves. ``d_z = mean change / sd of change``
    (``None`` if the sd is 0 or there is a single pair). The whole comparison
    is suppressed when fewer than ``k`` classrooms are paired; a single
    domain/dimension is suppressed when it has fewer than ``k`` pairs.
    """
    check_k(k)
    if before == after:
        raise ValueError("Las dos mediciones a comparar deben ser distintas")
    all_records = list(records)
    first = by_classroom(all_records, before)
    second = by_classroom(all_records, after)
    keys = [key for key in first if key in second]
    if len(keys) < k:
        return WaveComparison(before, after, k, True, None, (), ())

    pairs = [(first[key], second[key]) for key in keys]
    flat = [r for pair in pairs for r in pair]
    domain_codes = codes_in_order(flat, lambda r: r.domains)
    dimension_codes = codes_in_order(flat, lambda r: r.dimensions)
    domains = tuple(
        _change(
            code,
            [(b.domains[code], a.domains[code]) for b, a in pairs if code in b.domains and code in a.domains],
            k,
        )
        for code in domain_codes
    )
    dimensions = tuple(
        _change(
            code,
            [
                (b.dimensions[code].adjusted, a.dimensions[code].adjusted)
                for b, a in pairs
                if code in b.dimensions and code in a.dimensions
            ],
            k,
        )
        for code in dimension_codes
    )
    return WaveComparison(
        before_wave=before,
        after_wave=after,
        k=k,
        suppressed=False,
        n_pairs=len(keys),
        domains=domains,
        dimensions=dimensions,
    )
