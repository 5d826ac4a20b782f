"""Chart types and the constants of Shewhart control charts (Montgomery, Appendix VI)."""

from __future__ import annotations

import math
from typing import Literal, get_args

ChartType = Literal["i", "mr", "p", "u", "xbar", "s"]
CHART_TYPES: tuple[str, ...] = get_args(ChartType)

#: d2 for moving ranges of two points (Montgomery, Appendix VI): sigma = MR-bar / 1.128.
D2_MR = 1.128
#: D4 for moving ranges of two points (Montgomery, Appendix VI): UCL(MR) = 3.267 * MR-bar.
D4_MR = 3.267


# ---------------------------------------------------------------------------------------
# Control chart constants
# ---------------------------------------------------------------------------------------


def c4(n: int) -> float:
    """Bias correction of the sample standard deviation for subgroups of ``n`` (>= 2).

    ``c4(n) = sqrt(2 / (n - 1)) * Gamma(n / 2) / Gamma((n - 1) / 2)``.

    Source: Montgomery (2009) *Introduction to Statistical Quality Control*, 6th ed.,
    chapter 6 (control charts for x-bar and s) and Appendix VI; qicharts2 documentation,
    Appendix 1.
    """
    if n < 2:
        raise ValueError("c4 needs a subgroup size >= 2")
    return math.sqrt(2.0 / (n - 1)) * math.exp(math.lgamma(n / 2.0) - math.lgamma((n - 1) / 2.0))


def a3(n: int) -> float:
    """Xbar chart factor for limits from s-bar: ``A3 = 3 / (c4(n) * sqrt(n))``.

    Source: Montgomery (2009), chapter 6 and Appendix VI.
    """
    return 3.0 / (c4(n) * math.sqrt(n))


def _c5_over_c4(n: int) -> float:
    c = c4(n)
    return math.sqrt(1.0 - c * c) / c


def b3(n: int) -> float:
    """S chart lower-limit factor: ``B3 = max(0, 1 - 3 * sqrt(1 - c4^2) / c4)``.

    Source: Montgomery (2009), chapter 6 and Appendix VI.
    """
    return max(0.0, 1.0 - 3.0 * _c5_over_c4(n))


def b4(n: int) -> float:
    """S chart upper-limit factor: ``B4 = 1 + 3 * sqrt(1 - c4^2) / c4``.

    Source: Montgomery (2009), chapter 6 and Appendix VI.
    """
    return 1.0 + 3.0 * _c5_over_c4(n)
