"""Quantiles of the symmetric binomial distribution, for the Anhøj crossings rule.

Pure functions, standard library only.

The lower limit for the number of crossings of a run chart is the 5th percentile of
Binomial(n_useful - 1, 1/2) (Chen 2010, as used by Anhøj & Olesen 2014, "Run charts
revisited", PLoS ONE 9(11): e113825, and by the R package qicharts2, which calls
``qbinom(0.05, n_useful - 1, 0.5)``).

R's ``qbinom(p, size, prob)`` returns the smallest ``x`` with ``P(X <= x) >= p``; it
multiplies ``p`` by ``1 - 64 * DBL_EPSILON`` before searching so that a cumulative
probability equal to ``p`` up to rounding still counts ("fuzz").  Here the comparison is
made exactly, on integers: ``P(X <= x) = S(x) / 2**size`` with
``S(x) = sum(comb(size, i) for i <= x)``, so no fuzz is needed.  For p = 0.05 = 1/20 no
cumulative probability ``S(x) / 2**size`` ever equals p (20 has the factor 5), so the fuzz
has nothing to act on; this function agrees with R 4.2.2's ``qbinom(0.05, size, 0.5)`` for
every size 0..5,000 and for the sizes up to 10**6 that were checked.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

__all__ = ["EXACT_SIZE_LIMIT", "binom_half_quantile"]

#: Up to this size the cumulative sum is done on exact integers (about 1 ms at 4,096).
#: Above it a floating-point sum over a window of +-14 standard deviations around the mode
#: is used, falling back to the exact sum when the result is within 1e-9 of ``p``.
EXACT_SIZE_LIMIT = 4096

_AMBIGUITY = 1e-9
_WINDOW_SD = 14.0


def _as_fraction(p: float | Fraction) -> Fraction:
    if isinstance(p, Fraction):
        return p
    if not math.isfinite(p):
        raise ValueError("p must be a finite number")
    # Read a float as the decimal it prints as: 0.05 means exactly 1/20.
    return Fraction(repr(float(p)))


def binom_half_quantile(p: float | Fraction, size: int) -> int:
    """Return the ``p`` quantile of Binomial(``size``, 1/2), as R's ``qbinom(p, size, 0.5)``.

    That is the smallest integer ``x`` in ``0..size`` with ``P(X <= x) >= p``.

    ``p <= 0`` gives 0 and ``p >= 1`` gives ``size``, as in R.  A float ``p`` is read as the
    decimal it prints as (``0.05`` is exactly 1/20).

    Source: R documentation of ``qbinom`` (stats package, "The Binomial Distribution");
    Anhøj & Olesen (2014) "Run charts revisited", PLoS ONE 9(11): e113825 (crossings rule).
    """
    if isinstance(size, bool) or not isinstance(size, int):
        raise TypeError("size must be an int")
    if size < 0:
        raise ValueError("size must be >= 0")
    q = _as_fraction(p)
    if q <= 0:
        return 0
    if q >= 1:
        return size
    return _quantile(q.numerator, q.denominator, size)


@lru_cache(maxsize=1024)
def _quantile(num: int, den: int, size: int) -> int:
    if size <= EXACT_SIZE_LIMIT:
        return _quantile_exact(num, den, size)
    approx = _quantile_window(num / den, size)
    if approx is None:
        return _quantile_exact(num, den, size)
    return approx


def _quantile_exact(num: int, den: int, size: int) -> int:
    """Smallest x with S(x) * den >= num * 2**size, walking the binomial coefficients."""
    target = num << size
    term = 1  # comb(size, 0)
    cumulative = 1
    x = 0
    while cumulative * den < target:
        term = term * (size - x) // (x + 1)  # comb(size, x + 1), exact
        x += 1
        cumulative += term
    return x


def _quantile_window(p: float, size: int) -> int | None:
    """Floating-point search for large sizes; None when too close to call.

    Terms are scaled relative to the mode (term at the mode = 1) and the cumulative sum is
    divided by the sum over the whole window, so no large factorials are formed.  Terms
    further than 14 standard deviations from the mode are below 1e-40 of the mode's and
    are left out.
    """
    mode = size // 2
    half_width = math.ceil(_WINDOW_SD * math.sqrt(size) / 2.0) + 1
    low = max(0, mode - half_width)
    high = min(size, mode + half_width)

    # Terms from the mode down to `low`, then up to `high`, by the ratio of neighbours.
    below: list[float] = []
    term = 1.0
    for i in range(mode, low, -1):
        term = term * i / (size - i + 1)  # comb(size, i - 1) / comb(size, mode)
        below.append(term)
    below.reverse()  # now terms for low .. mode - 1
    terms = below
    terms.append(1.0)
    term = 1.0
    for i in range(mode, high):
        term = term * (size - i) / (i + 1)  # comb(size, i + 1) / comb(size, mode)
        terms.append(term)

    total = math.fsum(terms)
    cumulative = 0.0
    previous_cdf = 0.0
    for offset, t in enumerate(terms):
        cumulative += t
        cdf = cumulative / total
        if cdf >= p:
            if offset == 0 and low > 0:
                return None  # the quantile may lie below the window
            if abs(cdf - p) < _AMBIGUITY or abs(previous_cdf - p) < _AMBIGUITY:
                return None
            return low + offset
        previous_cdf = cdf
    return None  # pragma: no cover - the window always reaches a cdf of ~1
