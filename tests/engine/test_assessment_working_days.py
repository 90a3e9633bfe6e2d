"""The working-day table the assessment's SQL joins (engine/assessment/working_days.py): a
copy of the calendar, rebuilt when the calendar says otherwise (a year loaded since)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from engine.assessment.working_days import day_no, ensure_days
from engine.models import WorkingDay
from engine.time.calendar import YearSchedule
from tests.conftest import CALENDAR


def table(jtflow):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as db:
        return {
            row.day_no: (row.working, row.worked_before) for row in db.scalars(select(WorkingDay))
        }


def test_the_table_follows_the_calendar_across_national_day(jtflow):  # type: ignore[no-untyped-def]
    engine = jtflow.sessions.kw["bind"]
    ensure_days(engine, CALENDAR, date(2026, 9, 28), date(2026, 10, 12))
    rows = table(jtflow)
    working = [d for d, (w, _) in sorted(rows.items()) if w]
    assert [date(1970, 1, 1) + timedelta(days=d) for d in working] == [
        date(2026, 9, 28),
        date(2026, 9, 29),
        date(2026, 9, 30),
        date(2026, 10, 8),
        date(2026, 10, 9),
        date(2026, 10, 10),  # a Saturday worked (调休)
        date(2026, 10, 12),
    ]
    first, oct_9 = rows[day_no(date(2026, 9, 28))], rows[day_no(date(2026, 10, 9))]
    assert oct_9[1] - first[1] == 4  # Mon, Tue, Wed, Thu 8 Oct before Fri 9 Oct


def test_a_calendar_that_changed_rebuilds_the_table(jtflow):  # type: ignore[no-untyped-def]
    engine = jtflow.sessions.kw["bind"]
    ensure_days(engine, CALENDAR, date(2026, 12, 28), date(2027, 1, 8))
    assert table(jtflow)[day_no(date(2027, 1, 4))][0] == 1  # unknown year: weekdays work
    loaded = CALENDAR.with_year(
        YearSchedule(2027, frozenset({date(2027, 1, 4)}), frozenset(), "测试通知")
    )
    ensure_days(engine, loaded, date(2027, 1, 1), date(2027, 1, 8))
    rows = table(jtflow)
    assert rows[day_no(date(2027, 1, 4))][0] == 0
    assert min(rows) == day_no(date(2026, 12, 28))  # the old stretch kept, recomputed
    assert rows[day_no(date(2027, 1, 8))][1] - rows[day_no(date(2027, 1, 5))][1] == 3
