"""Bounds of the numbers this service stores (422 beyond), so no stored value can break a chart or a sum later.

A measure in a school network counts students, sessions or percentages: a billion is far past any real value and
far from where floats lose integer precision (2**53), where a run chart's axis arithmetic breaks.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field

MAX_AMOUNT = 1_000_000_000
"""Largest magnitude of a stored measure value, numerator, denominator, baseline or target."""
FIRST_YEAR, LAST_YEAR = 2000, 2100
"""Years an event may fall in (a year 1 would overflow when moved between time zones)."""
MAX_ORDER = 100_000
"""Largest position of a node among its siblings."""

VERSION_DESCRIPTION = 'Versión del registro: el ETag es este número entre comillas (p. ej. "2"); envíalo en If-Match'

Amount = Annotated[float, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT, allow_inf_nan=False)]
NonNegativeAmount = Annotated[float, Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)]
Order = Annotated[int, Field(ge=-MAX_ORDER, le=MAX_ORDER)]


def _in_range(moment: datetime) -> datetime:
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValueError(f"La fecha debe estar entre los años {FIRST_YEAR} y {LAST_YEAR}.")
    return moment


Moment = Annotated[datetime, AfterValidator(_in_range)]
"""An event's date and time, within :data:`FIRST_YEAR`–:data:`LAST_YEAR`."""
