"""The functions a diagram's scripts, conditions and timers may call — and nothing else.

Instants travel through workflow data as ISO 8601 strings in UTC. A deadline computed
while the calendar lacks a year it touches is provisional: `watching_provisional` tells
the evaluation that produced it, so the engine can flag the timer that got it (SPEC §2:
never a silent guess). The flag is per thread, as web requests step cases concurrently.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from ..time.calendar import WorkingCalendar
from ..time.clock import Clock, parse_instant
from .spiff import utc_iso

_RULE = re.compile(r"^\s*(\d+)\s*(m|h|wd)\s*$")
MAX_WORKING_DAYS = 5000  # about twenty years: no rule of the standard counts further
MAX_SPAN = timedelta(days=7305)  # twenty years of wall-clock hours, minutes or warning span


def _checked_days(days: Any) -> int:
    count = int(days)
    if not 1 <= count <= MAX_WORKING_DAYS:
        raise ValueError(
            f"工作日数 {count} 超出范围：应在 1 到 {MAX_WORKING_DAYS} 之间，请检查时限表达式"
        )
    return count


def _checked_span(seconds: float, what: str) -> timedelta:
    if not abs(seconds) <= MAX_SPAN.total_seconds():  # also refuses NaN
        raise ValueError(f"{what}超过二十年，超出范围：请检查时限表达式")
    return timedelta(seconds=seconds)


def _parsed(rule: str) -> tuple[int, str]:
    match = _RULE.match(str(rule))
    if match is None:
        raise ValueError(
            f"时限规则 {rule!r} 无法识别：应写作 30m（分钟）、1h（小时）或 5wd（工作日）"
        )
    return int(match.group(1)), match.group(2)


class DiagramFunctions:
    """Binds the published helpers to one clock and one calendar."""

    def __init__(self, clock: Clock, calendar: WorkingCalendar):
        self.clock = clock
        self.calendar = calendar
        self._local = threading.local()

    @contextmanager
    def watching_provisional(self) -> Iterator[list[bool]]:
        """Within the block, `seen[0]` turns True when a helper answers provisionally."""
        seen, previous = [False], getattr(self._local, "seen", None)
        self._local.seen = seen
        try:
            yield seen
        finally:
            self._local.seen = previous

    def _note(self, provisional: bool) -> None:
        seen = getattr(self._local, "seen", None)
        if provisional and seen is not None:
            seen[0] = True

    def now(self) -> str:
        """The current instant (the injected clock)."""
        return utc_iso(self.clock.now())

    def add_working_days(self, start: str, days: int) -> str:
        """SPEC §2: N working days from `start`, on the PRC calendar with 调休."""
        due = self.calendar.add_working_days(parse_instant(start), _checked_days(days))
        self._note(due.provisional)
        return utc_iso(due.at)

    def add_hours(self, start: str, hours: float) -> str:
        """Wall-clock hours (E7: 1 h phone report, 24 h written report)."""
        return utc_iso(parse_instant(start) + _checked_span(float(hours) * 3600, "小时数"))

    def add_minutes(self, start: str, minutes: float) -> str:
        """Wall-clock minutes (E6: 30 min for 特别紧急)."""
        return utc_iso(parse_instant(start) + _checked_span(float(minutes) * 60, "分钟数"))

    def deadline(self, start: str, rule: str | list[str]) -> str:
        """A deadline written as a rule: "30m", "1h", "24h" or "5wd" (E6 via DMN). Several
        rules (a COLLECT table's answers: the urgency's and the source platform's time
        limit) give the earliest of their deadlines: the stricter applies."""
        rules = [rule] if isinstance(rule, str) else list(rule)
        if not rules:
            raise ValueError("没有适用的时限规则：请检查时限决策表是否覆盖该来源渠道和紧急程度")
        return min((self._deadline_of(start, one) for one in rules), key=parse_instant)

    def within(self, due: str, start: str, rule: Any, share: Any = None) -> str:
        """E6: `due`, but no later than the time limit `rule` counted from `start` (a source
        platform's, DMN platform_deadline), less `share` kept for later steps (the center's
        audit and answer to the platform). Without a rule (no platform) `due` stands."""
        if not rule:
            return due
        limit = self.deadline(start, rule)
        if share:
            limit = self._before(limit, str(share))
        return min(due, limit, key=parse_instant)

    def _deadline_of(self, start: str, rule: str) -> str:
        amount, unit = _parsed(rule)
        if unit == "m":
            return self.add_minutes(start, amount)
        if unit == "h":
            return self.add_hours(start, amount)
        return self.add_working_days(start, amount)

    def _before(self, due: str, rule: str) -> str:
        """The instant `rule` before `due`: wall-clock minutes or hours, or working days
        counted back on the calendar (WorkingCalendar.subtract_working_days)."""
        amount, unit = _parsed(rule)
        if unit in ("m", "h"):
            seconds = amount * (60 if unit == "m" else 3600)
            return utc_iso(parse_instant(due) - _checked_span(seconds, "时长"))
        start = self.calendar.subtract_working_days(parse_instant(due), _checked_days(amount))
        self._note(start.provisional)
        return utc_iso(start.at)

    def warn_at(self, start: str, due: str, fraction: float = 0.8) -> str:
        """E12: when the light turns yellow — `fraction` (default 0.8) of the working time
        from `start` to `due` has passed."""
        begin, end = parse_instant(start), parse_instant(due)
        _checked_span((end - begin).total_seconds(), "黄灯计算的时间跨度")
        warn = self.calendar.warn_instant(begin, end, fraction)
        self._note(warn.provisional)
        return utc_iso(warn.at)

    def published(self) -> dict[str, Callable[..., Any]]:
        """Name → function, as scripts see them; also the deploy-time allow-list."""
        return {
            "now": self.now,
            "add_working_days": self.add_working_days,
            "add_hours": self.add_hours,
            "add_minutes": self.add_minutes,
            "deadline": self.deadline,
            "within": self.within,
            "warn_at": self.warn_at,
        }


PUBLISHED_NAMES = (
    "now",
    "add_working_days",
    "add_hours",
    "add_minutes",
    "deadline",
    "within",
    "warn_at",
)
