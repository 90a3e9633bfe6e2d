"""Where each year of the working-day calendar comes from (SPEC §2), and the loaded years.

A year is known from, in rising precedence: the `chinesecalendar` package, a YEAR.json in
a calendar folder (bundled or JTFLOW_CALENDAR_DIR), and a year an administrator loaded
into the `calendar_year` table (append-only: the newest row of a year wins).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from ..models import CalendarYear, Timer
from .calendar import WorkingCalendar, YearSchedule, load_year_file
from .clock import SHANGHAI

PACKAGE = "package"
FILE = "file"
DATABASE = "database"
UNKNOWN = "unknown"


def record_year(
    session: Session, schedule: YearSchedule, *, loaded_by: str, now: datetime
) -> CalendarYear:
    """Append a loaded year; older rows of the year stay as the record of what was in force."""
    row = CalendarYear(
        year=schedule.year,
        holidays=sorted(d.isoformat() for d in schedule.holidays),
        workdays=sorted(d.isoformat() for d in schedule.workdays),
        source=schedule.source[:400],
        loaded_at=now,
        loaded_by=loaded_by,
    )
    session.add(row)
    session.flush()
    return row


def schedule_of(row: CalendarYear) -> YearSchedule:
    return YearSchedule(
        row.year,
        frozenset(date.fromisoformat(d) for d in row.holidays),
        frozenset(date.fromisoformat(d) for d in row.workdays),
        row.source,
    )


def loads_of(session: Session, year: int) -> list[CalendarYear]:
    """Every load of a year, newest first."""
    return list(
        session.scalars(
            select(CalendarYear).where(CalendarYear.year == year).order_by(CalendarYear.id.desc())
        )
    )


def stored_years(session: Session) -> list[CalendarYear]:
    """The row in force for each loaded year (the newest one)."""
    newest = select(func.max(CalendarYear.id)).group_by(CalendarYear.year)
    return list(
        session.scalars(
            select(CalendarYear).where(CalendarYear.id.in_(newest)).order_by(CalendarYear.year)
        )
    )


def with_stored_years(
    calendar: WorkingCalendar, sessions: sessionmaker[Session]
) -> WorkingCalendar:
    """The calendar plus the years loaded into the database.

    A database not yet initialised (or not reachable) adds nothing: the command that
    needs it reports that itself, and `jtflow init` must be able to start on an empty one.
    """
    try:
        with sessions() as session:
            rows = stored_years(session)
    except (OperationalError, ProgrammingError):
        return calendar
    for row in rows:
        calendar = calendar.with_year(schedule_of(row))
    return calendar


def open_provisional_from(session: Session, year: int) -> int:
    """How many waiting timers are provisional and due in `year` or later."""
    start = datetime(year, 1, 1, tzinfo=SHANGHAI)
    return (
        session.scalar(
            select(func.count())
            .select_from(Timer)
            .where(Timer.state == "waiting", Timer.provisional.is_(True), Timer.due_at >= start)
        )
        or 0
    )


def package_year(year: int) -> YearSchedule | None:
    """chinesecalendar's year in our terms: weekdays off and weekend days worked."""
    import chinese_calendar

    holidays, workdays = set(), set()
    day = date(year, 1, 1)
    try:
        while day.year == year:
            working = chinese_calendar.is_workday(day)
            if day.weekday() < 5 and not working:
                holidays.add(day)
            elif day.weekday() >= 5 and working:
                workdays.add(day)
            day += timedelta(days=1)
    except NotImplementedError:
        return None
    return YearSchedule(year, frozenset(holidays), frozenset(workdays), "chinesecalendar")


def holiday_name(day: date) -> str | None:
    """The festival a day belongs to (元旦, 春节 …), where chinesecalendar knows it."""
    import chinese_calendar

    try:
        _, holiday = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    if holiday is None:
        return None
    for member in chinese_calendar.Holiday:
        if member.value == holiday:
            return str(member.chinese)
    return str(holiday)


@dataclass(frozen=True)
class YearOrigin:
    """The schedule in force for a year and where it comes from."""

    year: int
    kind: str  # PACKAGE, FILE, DATABASE or UNKNOWN
    schedule: YearSchedule | None
    file: Path | None = None
    loaded: CalendarYear | None = None
    overrides: tuple[str, ...] = ()  # the lower-precedence origins this one replaces


def year_origin(session: Session, year: int, calendar_dirs: Iterable[Path]) -> YearOrigin:
    """Which schedule jtflow uses for `year`, in the same precedence as open_jtflow."""
    found: list[YearOrigin] = []
    package = package_year(year)
    if package is not None:
        found.append(YearOrigin(year, PACKAGE, package))
    for folder in calendar_dirs:
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
            schedule = load_year_file(path)
            if schedule.year == year:
                found.append(YearOrigin(year, FILE, schedule, file=path))
    loads = loads_of(session, year)
    if loads:
        found.append(YearOrigin(year, DATABASE, schedule_of(loads[0]), loaded=loads[0]))
    if not found:
        return YearOrigin(year, UNKNOWN, None)
    winner = found[-1]
    below = tuple(o.kind for o in found[:-1])
    return YearOrigin(year, winner.kind, winner.schedule, winner.file, winner.loaded, below)
