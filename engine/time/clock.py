"""The injectable clock: the only place in engine/ that reads the wall clock.

Tests pass a FakeClock (or a TickingClock, which moves at every read like a real one) and
move ten working days in microseconds, with no sleep. Steps read it through a StepClock:
one step, one instant (DESIGN.md).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
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


class TickingClock(FakeClock):
    """A fake clock that also moves on by `tick` at every read, as a real clock does between
    two reads: code that reads the clock twice where it means one instant shows it."""

    def __init__(self, start: datetime, tick: timedelta = timedelta(milliseconds=1)):
        super().__init__(start)
        self.tick = tick
        self._lock = threading.Lock()  # web tests read it from a server thread too

    def now(self) -> datetime:
        with self._lock:
            instant = self._now
            self._now += self.tick
            return instant

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        with self._lock:
            return super().advance(delta, **kwargs)

    def set(self, instant: datetime) -> datetime:
        with self._lock:
            return super().set(instant)


class StepClock:
    """The clock a step reads (DESIGN.md: one step, one instant). While a step is open on
    this thread, `now()` is the instant the step opened with, read once from the injected
    clock; it stamps every event, row and timer the step writes, and is what diagram code's
    `now()` and the timers see. Outside a step `now()` reads the injected clock."""

    def __init__(self, clock: Clock):
        self.clock = clock
        self._local = threading.local()  # web requests step cases on several threads

    def now(self) -> datetime:
        instant: datetime | None = getattr(self._local, "instant", None)
        return self.clock.now() if instant is None else instant

    def instant(self) -> datetime:
        """The open step's instant; writing a step's rows outside a step is a bug."""
        instant: datetime | None = getattr(self._local, "instant", None)
        if instant is None:
            raise RuntimeError("a step's rows are written inside StepClock.step()")
        return instant

    @contextmanager
    def step(self) -> Iterator[datetime]:
        """Open a step: read the clock once; until the block ends that instant is `now()`.
        A step opened inside an open one is part of it and keeps the outer instant."""
        outer: datetime | None = getattr(self._local, "instant", None)
        if outer is not None:
            yield outer
            return
        self._local.instant = instant = self.clock.now()
        try:
            yield instant
        finally:
            self._local.instant = None


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
