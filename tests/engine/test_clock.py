"""Instants read from text: an offset is required, and a year the time zones cannot carry
is a clear ValueError, never an OverflowError. The test clock that ticks at every read, and
the step clock that gives one step one instant."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from engine.time.clock import SHANGHAI, StepClock, TickingClock, parse_instant, within_years


def test_an_instant_is_read_into_utc() -> None:
    assert parse_instant("2026-11-24T09:00:00+08:00") == datetime(2026, 11, 24, 1, tzinfo=UTC)


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00"])
def test_an_instant_past_the_calendars_ends_is_a_clear_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="超出可处理的范围"):
        parse_instant(text)


def test_within_years_reads_the_year_as_written() -> None:
    assert within_years(datetime(2026, 11, 24, tzinfo=SHANGHAI))
    assert within_years(datetime(1900, 1, 1, tzinfo=SHANGHAI))  # 1899 in UTC: still converts
    assert not within_years(datetime(1, 1, 1, tzinfo=UTC))
    assert not within_years(datetime(9999, 12, 31, 23, tzinfo=UTC))
    assert not within_years(datetime(1899, 12, 31, 23, tzinfo=UTC))


def test_a_ticking_clock_moves_at_every_read_and_still_obeys_advance_and_set() -> None:
    start = datetime(2026, 9, 28, 1, tzinfo=UTC)
    clock = TickingClock(start)
    assert [clock.now(), clock.now()] == [start, start + timedelta(milliseconds=1)]
    clock.advance(hours=1)
    assert clock.now() == start + timedelta(hours=1, milliseconds=2)
    clock.set(start)
    assert clock.now() == start


def test_a_step_reads_the_clock_once_and_nested_steps_share_its_instant() -> None:
    ticking = TickingClock(datetime(2026, 9, 28, 1, tzinfo=UTC))
    clock = StepClock(ticking)
    outside = clock.now()
    with clock.step() as instant:
        assert instant == outside + ticking.tick  # read once, on opening
        assert clock.now() == clock.now() == clock.instant() == instant
        with clock.step() as inner:
            assert inner == instant
        assert clock.now() == instant  # the inner block did not close the step
    assert clock.now() == instant + ticking.tick  # outside: the injected clock again


def test_a_step_is_per_thread_and_writing_outside_one_is_a_bug() -> None:
    clock = StepClock(TickingClock(datetime(2026, 9, 28, 1, tzinfo=UTC)))
    with pytest.raises(RuntimeError):
        clock.instant()
    seen: list[datetime | None] = []
    with clock.step() as instant:
        other = threading.Thread(target=lambda: seen.append(clock.now()))
        other.start()
        other.join()
    assert seen[0] is not None and seen[0] > instant  # another thread's read is its own
