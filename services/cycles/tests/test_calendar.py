from __future__ import annotations

import datetime as dt
import uuid

import pytest

from cycles_service.domain.calendar import (
    EVENT_KIND_LABELS,
    MONTH_NAMES,
    CalendarEvent,
    PlanFlag,
    SchoolCoaching,
    UnknownEventKindError,
    event_date,
    year_plan,
)
from mejora_vocabulary import MONTHS

AROMOS = "3f0d3c1a-0000-4000-8000-00000000000a"
VALLE = "3f0d3c1a-0000-4000-8000-00000000000b"
ROSAS = "3f0d3c1a-0000-4000-8000-00000000000c"
SCHOOLS = {AROMOS: "Escuela Los Aromos", VALLE: "Colegio Valle Hermoso", ROSAS: "Las Rosas"}


def event(kind: str, day: dt.date, school: str | uuid.UUID | None = None) -> CalendarEvent:
    return CalendarEvent(kind=kind, starts_on=day, school_id=school)  # type: ignore[arg-type]


EVENTS = [
    event("learning_session", dt.date(2025, 4, 10)),
    event("learning_session", dt.date(2025, 7, 3)),
    event("learning_session", dt.date(2025, 12, 4)),
    event("coaching_visit", dt.date(2025, 5, 20), AROMOS),
    event("coaching_visit", dt.date(2025, 5, 6), AROMOS),
    event("coaching_visit", dt.date(2025, 6, 17), uuid.UUID(AROMOS)),
    event("coaching_visit", dt.date(2025, 8, 12), AROMOS.upper()),
    event("coaching_visit", dt.date(2025, 5, 8), VALLE),
    event("coaching_visit", dt.date(2025, 8, 14), VALLE),
    event("coaching_visit", dt.date(2025, 9, 1)),  # no school
    event("school_visit", dt.date(2025, 11, 5), AROMOS),
    event("expert_meeting", dt.date(2025, 3, 27)),
    event("learning_session", dt.date(2024, 12, 5)),  # other year: ignored
    # 02:00 UTC on 1 March is 23:00 on 28 February in Santiago (UTC-3 in summer).
    event("expert_meeting", dt.datetime(2025, 3, 1, 2, 0, tzinfo=dt.UTC)),
]


def test_labels_and_months() -> None:
    assert EVENT_KIND_LABELS == {
        "learning_session": "Sesión de aprendizaje",
        "coaching_visit": "Acompañamiento situado",
        "school_visit": "Visita entre escuelas",
        "expert_meeting": "Reunión de expertos",
    }
    assert MONTH_NAMES[0] == "enero"
    assert MONTH_NAMES[8] == "septiembre"
    assert MONTH_NAMES[11] == "diciembre"


def test_event_date_converts_aware_datetimes_to_santiago() -> None:
    assert event_date(dt.datetime(2025, 3, 1, 2, 0, tzinfo=dt.UTC)) == dt.date(2025, 2, 28)
    # Winter (UTC-4): 03:59 UTC on 1 July is still 30 June in Santiago.
    assert event_date(dt.datetime(2025, 7, 1, 3, 59, tzinfo=dt.UTC)) == dt.date(2025, 6, 30)
    assert event_date(dt.datetime(2025, 7, 1, 3, 59)) == dt.date(2025, 7, 1)
    assert event_date(dt.date(2025, 7, 1)) == dt.date(2025, 7, 1)


def test_year_plan_months_and_counts() -> None:
    plan = year_plan(EVENTS, 2025, schools=SCHOOLS)
    assert plan.year == 2025
    assert [m.name for m in plan.months] == list(MONTH_NAMES)
    assert [m.month for m in plan.months] == list(range(1, 13))
    assert plan.counts == {
        "learning_session": 3,
        "coaching_visit": 7,
        "school_visit": 1,
        "expert_meeting": 2,
    }
    per_month = {m.name: sum(m.counts.values()) for m in plan.months}
    assert per_month == {
        "enero": 0,
        "febrero": 1,
        "marzo": 1,
        "abril": 1,
        "mayo": 3,
        "junio": 1,
        "julio": 1,
        "agosto": 2,
        "septiembre": 1,
        "octubre": 0,
        "noviembre": 1,
        "diciembre": 1,
    }
    may = plan.months[4]
    assert may.counts == {
        "learning_session": 0,
        "coaching_visit": 3,
        "school_visit": 0,
        "expert_meeting": 0,
    }
    # sorted by date within the month
    assert [e.starts_on for e in may.events] == [
        dt.date(2025, 5, 6),
        dt.date(2025, 5, 8),
        dt.date(2025, 5, 20),
    ]


def test_year_plan_coaching_per_school_and_flags() -> None:
    plan = year_plan(EVENTS, 2025, schools=SCHOOLS)
    assert plan.coaching_visits_by_school == {AROMOS: 4, VALLE: 2, ROSAS: 0}
    assert plan.schools == (
        SchoolCoaching(ROSAS, "Las Rosas", 0, 4, 4),
        SchoolCoaching(VALLE, "Colegio Valle Hermoso", 2, 4, 2),
        SchoolCoaching(AROMOS, "Escuela Los Aromos", 4, 4, 0),
    )
    assert plan.flags == (
        PlanFlag(
            "coaching_visits_below",
            "El establecimiento Las Rosas tiene 0 acompañamientos planificados en 2025; se esperan alrededor de 4",
            ROSAS,
        ),
        PlanFlag(
            "coaching_visits_below",
            "El establecimiento Colegio Valle Hermoso tiene 2 acompañamientos "
            "planificados en 2025; se esperan alrededor de 4",
            VALLE,
        ),
        PlanFlag(
            "coaching_visit_without_school",
            "Hay 1 acompañamiento sin establecimiento en 2025",
        ),
    )


def test_learning_sessions_below_and_above() -> None:
    one = year_plan([event("learning_session", dt.date(2026, 4, 1))], 2026)
    assert one.flags == (
        PlanFlag(
            "learning_sessions_below",
            "Hay 1 sesión de aprendizaje planificada en 2026; se esperan 3",
        ),
    )
    none = year_plan([], 2026)
    assert none.flags[0].message == ("Hay 0 sesiones de aprendizaje planificadas en 2026; se esperan 3")
    four = year_plan([event("learning_session", dt.date(2026, m, 1)) for m in (4, 6, 9, 12)], 2026)
    assert four.flags == (
        PlanFlag(
            "learning_sessions_above",
            "Hay 4 sesiones de aprendizaje planificadas en 2026; el modelo contempla 3",
        ),
    )


def test_school_without_name_is_shown_by_id() -> None:
    plan = year_plan(
        [event("learning_session", dt.date(2025, m, 1)) for m in (4, 7, 12)]
        + [event("coaching_visit", dt.date(2025, 5, 1), "escuela-17")],
        2025,
    )
    assert plan.coaching_visits_by_school == {"escuela-17": 1}
    assert plan.flags == (
        PlanFlag(
            "coaching_visits_below",
            "El establecimiento escuela-17 tiene 1 acompañamiento planificado en 2025; se esperan alrededor de 4",
            "escuela-17",
        ),
    )


def test_unknown_kind() -> None:
    with pytest.raises(UnknownEventKindError, match="Tipo de evento desconocido: «fiesta»"):
        year_plan([event("fiesta", dt.date(2025, 1, 1))], 2025)


def test_three_coaching_visits_are_still_below_expectation() -> None:
    sessions = [event("learning_session", dt.date(2025, m, 1)) for m in (4, 7, 12)]
    visits = [event("coaching_visit", dt.date(2025, m, 2), AROMOS) for m in (5, 6, 8)]
    plan = year_plan(sessions + visits, 2025, schools={AROMOS: "Escuela Los Aromos"})
    assert plan.schools == (SchoolCoaching(AROMOS, "Escuela Los Aromos", 3, 4, 1),)
    assert [flag.code for flag in plan.flags] == ["coaching_visits_below"]
    plan = year_plan([*sessions, *visits, event("coaching_visit", dt.date(2025, 10, 1), AROMOS)], 2025)
    assert plan.flags == ()


def test_month_names_come_from_the_shared_vocabulary_unchanged() -> None:
    assert MONTH_NAMES == (
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    )
    assert tuple(month.name for month in MONTHS) == MONTH_NAMES
    # The short names reports print (reports_service.render.fmt).
    assert tuple(month.short for month in MONTHS) == (
        "ene",
        "feb",
        "mar",
        "abr",
        "may",
        "jun",
        "jul",
        "ago",
        "sept",
        "oct",
        "nov",
        "dic",
    )
