"""The injectable clock: the only place in engine/ that reads the wall clock.

Tests pass a FakeClock and move ten working days in microseconds, with no sleep.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The years a date typed by a person may name: outside them it is a typing mistake, and
# years 1 and 9999 overflow when an instant is moved between time zones.
YEARS = range(1900, 3000)
YEARS_PATTERN = "^(19[0-9]{2}|2[0-9]{3})-"  # YEARS as a JSON Schema pattern on ISO 8601 text


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime):
        self._now = to_utc(start)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        self._now += (delta or timedelta()) + timedelta(**kwargs)
        return self._now

    def set(self, instant: datetime) -> datetime:
        self._now = to_utc(instant)
        return self._now


def to_utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError(f"{instant.isoformat()} has no time zone: pass an aware datetime")
    return instant.astimezone(UTC)


def parse_instant(text: str) -> datetime:
    """ISO 8601 with an offset → aware UTC. A missing offset is an error, never a guess."""
    try:
        instant = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(
            f"{text!r} 不是有效的时间（应为 ISO 8601，如 2026-11-24T09:00:00+08:00）"
        ) from None
    if instant.tzinfo is None:
        raise ValueError(f"时间 {text} 缺少时区：请写明偏移量，如 +08:00")
    try:
        return instant.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 shifted past the calendar's ends
        raise ValueError(
            f"时间 {text} 超出可处理的范围：年份应在 {YEARS[0]} 至 {YEARS[-1]} 之间"
        ) from None


def within_years(instant: datetime) -> bool:
    """Whether the instant, as written, falls in YEARS: a day either side of them still
    moves between any two time zones without overflow. (The API's document says the same
    with a pattern on the year, webui.api.openapi_schemas.)"""
    return instant.year in YEARS
