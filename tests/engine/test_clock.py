"""Instants read from text: an offset is required, and a year the time zones cannot carry
is a clear ValueError, never an OverflowError."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.clock import SHANGHAI, parse_instant, within_years


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
