"""The PRC working-day calendar of SPEC §2, with 调休, and provisional deadlines.

Official years come from the `chinesecalendar` package; a year loaded from a
JSON file wins over it. A deadline that touches a year nobody knows is computed
with Monday–Friday as working days and flagged provisional — never a silent guess.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import chinese_calendar
import jsonschema

from ..errors import CalendarError, FieldError
from .clock import SHANGHAI, to_utc

YEAR_FILE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["year", "source", "holidays", "workdays"],
    "additionalProperties": False,
    "properties": {
        "year": {"type": "integer", "minimum": 2000, "maximum": 2200},
        "source": {"type": "string", "minLength": 1},
        "holidays": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        "workdays": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
    },
}


@dataclass(frozen=True)
class YearSchedule:
    """One year's exceptions: weekdays that are off and weekend days that are worked (调休)."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str


@dataclass(frozen=True)
class Deadline:
    at: datetime  # aware UTC
    provisional: bool


def parse_year(obj: Any, source: str) -> YearSchedule:
    """Check a year's schedule (see YEAR_FILE_SCHEMA) and say exactly what is wrong with it."""
    try:
        jsonschema.validate(obj, YEAR_FILE_SCHEMA)
    except jsonschema.ValidationError as e:
        where = ".".join(str(p) for p in e.absolute_path) or "（根）"
        raise CalendarError(
            f"日历文件 {source} 格式不对：{where} {e.message}。"
            '格式：{"year": 2027, "source": "…通知", "holidays": ["2027-01-01"], '
            '"workdays": ["2027-02-07"]}',
            [FieldError(where, e.message)],
        ) from None
    year = obj["year"]
    holidays = _dates(obj["holidays"], "holidays", "节假日", year, source)
    workdays = _dates(obj["workdays"], "workdays", "调休上班日", year, source)
    errors = [
        FieldError("holidays", f"{d} 同时列为节假日和调休上班日") for d in holidays & workdays
    ]
    errors += [
        FieldError("holidays", f"{d} 是周末，本就不上班：节假日只列工作日（周一至周五）")
        for d in sorted(holidays)
        if d.weekday() >= 5
    ]
    errors += [
        FieldError("workdays", f"{d} 是周一至周五，本就上班：调休上班日只列周末")
        for d in sorted(workdays)
        if d.weekday() < 5
    ]
    if errors:
        raise CalendarError(f"日历文件 {source} 有误：{errors[0].message}", errors)
    return YearSchedule(year, frozenset(holidays), frozenset(workdays), obj["source"])


def _dates(items: list[str], field: str, label: str, year: int, source: str) -> set[date]:
    found = set()
    for index, text in enumerate(items, start=1):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise CalendarError(
                f"日历文件 {source} 第 {index} 个{label} {text} 不是有效日期（格式应为 YYYY-MM-DD）",
                [FieldError(f"{field}.{index - 1}", "不是有效日期")],
            ) from None
        if day.year != year:
            raise CalendarError(
                f"日历文件 {source} 第 {index} 个{label} {text} 不在 {year} 年内",
                [FieldError(f"{field}.{index - 1}", f"不在 {year} 年内")],
            )
        found.add(day)
    return found


def load_year_file(path: Path) -> YearSchedule:
    try:
        obj = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise CalendarError(f"无法读取日历文件 {path}：{e.strerror}") from None
    except json.JSONDecodeError as e:
        raise CalendarError(
            f"日历文件 {Path(path).name} 不是有效的 JSON（第 {e.lineno} 行第 {e.colno} 列：{e.msg}）"
        ) from None
    return parse_year(obj, Path(path).name)


@lru_cache(maxsize=8192)
def _official(day: date) -> bool | None:
    """chinesecalendar's answer, or None for a year it does not know."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


class WorkingCalendar:
    """Answers "is this a working day?" and "N working days from t?" in Asia/Shanghai."""

    def __init__(self, years: Iterable[YearSchedule] = ()):
        self._years = {y.year: y for y in years}
        # a calendar never changes (with_year makes another): each day is decided once, as
        # deadlines for thousands of cases (a migration preview) ask about the same days
        self._working: dict[date, bool] = {}
        self._known: dict[int, bool] = {}

    def with_year(self, schedule: YearSchedule) -> WorkingCalendar:
        return WorkingCalendar([*self._years.values(), schedule])

    def without_year(self, year: int) -> WorkingCalendar:
        """The calendar as if `year` had never been loaded (the package may still know it)."""
        return WorkingCalendar([y for y in self._years.values() if y.year != year])

    def knows(self, year: int) -> bool:
        known = self._known.get(year)
        if known is None:
            known = self._known[year] = (
                year in self._years or _official(date(year, 6, 1)) is not None
            )
        return known

    def known_years(self) -> list[int]:
        official = [y for y in range(2004, 2100) if _official(date(y, 6, 1)) is not None]
        return sorted(set(official) | set(self._years))

    def is_working_day(self, day: date) -> bool:
        working = self._working.get(day)
        if working is None:
            working = self._working[day] = self._decided(day)
        return working

    def _decided(self, day: date) -> bool:
        schedule = self._years.get(day.year)
        if schedule is not None:
            if day in schedule.holidays:
                return False
            return day in schedule.workdays or day.weekday() < 5
        official = _official(day)
        return day.weekday() < 5 if official is None else official

    def add_working_days(self, start: datetime, days: int) -> Deadline:
        """SPEC §2: the same clock time on the N-th working day after start's date; from a
        non-working day, count from 00:00 of the next working day."""
        if days < 1:
            raise ValueError(f"working days must be at least 1, got {days}")
        local = to_utc(start).astimezone(SHANGHAI)
        day, clock_time = local.date(), local.time()
        unknown = not self.knows(day.year)
        if not self.is_working_day(day):
            clock_time = time(0)
            day = self._next_working_day(day)
            unknown |= not self.knows(day.year)
        for _ in range(days):
            day = self._next_working_day(day)
            unknown |= not self.knows(day.year)
        due = datetime.combine(day, clock_time, tzinfo=SHANGHAI)
        return Deadline(to_utc(due), unknown)

    def subtract_working_days(self, end: datetime, days: int) -> Deadline:
        """The mirror of add_working_days, to leave a share of a deadline to a later step:
        the same clock time on the N-th working day before end's date; from a non-working
        day, count back from 24:00 of the working day before it. Exactly N whole working
        days of working time (working_time) lie between the answer and `end`."""
        if days < 1:
            raise ValueError(f"working days must be at least 1, got {days}")
        local = to_utc(end).astimezone(SHANGHAI)
        day, clock_time, after = local.date(), local.time(), timedelta()
        unknown = not self.knows(day.year)
        if not self.is_working_day(day):
            day = self._previous_working_day(day)
            unknown |= not self.knows(day.year)
            clock_time, after = time(0), timedelta(days=1)  # 24:00 of that day
        for _ in range(days):
            day = self._previous_working_day(day)
            unknown |= not self.knows(day.year)
        start = datetime.combine(day + after, clock_time, tzinfo=SHANGHAI)
        return Deadline(to_utc(start), unknown)

    def warn_instant(self, start: datetime, due: datetime, fraction: float) -> Deadline:
        """E12: the instant `fraction` of the working time from start to due has passed.

        Working time is the time on working days (a working day counts whole, as in
        add_working_days), so a holiday inside the span does not turn the light yellow
        early. A span with no working time at all (30 minutes on a Sunday) is split by
        wall-clock time instead.
        """
        if not 0 < fraction <= 1:
            raise ValueError(f"warn fraction must be in (0, 1], got {fraction}")
        start, due = to_utc(start), to_utc(due)
        spans, unknown = self._working_spans(start, due)
        left = sum((end - begin for begin, end in spans), timedelta()) * fraction
        if not left:
            return Deadline(start + (due - start) * fraction, unknown)
        for begin, end in spans:
            if end - begin >= left:
                return Deadline(begin + left, unknown)
            left -= end - begin
        return Deadline(due, unknown)  # not reached: the spans add up to the whole

    def working_time(self, start: datetime, end: datetime) -> timedelta:
        """The time on working days between two instants (a working day counts whole, as
        for deadlines and lights); nothing when `end` is not after `start`."""
        spans, _unknown = self._working_spans(to_utc(start), to_utc(end))
        return sum((stop - begin for begin, stop in spans), timedelta())

    def _working_spans(
        self, start: datetime, due: datetime
    ) -> tuple[list[tuple[datetime, datetime]], bool]:
        """The parts of [start, due) on working days, and whether a year was unknown."""
        spans, unknown = [], False
        day = start.astimezone(SHANGHAI).date()
        while (day_start := to_utc(datetime.combine(day, time(0), tzinfo=SHANGHAI))) < due:
            unknown |= not self.knows(day.year)
            if self.is_working_day(day):
                day_end = day_start + timedelta(days=1)
                spans.append((max(start, day_start), min(due, day_end)))
            day += timedelta(days=1)
        return spans, unknown

    def _previous_working_day(self, day: date) -> date:
        day -= timedelta(days=1)
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def _next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day
