"""Double-coding reliability: two observers score the same cycles (pure functions).

Input is pairs ``(first, second)`` of integer scores on the instrument's scale
``min..max``, one pair per (cycle, dimension) both observers scored. Statistics:

* **Exact agreement** — percentage (0-100) of pairs with ``first == second``.
* **Within one** — percentage of pairs with ``|first - second| ≤ 1``. CLASS
  observer certification uses 80 % within one point of the master codes as
  its bar; :func:`flag_observer` applies that threshold by default.
* **Quadratic-weighted kappa** — Cohen, J. (1968). Weighted kappa: Nominal
  scale agreement with provision for scaled disagreement or partial credit.
  *Psychological Bulletin*, 70(4), 213-220. Categories are the scale's whole
  integer range ``min..max`` (K = max - min + 1), agreement weights
  ``w_ij = 1 - (i - j)² / (K - 1)²``, observed ``p_o = Σ w_ij p_ij``,
  chance ``p_e = Σ w_ij p_i· p_·j`` (from the two observers' marginals),
  ``κ_w = (p_o - p_e) / (1 - p_e)``.
* **ICC(2,1)** — Shrout, P. E., & Fleiss, J. L. (1979). Intraclass
  correlations: Uses in assessing rater reliability. *Psychological Bulletin*,
  86(2), 420-428. Two-way random effects, absolute agreement, single rater
  (McGraw & Wong's ICC(A,1)). With n targets (pairs) and k = 2 raters, from
  the two-way ANOVA mean squares — rows (targets) ``MSR = SSR/(n - 1)``,
  columns (raters) ``MSC = SSC/(k - 1)``, residual
  ``MSE = SSE/((n - 1)(k - 1))`` with ``SSE = SST - SSR - SSC`` —
  ``ICC = (MSR - MSE) / (MSR + (k - 1)·MSE + k·(MSC - MSE)/n)``.

Degenerate cases (documented convention: *undefined → None*, never a guess):

* zero pairs → every statistic is ``None`` (``n_pairs`` is 0);
* kappa is ``None`` when ``1 - p_e = 0``, which happens exactly when every
  pair is the same score ``(c, c)``: agreement is perfect but chance agreement
  is too, so κ is 0/0. Read the percentages instead;
* ICC is ``None`` with fewer than 2 pairs, or when its denominator is 0 (all
  scores identical — zero variance — or the n = 2 case with equal row and
  column means). ICC may be negative; it is reported as is.

Computations use exact fractions and convert to ``float`` at the end; nothing
is rounded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

__all__ = [
    "DEFAULT_WITHIN_ONE_THRESHOLD",
    "AgreementStats",
    "ReliabilityReport",
    "agreement_stats",
    "flag_observer",
    "icc_2_1",
    "percent_exact",
    "percent_within_one",
    "reliability_by_dimension",
    "weighted_kappa",
]

ScorePair = tuple[int, int]

#: CLASS certification bar: 80 % of scores within one point.
DEFAULT_WITHIN_ONE_THRESHOLD = 80.0


@dataclass(frozen=True, slots=True)
class AgreementStats:
    """Agreement between two observers over ``n_pairs`` score pairs.

    Percentages are 0-100. ``None`` means undefined (see module docstring).
    """

    n_pairs: int
    exact_pct: float | None
    within_one_pct: float | None
    weighted_kappa: float | None
    icc: float | None


@dataclass(frozen=True, slots=True)
class ReliabilityReport:
    """Per-dimension statistics (input order) and ``overall`` over all pairs pooled."""

    dimensions: Mapping[str, AgreementStats]
    overall: AgreementStats


def _validate(pairs: Sequence[ScorePair], scale_min: int, scale_max: int) -> None:
    if scale_min >= scale_max:
        raise ValueError(f"El mínimo de la escala ({scale_min}) debe ser menor que el máximo ({scale_max})")
    for index, pair in enumerate(pairs):
        for value in pair:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"El par {index + 1} contiene un puntaje que no es entero: {value!r}")
            if not scale_min <= value <= scale_max:
                raise ValueError(
                    f"El par {index + 1} contiene el puntaje {value}, fuera de la escala {scale_min}–{scale_max}"
                )


def percent_exact(pairs: Sequence[ScorePair]) -> float | None:
    """Percentage (0-100) of pairs with identical scores; ``None`` if no pairs."""
    if not pairs:
        return None
    hits = sum(1 for a, b in pairs if a == b)
    return float(Fraction(100 * hits, len(pairs)))


def percent_within_one(pairs: Sequence[ScorePair]) -> float | None:
    """Percentage (0-100) of pairs differing by at most 1; ``None`` if no pairs."""
    if not pairs:
        return None
    hits = sum(1 for a, b in pairs if abs(a - b) <= 1)
    return float(Fraction(100 * hits, len(pairs)))


def weighted_kappa(pairs: Sequence[ScorePair], scale_min: int, scale_max: int) -> float | None:
    """Quadratic-weighted Cohen's kappa (Cohen 1968) over the full scale.

    Categories ``scale_min..scale_max``; weights ``1 - (i - j)²/(K - 1)²``.
    ``None`` with no pairs, or when ``1 - p_e = 0`` (every pair the same
    constant score).
    """
    _validate(pairs, scale_min, scale_max)
    if not pairs:
        return None
    n = len(pairs)
    categories = range(scale_min, scale_max + 1)
    k_minus_1_sq = (scale_max - scale_min) ** 2
    first_counts = dict.fromkeys(categories, 0)
    second_counts = dict.fromkeys(categories, 0)
    for a, b in pairs:
        first_counts[a] += 1
        second_counts[b] += 1

    def weight(i: int, j: int) -> Fraction:
        return 1 - Fraction((i - j) ** 2, k_minus_1_sq)

    p_o = sum((weight(a, b) for a, b in pairs), Fraction(0)) / n
    p_e = sum(
        (weight(i, j) * Fraction(first_counts[i] * second_counts[j], n * n) for i in categories for j in categories),
        Fraction(0),
    )
    if p_e == 1:
        return None
    return float((p_o - p_e) / (1 - p_e))


def icc_2_1(pairs: Sequence[ScorePair]) -> float | None:
    """ICC(2,1) of Shrout & Fleiss (1979) for two raters (k = 2).

    ``(MSR - MSE) / (MSR + (k - 1)MSE + k(MSC - MSE)/n)``. ``None`` with fewer
    than 2 pairs or a zero denominator.
    """
    n = len(pairs)
    k = 2
    if n < 2:
        return None
    grand = Fraction(sum(a + b for a, b in pairs), n * k)
    row_means = [Fraction(a + b, k) for a, b in pairs]
    col_means = [
        Fraction(sum(a for a, _ in pairs), n),
        Fraction(sum(b for _, b in pairs), n),
    ]
    ss_total = sum(((Fraction(x) - grand) ** 2 for pair in pairs for x in pair), Fraction(0))
    ss_rows = k * sum(((m - grand) ** 2 for m in row_means), Fraction(0))
    ss_cols = n * sum(((m - grand) ** 2 for m in col_means), Fraction(0))
    ss_error = ss_total - ss_rows - ss_cols
    ms_rows = ss_rows / (n - 1)
    ms_cols = ss_cols / (k - 1)
    ms_error = ss_error / ((n - 1) * (k - 1))
    denominator = ms_rows + (k - 1) * ms_error + k * (ms_cols - ms_error) / n
    if denominator == 0:
        return None
    return float((ms_rows - ms_error) / denominator)


def agreement_stats(pairs: Sequence[ScorePair], scale_min: int, scale_max: int) -> AgreementStats:
    """All four statistics for one set of pairs (validated against the scale)."""
    _validate(pairs, scale_min, scale_max)
    return AgreementStats(
        n_pairs=len(pairs),
        exact_pct=percent_exact(pairs),
        within_one_pct=percent_within_one(pairs),
        weighted_kappa=weighted_kappa(pairs, scale_min, scale_max),
        icc=icc_2_1(pairs),
    )


def reliability_by_dimension(
    pairs_by_dimension: Mapping[str, Sequence[ScorePair]],
    scale_min: int,
    scale_max: int,
) -> ReliabilityReport:
    """Statistics per dimension code, and overall over all pairs pooled.

    Pairs are raw scores (a reverse dimension need not be flipped: every
    statistic here is unchanged when both scores are mirrored). Raises
    :class:`ValueError` (Spanish message) for a score that is not an integer
    within the scale.
    """
    dimensions: dict[str, AgreementStats] = {}
    pooled: list[ScorePair] = []
    for code, pairs in pairs_by_dimension.items():
        try:
            dimensions[code] = agreement_stats(pairs, scale_min, scale_max)
        except ValueError as exc:
            raise ValueError(f"Dimensión {code}: {exc}") from exc
        pooled.extend(pairs)
    return ReliabilityReport(
        dimensions=dimensions,
        overall=agreement_stats(pooled, scale_min, scale_max),
    )


def flag_observer(
    within_one_pct: float | None,
    threshold: float = DEFAULT_WITHIN_ONE_THRESHOLD,
) -> bool:
    """``True`` when the observer's within-one agreement is below ``threshold``.

    The default 80 % is CLASS's certification bar. ``None`` (no double-coded
    pairs) is not flagged: there is no evidence either way.
    """
    if within_one_pct is None:
        return False
    return within_one_pct < threshold
