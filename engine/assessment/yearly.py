"""The yearly report (SPEC A2 asks for one; standard 第五节1 每年开展考评通报): every table
of the assessment for one year — A1 per unit with its score and weights, A2, the A3 list —
and the year month by month (cases received, on-time sign-for and feedback, lights),
each month counted in SQL with the same predicates as A1 (engine.assessment.scope)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, select
from sqlalchemy.orm import Session

import engine.assessment.scope as s  # the module, not the package (no import circle)

from ..errors import FieldError, InvalidInput
from ..models import User
from ..time.calendar import WorkingCalendar
from ..time.clock import SHANGHAI, YEARS, to_utc
from .accountability import Accountable
from .event_figures import Ratio, received_cases
from .overview import Assessment, accountable, assess
from .periods import parse_period
from .scope import Scope
from .tally import refresh, step_totals, total
from .working_days import day_no

HOW = "年份写作四位数字，如 2026"


@dataclass
class MonthFigures:
    """One month of the year, over the units the reader sees (a case transferred to two
    units counts for each, as in the per-unit table)."""

    month: date  # its first day
    received: int = 0  # cases transferred to a unit: first 签收 opened in the month
    sign_for: Ratio = field(default_factory=Ratio)  # E5, steps opened in the month
    feedback: Ratio = field(default_factory=Ratio)  # E6
    yellow: int = 0  # watched steps opened in the month that turned yellow, never red
    red: int = 0  # … that turned red (E12)


@dataclass(frozen=True)
class YearlyReport:
    year: int
    assessment: Assessment  # A1 (figures, score, weights) and A2, per unit
    accountable: list[Accountable]  # A3 with its evidence
    months: list[MonthFigures]
    generated_at: datetime


def report_year(text: str | None, now: datetime) -> int:
    """The year a report is asked for: four digits, not after the current Xiamen year
    (nothing has happened later). None or blank: the current year."""
    this_year = to_utc(now).astimezone(SHANGHAI).year
    if text is None or not text.strip():
        return this_year
    written = text.strip()
    if not (len(written) == 4 and written.isascii() and written.isdigit()):
        raise InvalidInput(f"年份 {written[:40]!r} 格式不对：{HOW}", [FieldError("year", HOW)])
    year = int(written)
    if year not in YEARS or year > this_year:
        span = f"年份应在 {YEARS[0]} 至 {this_year} 之间"
        raise InvalidInput(f"年份 {year} 超出范围：{span}", [FieldError("year", span)])
    return year


def yearly_report(
    session: Session,
    calendar: WorkingCalendar,
    user: User,
    *,
    year: int,
    unit: str | None = None,
    now: datetime,
) -> YearlyReport:
    """Every table of the year, as `user` may read it (engine.assessment.access)."""
    found = assess(session, calendar, user, period=str(year), unit=unit, now=now)
    scope, listed = accountable(session, calendar, user, period=str(year), unit=unit, now=now)
    return YearlyReport(year, found, listed, month_figures(session, scope), now)


def _month_of(instant: Any, starts: list[datetime]) -> ColumnElement[int]:
    """The month (1–12) an instant of the year falls in, by the months' Xiamen midnights
    bound as UTC instants: one expression both databases read alike."""
    return _numbered([instant < start for start in starts[1:]])


def _numbered(befores: list[ColumnElement[bool]]) -> ColumnElement[int]:
    """1 + the index of the first condition that holds (each month's end), else the last;
    a one-month period has no condition (a CASE without a WHEN is no SQL)."""
    if not befores:
        return literal(1)
    return case(*((before, n) for n, before in enumerate(befores, start=1)), else_=len(befores) + 1)


def month_figures(session: Session, scope: Scope) -> list[MonthFigures]:
    """The period month by month: two GROUP BY queries over the period's tasks."""
    first, end = scope.period.first_day, scope.period.end_day
    firsts = []
    day = first
    while day < end:
        firsts.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    starts = [parse_period(f"{d.year}-{d.month:02d}").start for d in firsts]
    months = [MonthFigures(d) for d in firsts]
    refresh(session.get_bind(), scope.now)  # type: ignore[arg-type]

    received = received_cases(scope)
    reached = _month_of(received.c.received_at, starts).label("month")
    rows = session.execute(select(reached, func.count()).group_by(reached))
    for number, count in rows:
        months[number - 1].received = count

    steps = step_totals(session, scope)
    month = _numbered([steps.c.day_no < day_no(d) for d in firsts[1:]]).label("month")
    keys = [month, steps.c.element_id, steps.c.timing, steps.c.light]
    counted: Sequence[Any] = session.execute(
        select(*keys, total(steps.c.tasks)).group_by(*keys)
    ).all()
    for number, element, timed, lit, count in counted:
        figures = months[number - 1]
        if element == s.SIGN_FOR or element in s.FEEDBACK:
            ratio = figures.sign_for if element == s.SIGN_FOR else figures.feedback
            ratio.on_time += count if timed == 1 else 0
            ratio.late += count if timed == 2 else 0
        figures.yellow += count if lit == 2 else 0
        figures.red += count if lit == 3 else 0
    return months
