"""Durations in working days, computed in SQL (SPEC §2's calendar, A1's closure time).

The calendar is data in Python (chinesecalendar, loaded years, provisional years); the
queries read it as the table `working_day`: for each Xiamen day (numbered from 1970-01-01),
whether it is a working day and how many working days come before it in the table. An
instant's position on the working-day line is then

    worked_before(day) + working(day) × (the fraction of the day elapsed)

and a duration is the difference of two positions: the working time between them, whole
working days counting one each and holidays and weekends nothing — the measure in which
`add_working_days(t, n)` is exactly n after t. The table is a copy: before a query uses a
stretch of days, `ensure_days` checks it against the calendar and rebuilds it if a day
differs or is missing (a year loaded since, a first use), so it is never stale.

Xiamen keeps UTC+8 all year (no summer time since 1991), so a local day is UTC shifted by
eight hours.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, Float, Integer, cast, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from ..models import WorkingDay, table_of
from ..time.calendar import WorkingCalendar

LOCAL_OFFSET_SECONDS = 8 * 3600  # Asia/Shanghai, UTC+8 without summer time
DAY_SECONDS = 86400
EPOCH = date(1970, 1, 1)


def day_no(day: date) -> int:
    return (day - EPOCH).days


def ensure_days(engine: Engine, calendar: WorkingCalendar, first: date, last: date) -> None:
    """Make `working_day` agree with the calendar on first..last (both included): rebuilt,
    over its old stretch and this one, when any of these days is missing or differs."""
    wanted = {
        day_no(first + timedelta(days=n)): int(calendar.is_working_day(first + timedelta(days=n)))
        for n in range((last - first).days + 1)
    }
    for _attempt in range(3):
        with engine.begin() as connection:
            table = table_of(WorkingDay)
            stored = dict(
                connection.execute(
                    select(table.c.day_no, table.c.working).where(
                        table.c.day_no.between(min(wanted), max(wanted))
                    )
                ).all()
            )
            if stored == wanted:
                return
            low, high = connection.execute(
                select(func.min(table.c.day_no), func.max(table.c.day_no))
            ).one()
            start = EPOCH + timedelta(
                days=min(low if low is not None else min(wanted), min(wanted))
            )
            end = EPOCH + timedelta(
                days=max(high if high is not None else max(wanted), max(wanted))
            )
            rows, before, day = [], 0, start
            while day <= end:
                working = int(calendar.is_working_day(day))
                rows.append({"day_no": day_no(day), "working": working, "worked_before": before})
                before += working
                day += timedelta(days=1)
            try:
                connection.execute(delete(table))
                connection.execute(insert(table), rows)
            except IntegrityError:  # another process rebuilt it meanwhile: check again
                continue
            return


def days_alias(name: str) -> Any:
    return aliased(WorkingDay, name=name)


def local_seconds(instant: Any, dialect: str) -> Any:
    """Seconds since 1970-01-01 00:00 Xiamen time of a stored UTC instant (SQL)."""
    if dialect == "postgresql":
        return func.extract("epoch", instant) + LOCAL_OFFSET_SECONDS
    # SQLite keeps instants as ISO text in UTC: julianday() reads it with its fraction
    return (func.julianday(instant) - 2440587.5) * float(DAY_SECONDS) + LOCAL_OFFSET_SECONDS


def day_number(instant: Any, dialect: str) -> Any:
    """The Xiamen day an instant falls on, as days since 1970-01-01 (SQL integer)."""
    seconds = local_seconds(instant, dialect)
    if dialect == "postgresql":
        return cast(func.floor(seconds / DAY_SECONDS), Integer)
    return cast(seconds / DAY_SECONDS, Integer)  # truncation: the instants are after 1970


def position(instant: Any, day: Any, dialect: str) -> Any:
    """The instant on the working-day line, given `day`, the WorkingDay row of its day."""
    seconds = local_seconds(instant, dialect)
    elapsed = (seconds - cast(day_number(instant, dialect), Float) * DAY_SECONDS) / DAY_SECONDS
    return day.worked_before + day.working * elapsed
