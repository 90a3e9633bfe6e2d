"""Timer cycles (BPMN timeCycle) in the one shape jtflow runs: `R/<start>/<period>`.

SpiffWorkflow 3.2.0 freezes a cycle's period into seconds measured from its start, so
"P3M" from 1 January is 90 days and the next quarter comes a day early (30 June), then
drifts further; it also starts an unanchored cycle at "now + period" on the wall clock.
Here the n-th occurrence is the start plus n whole periods on the start's own calendar
(months added to the date, the day clamped to the month's end), so "R/2027-01-01T00:00:00
+08:00/P3M" falls on every quarter's first day at 00:00 Xiamen time, for ever.

Only what can run safely is accepted: an unbounded repeat, a start with an explicit UTC
offset, whole years, months, weeks or days, and a period of at least one day (each firing
opens a new branch of the case; a shorter period would pile up tasks).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

MIN_PERIOD = timedelta(days=1)
_PERIOD = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
EXAMPLE = "R/2027-01-01T00:00:00+08:00/P3M"


class CycleError(ValueError):
    """A timeCycle jtflow cannot run; the message says what to write instead."""


@dataclass(frozen=True)
class Cycle:
    start: datetime  # aware, in the offset the diagram wrote
    months: int
    days: int

    def occurrence(self, index: int) -> datetime:
        """The index-th instant of the cycle (0: its start)."""
        months = self.start.month - 1 + index * self.months
        year, month = self.start.year + months // 12, months % 12 + 1
        day = min(self.start.day, calendar.monthrange(year, month)[1])
        moved = self.start.replace(year=year, month=month, day=day)
        return moved + timedelta(days=index * self.days)

    def first_index_at_or_after(self, instant: datetime) -> int:
        """The first occurrence not before `instant`: occurrences before a case first waits
        on its cycle are not owed (the case did not exist), later ones all are."""
        if instant <= self.start:
            return 0
        approx = (self.months * 30.44 + self.days) * 86400
        index = max(0, int((instant - self.start).total_seconds() // approx) - 1)
        while self.occurrence(index) < instant:
            index += 1
        while index > 0 and self.occurrence(index - 1) >= instant:
            index -= 1
        return index


def parse_cycle(text: str) -> Cycle:
    """`R/<ISO instant with offset>/<P…Y…M…W…D>`, or a CycleError saying what is wrong."""
    parts = str(text).strip().split("/")
    if len(parts) != 3 or not parts[0].upper().startswith("R"):
        raise CycleError(
            f"循环计时器 {text!r} 无法识别：应写作 R/起点/周期，如 {EXAMPLE}（起点带时区）"
        )
    repeat, start_text, period_text = parts
    if repeat.upper() != "R":
        raise CycleError(
            f"循环计时器 {text!r} 限定了次数：只支持不限次数的循环（R/起点/周期），"
            "要停止请在流程中结束它"
        )
    try:
        start = datetime.fromisoformat(start_text)
    except ValueError:
        raise CycleError(
            f"循环计时器的起点 {start_text!r} 不是 ISO 8601 时刻：如 2027-01-01T00:00:00+08:00"
        ) from None
    if start.tzinfo is None:
        raise CycleError(
            f"循环计时器的起点 {start_text!r} 没有时区：请写明，如 +08:00（不带时区的时刻"
            "会被 SpiffWorkflow 按服务器本地时间理解）"
        )
    match = _PERIOD.match(period_text.upper())
    if match is None or not any(match.groups()):
        raise CycleError(
            f"循环计时器的周期 {period_text!r} 不受支持：只能用整年、月、周、天（如 P3M、"
            "P1Y、P1W、P1D），不能用小时、分钟或小数"
        )
    years, months, weeks, days = (int(g or 0) for g in match.groups())
    cycle = Cycle(start, years * 12 + months, weeks * 7 + days)
    if cycle.months == 0 and timedelta(days=cycle.days) < MIN_PERIOD:
        raise CycleError(f"循环计时器的周期 {period_text!r} 为零：周期至少为 1 天")
    return cycle
