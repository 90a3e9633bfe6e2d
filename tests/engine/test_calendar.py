"""SPEC §2: working days on the PRC calendar with 调休, and provisional years."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from engine.errors import CalendarError
from engine.time.calendar import WorkingCalendar, YearSchedule, load_year_file
from engine.time.clock import SHANGHAI

CAL = WorkingCalendar()


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def plus(start: str, days: int, calendar: WorkingCalendar = CAL) -> tuple[str, bool]:
    due = calendar.add_working_days(local(start), days)
    return due.at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"), due.provisional


def test_friday_afternoon_plus_one_is_monday_afternoon():
    assert plus("2026-11-20T15:00", 1) == ("2026-11-23 15:00", False)


def test_saturday_plus_one_is_the_end_of_monday():
    """From a non-working day, count from 00:00 of the next working day."""
    assert plus("2026-11-21T10:00", 1) == ("2026-11-24 00:00", False)


def test_national_day_holiday_is_skipped_and_the_adjusted_saturday_works():
    """2026: 1–7 Oct off; Saturday 10 Oct is a 调休 working day."""
    assert plus("2026-09-30T10:00", 1) == ("2026-10-08 10:00", False)
    assert plus("2026-10-09T15:00", 1) == ("2026-10-10 15:00", False)
    assert plus("2026-09-28T09:00", 10) == ("2026-10-16 09:00", False)


def test_mid_autumn_holiday_and_the_adjusted_sunday():
    """2026: 25–27 Sep off; Sunday 20 Sep is worked."""
    assert CAL.is_working_day(date(2026, 9, 20))
    assert not CAL.is_working_day(date(2026, 9, 25))
    assert plus("2026-09-24T09:00", 1) == ("2026-09-28 09:00", False)


def test_an_unknown_year_counts_weekdays_and_says_so():
    assert not CAL.knows(2027)
    assert plus("2027-03-05T09:00", 1) == ("2027-03-08 09:00", True)


def test_crossing_into_an_unknown_year_is_provisional():
    assert plus("2026-12-30T09:00", 5) == ("2027-01-06 09:00", True)
    assert plus("2026-12-28T09:00", 3) == ("2026-12-31 09:00", False)


def test_a_loaded_year_is_known_and_wins():
    y2027 = YearSchedule(
        2027, frozenset({date(2027, 1, 1)}), frozenset({date(2027, 1, 9)}), "test notice"
    )
    calendar = CAL.with_year(y2027)
    assert calendar.knows(2027) and not CAL.knows(2027)
    assert plus("2026-12-31T09:00", 1, calendar) == ("2027-01-04 09:00", False)
    assert plus("2027-01-08T09:00", 1, calendar) == ("2027-01-09 09:00", False)


def test_zero_working_days_is_refused():
    with pytest.raises(ValueError):
        CAL.add_working_days(local("2026-11-20T15:00"), 0)


GOOD = {
    "year": 2027,
    "source": "国务院办公厅通知",
    "holidays": ["2027-01-01"],
    "workdays": ["2027-02-07"],
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"holidays": ["2027-13-01"]}, "第 1 个节假日 2027-13-01 不是有效日期"),
        ({"holidays": ["2026-10-08"]}, "不在 2027 年内"),
        ({"holidays": ["2027-01-02"]}, "是周末"),
        ({"workdays": ["2027-02-08"]}, "本就上班"),
        ({"holidays": ["2027-02-08"], "workdays": ["2027-02-08"]}, "同时列为"),
        ({"year": "2027"}, "格式不对"),
        ({"source": None}, "格式不对"),
    ],
)
def test_a_bad_year_file_says_what_is_wrong(tmp_path, change, message):
    path = tmp_path / "2027.json"
    path.write_text(json.dumps({**GOOD, **change}), encoding="utf-8")
    with pytest.raises(CalendarError, match=message):
        load_year_file(path)


def test_a_year_file_that_is_not_json(tmp_path):
    path = tmp_path / "2027.json"
    path.write_text("{year: 2027", encoding="utf-8")
    with pytest.raises(CalendarError, match="不是有效的 JSON"):
        load_year_file(path)


def test_a_good_year_file_loads(tmp_path):
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    schedule = load_year_file(path)
    assert schedule.year == 2027 and schedule.holidays == frozenset({date(2027, 1, 1)})
    assert date(2027, 2, 7) in schedule.workdays


def test_provisional_is_told_per_evaluation_not_per_value():
    """SPEC §2: of two deadlines at the same instant, only the one counted through an unknown
    year is provisional; and a thread's evaluation never marks another's."""
    import threading

    from engine.run.diagram_functions import DiagramFunctions
    from engine.time.clock import FakeClock

    monday = local("2027-03-01T09:00")  # 2027: not in the calendar
    functions = DiagramFunctions(FakeClock(monday), WorkingCalendar())
    start = monday.isoformat()
    with functions.watching_provisional() as counted:
        by_working_days = functions.add_working_days(start, 1)
    with functions.watching_provisional() as wall_clock:
        by_hours = functions.add_hours(start, 24)
    assert by_working_days == by_hours and counted == [True] and wall_clock == [False]

    elsewhere: list[bool] = []

    def other_thread() -> None:
        with functions.watching_provisional() as seen:
            functions.add_hours(start, 1)
        elsewhere.extend(seen)

    with functions.watching_provisional() as mine:
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
        functions.add_working_days(start, 1)
    assert mine == [True] and elsewhere == [False]


def minus(end: str, days: int, calendar: WorkingCalendar = CAL) -> tuple[str, bool]:
    start = calendar.subtract_working_days(local(end), days)
    return start.at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"), start.provisional


@pytest.mark.parametrize(
    ("end", "days", "start"),
    [
        ("2026-11-23T15:00", 1, "2026-11-20 15:00"),  # Monday back to Friday
        ("2026-10-08T10:00", 1, "2026-09-30 10:00"),  # over National Day (1–7 Oct off)
        ("2026-10-12T09:00", 2, "2026-10-09 09:00"),  # the 调休 Saturday 10 Oct works
        ("2026-10-16T09:00", 1, "2026-10-15 09:00"),
        ("2026-10-03T10:00", 1, "2026-09-30 00:00"),  # from a holiday: 24:00 of 30 Sep
        ("2026-11-22T10:00", 2, "2026-11-19 00:00"),  # from a Sunday: 24:00 of Friday, − 2
    ],
)
def test_working_days_back_mirror_working_days_forward(end, days, start):
    """The unit's share of a platform's deadline is the deadline less the center's share
    (E6): exactly `days` whole working days lie between the two, over holidays and 调休."""
    assert minus(end, days) == (start, False)
    span = CAL.working_time(local(start), local(end))
    assert span.total_seconds() == days * 86400
    if CAL.is_working_day(local(end).date()):
        assert plus(start, days)[0] == local(end).strftime("%Y-%m-%d %H:%M")


def test_working_days_back_into_an_unknown_year_is_provisional():
    assert minus("2027-01-05T09:00", 1) == ("2027-01-04 09:00", True)
    assert minus("2026-12-30T09:00", 1) == ("2026-12-29 09:00", False)


def test_zero_working_days_back_is_refused():
    with pytest.raises(ValueError):
        CAL.subtract_working_days(local("2026-11-23T09:00"), 0)
