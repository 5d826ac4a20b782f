"""Spanish (es-CL) formatting of numbers and dates for reports.

Dates are shown in America/Santiago (docs/architecture.md, "Conventions"); numbers with a decimal comma.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from mejora_vocabulary import MONTHS as VOCABULARY_MONTHS

SANTIAGO = ZoneInfo("America/Santiago")

# Month names are written once, in the shared vocabulary (libs/vocabulary).
MONTHS = tuple(month.name for month in VOCABULARY_MONTHS)
MONTHS_SHORT = tuple(month.short for month in VOCABULARY_MONTHS)


def number(value: float | None, digits: int = 2, *, missing: str = "—") -> str:
    """``3.456`` → ``"3,46"``; thousands with a dot (``1.234,5``); ``None`` → ``missing``."""
    if value is None:
        return missing
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def signed(value: float | None, digits: int = 2, *, missing: str = "—") -> str:
    """Like :func:`number` with an explicit sign: ``+0,25`` / ``−0,10``."""
    if value is None:
        return missing
    text = number(abs(value), digits)
    if round(value, digits) == 0:
        return text
    return ("+" if value > 0 else "−") + text


def percent(value: float | None, digits: int = 0, *, missing: str = "—") -> str:
    """``0.253`` → ``"25 %"`` (es-CL writes a space before %)."""
    if value is None:
        return missing
    return f"{number(value * 100, digits)} %"


def to_local(value: datetime) -> datetime:
    """An aware datetime in America/Santiago (naive ones are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(SANTIAGO)


def parse_when(value: object) -> date | datetime | None:
    """A date or datetime from an ISO 8601 string (``None`` when it is not one)."""
    if isinstance(value, datetime | date):
        return value
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    try:
        if len(text) <= 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def local_date(value: object) -> date | None:
    """The calendar day in Santiago of a date, datetime or ISO string."""
    when = parse_when(value)
    if when is None:
        return None
    if isinstance(when, datetime):
        return to_local(when).date()
    return when


def long_date(value: object, *, missing: str = "—") -> str:
    """``"5 de marzo de 2024"`` (the day in Santiago)."""
    day = local_date(value)
    if day is None:
        return missing
    return f"{day.day} de {MONTHS[day.month - 1]} de {day.year}"


def short_date(value: object, *, missing: str = "—") -> str:
    """``"5 mar 2024"``."""
    day = local_date(value)
    if day is None:
        return missing
    return f"{day.day} {MONTHS_SHORT[day.month - 1]} {day.year}"


def month_label(value: object, *, missing: str = "—") -> str:
    """``"mar 2024"``."""
    day = local_date(value)
    if day is None:
        return missing
    return f"{MONTHS_SHORT[day.month - 1]} {day.year}"


def timestamp(value: datetime) -> str:
    """``"5 de marzo de 2024, 14:05"`` in Santiago."""
    local = to_local(value)
    return f"{long_date(local.date())}, {local:%H:%M}"
