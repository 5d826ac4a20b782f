"""A network's year plan: events by month, counts by kind, and expectations.

The collaborative (Breakthrough Series) year has:

* 3 **learning sessions** (Sesión de aprendizaje) for the whole network;
* about 4 **coaching visits** (Acompañamiento situado) per school;
* **school-to-school visits** (Visita entre escuelas) and **expert meetings**
  (Reunión de expertos), with no fixed number.

:func:`year_plan` groups a year's events by month (Spanish month names),
counts them by kind, counts coaching visits per school and returns Spanish
flags where the plan departs from those expectations: fewer or more than 3
learning sessions, a school with fewer than 4 coaching visits, a coaching
visit with no school.

Events are any objects with ``kind``, ``starts_on`` (a ``date``, or a
``datetime``: aware datetimes are converted to ``America/Santiago`` before
taking the date) and ``school_id`` (UUID, text or ``None``) -- e.g.
:class:`CalendarEvent`, or ORM rows with those attributes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final, Literal, Protocol, get_args
from uuid import UUID
from zoneinfo import ZoneInfo

from mejora_vocabulary import MONTHS

__all__ = [
    "EVENT_KINDS",
    "EVENT_KIND_LABELS",
    "EXPECTED_COACHING_VISITS",
    "EXPECTED_LEARNING_SESSIONS",
    "MONTH_NAMES",
    "CalendarEvent",
    "EventKind",
    "EventLike",
    "FlagCode",
    "MonthPlan",
    "PlanFlag",
    "SchoolCoaching",
    "UnknownEventKindError",
    "YearPlan",
    "event_date",
    "year_plan",
]

EventKind = Literal["learning_session", "coaching_visit", "school_visit", "expert_meeting"]
EVENT_KINDS: Final[tuple[EventKind, ...]] = get_args(EventKind)

EVENT_KIND_LABELS: Final[Mapping[EventKind, str]] = {
    "learning_session": "Sesión de aprendizaje",
    "coaching_visit": "Acompañamiento situado",
    "school_visit": "Visita entre escuelas",
    "expert_meeting": "Reunión de expertos",
}

MONTH_NAMES: Final[tuple[str, ...]] = tuple(month.name for month in MONTHS)
"""Spanish month names, lowercase as written in Spanish (index 0 = January), from the shared vocabulary."""

EXPECTED_LEARNING_SESSIONS: Final = 3
EXPECTED_COACHING_VISITS: Final = 4

SANTIAGO: Final = ZoneInfo("America/Santiago")

FlagCode = Literal[
    "learning_sessions_below",
    "learning_sessions_above",
    "coaching_visits_below",
    "coaching_visit_without_school",
]


class EventLike(Protocol):
    """What :func:`year_plan` reads from an event."""

    @property
    def kind(self) -> str: ...

    @property
    def starts_on(self) -> dt.date: ...

    @property
    def school_id(self) -> UUID | str | None: ...


@dataclass(frozen=True)
class CalendarEvent:
    """A plain event (convenient for tests and callers without ORM rows)."""

    kind: EventKind
    starts_on: dt.date
    school_id: UUID | str | None = None
    id: UUID | str | None = None
    title: str = ""


class UnknownEventKindError(ValueError):
    """An event whose kind is not one of :data:`EVENT_KINDS`."""


@dataclass(frozen=True)
class MonthPlan:
    """One month of the plan."""

    month: int
    """1-12."""
    name: str
    """Spanish name, e.g. ``"marzo"``."""
    events: tuple[EventLike, ...]
    """Sorted by date."""
    counts: Mapping[EventKind, int]
    """Every kind, including zeros."""


@dataclass(frozen=True)
class SchoolCoaching:
    """Coaching visits planned for one school."""

    school_id: str
    name: str | None
    visits: int
    expected: int
    missing: int
    """``max(0, expected - visits)``."""


@dataclass(frozen=True)
class PlanFlag:
    """A departure from the expected year (Spanish ``message``)."""

    code: FlagCode
    message: str
    school_id: str | None = None


@dataclass(frozen=True)
class YearPlan:
    """:func:`year_plan`'s result."""

    year: int
    months: tuple[MonthPlan, ...]
    """Always 12, January to December."""
    counts: Mapping[EventKind, int]
    """Whole year, every kind including zeros."""
    coaching_visits_by_school: Mapping[str, int]
    """School id (as text) → coaching visits; known schools with 0 included."""
    schools: tuple[SchoolCoaching, ...]
    """Same as ``coaching_visits_by_school`` with names and expectations,
    fewest visits first."""
    flags: tuple[PlanFlag, ...]


def _id_key(value: UUID | str) -> str:
    if isinstance(value, UUID):
        return str(value)
    text = value.strip()
    try:
        return str(UUID(text))
    except ValueError:
        return text


def event_date(value: dt.date) -> dt.date:
    """Calendar date of an event start: aware datetimes in America/Santiago."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return value.astimezone(SANTIAGO).date()
        return value.date()
    return value


def _kind(event: EventLike) -> EventKind:
    for kind in EVENT_KINDS:
        if kind == event.kind:
            return kind
    valid = ", ".join(EVENT_KINDS)
    raise UnknownEventKindError(f"Tipo de evento desconocido: «{event.kind}» (use {valid})")


_SESSIONS: Final = (
    "sesión de aprendizaje planificada",
    "sesiones de aprendizaje planificadas",
)
_VISITS: Final = ("acompañamiento planificado", "acompañamientos planificados")


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def year_plan(
    events: Iterable[EventLike],
    year: int,
    *,
    schools: Mapping[str, str] | None = None,
) -> YearPlan:
    """Plan of ``year`` from ``events`` (events of other years are ignored).

    ``schools`` maps the network's school ids (as text) to display names; a
    school listed there with no coaching visit is counted (and flagged) with
    0. Raises :class:`UnknownEventKindError` for an event of an unknown kind.
    """
    names: dict[str, str] = {_id_key(k): v for k, v in (schools or {}).items()}
    by_month: dict[int, list[tuple[dt.date, int, EventLike]]] = {month: [] for month in range(1, 13)}
    counts: Counter[EventKind] = Counter()
    coaching: Counter[str] = Counter(dict.fromkeys(names, 0))
    without_school = 0

    for position, event in enumerate(events):
        kind = _kind(event)
        day = event_date(event.starts_on)
        if day.year != year:
            continue
        by_month[day.month].append((day, position, event))
        counts[kind] += 1
        if kind == "coaching_visit":
            if event.school_id is None or not str(event.school_id).strip():
                without_school += 1
            else:
                coaching[_id_key(event.school_id)] += 1

    months = tuple(
        MonthPlan(
            month=month,
            name=MONTH_NAMES[month - 1],
            events=tuple(event for _, _, event in sorted(by_month[month], key=_by_date)),
            counts={kind: sum(1 for _, _, event in by_month[month] if event.kind == kind) for kind in EVENT_KINDS},
        )
        for month in range(1, 13)
    )

    school_rows = tuple(
        sorted(
            (
                SchoolCoaching(
                    school_id=school_id,
                    name=names.get(school_id),
                    visits=visits,
                    expected=EXPECTED_COACHING_VISITS,
                    missing=max(0, EXPECTED_COACHING_VISITS - visits),
                )
                for school_id, visits in coaching.items()
            ),
            key=lambda row: (row.visits, row.name or "", row.school_id),
        )
    )

    flags: list[PlanFlag] = []
    sessions = counts["learning_session"]
    if sessions < EXPECTED_LEARNING_SESSIONS:
        flags.append(
            PlanFlag(
                "learning_sessions_below",
                f"Hay {_plural(sessions, *_SESSIONS)} en {year}; se esperan {EXPECTED_LEARNING_SESSIONS}",
            )
        )
    elif sessions > EXPECTED_LEARNING_SESSIONS:
        flags.append(
            PlanFlag(
                "learning_sessions_above",
                f"Hay {sessions} sesiones de aprendizaje planificadas en {year}; "
                f"el modelo contempla {EXPECTED_LEARNING_SESSIONS}",
            )
        )
    for row in school_rows:
        if row.visits < EXPECTED_COACHING_VISITS:
            shown = row.name or row.school_id
            flags.append(
                PlanFlag(
                    "coaching_visits_below",
                    f"El establecimiento {shown} tiene "
                    f"{_plural(row.visits, *_VISITS)} en {year}; "
                    f"se esperan alrededor de {EXPECTED_COACHING_VISITS}",
                    row.school_id,
                )
            )
    if without_school:
        flags.append(
            PlanFlag(
                "coaching_visit_without_school",
                f"Hay {_plural(without_school, 'acompañamiento', 'acompañamientos')} sin establecimiento en {year}",
            )
        )

    return YearPlan(
        year=year,
        months=months,
        counts={kind: counts[kind] for kind in EVENT_KINDS},
        coaching_visits_by_school=dict(coaching),
        schools=school_rows,
        flags=tuple(flags),
    )


def _by_date(item: tuple[dt.date, int, EventLike]) -> tuple[dt.date, int]:
    return item[0], item[1]
