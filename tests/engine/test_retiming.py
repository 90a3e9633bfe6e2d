"""Loading a calendar year (SPEC §2): every open provisional deadline of that year is recomputed —
the Spiff timer, the timer row, the task row and the case history agree on the new instant, the
timer fires then and not at the provisional instant, and cases the year does not touch stay as
they were. Across the 2026 → 2027 year end, with 2027 unknown to chinesecalendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from engine.config import Settings, open_jtflow
from engine.errors import PermissionDenied
from engine.models import CalendarYear, Instance, Timer
from engine.retiming import LoadedYears, load_year
from engine.time.calendar import parse_year
from engine.time.calendar_years import stored_years
from engine.time.clock import SHANGHAI
from tests.factories import report, step, task_at

# 1 January off; a 调休 Saturday in February, after the deadlines below.
YEAR_2027 = {
    "year": 2027,
    "source": "国务院办公厅关于2027年部分节假日安排的通知（测试）",
    "holidays": ["2027-01-01"],
    "workdays": ["2027-02-06"],
}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def utc(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat()


def timer_row(jtflow, case, element_id):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        return session.scalars(
            select(Timer).where(Timer.instance_id == case.case_id, Timer.element_id == element_id)
        ).one()


def events(jtflow, case, kind):  # type: ignore[no-untyped-def]
    return [e for e in jtflow.history(case.case_id) if e.kind == kind]


def version(jtflow, case) -> int:  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        instance = session.get(Instance, case.case_id)
        assert instance is not None
        return instance.version


def load_2027(jtflow, **changes):  # type: ignore[no-untyped-def]
    return load_year(jtflow, parse_year({**YEAR_2027, **changes}, "2027.json"), actor="admin")


def fires_at(jtflow, clock, case, element_id, due, *, not_at):  # type: ignore[no-untyped-def]
    fired = lambda: [e.element_id for e in events(jtflow, case, "timer_fired")]  # noqa: E731
    clock.set(not_at)
    jtflow.fire_due_timers()
    assert element_id not in fired(), f"{element_id} fired at the provisional {not_at}"
    clock.set(due - timedelta(seconds=1))
    jtflow.fire_due_timers()
    assert element_id not in fired(), f"{element_id} fired before {due}"
    clock.set(due)
    jtflow.fire_due_timers()
    assert element_id in fired(), f"{element_id} did not fire at {due}"


def test_a_one_working_day_deadline_on_new_years_day_moves_to_the_next_working_day(
    jtflow, clock, fresh
):
    """SPEC §2, E5: transferred Thu 31 Dec 2026 10:00, 签收 within 1 WD → provisionally Fri
    1 Jan 2027 10:00; loading 2027 (1 Jan off) moves it to Mon 4 Jan 10:00, yellow light too."""
    clock.set(at("2026-12-31T10:00"))
    case = report(jtflow)
    clock.set(at("2026-12-31T10:00"))  # the transfer at 10:00 sharp (the test clock ticks)
    step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    sign_for = task_at(jtflow, case, "sign_for")
    assert sign_for.provisional and sign_for.due_at == at("2027-01-01T10:00")
    assert timer_row(jtflow, case, "timer_sign_for").provisional

    result = load_2027(jtflow)

    assert {(r.element_id, r.provisional) for r in result.retimed} == {
        ("warn_sign_for", False),
        ("timer_sign_for", False),
    }
    new_due = at("2027-01-04T10:00")
    sign_for = task_at(jtflow, case, "sign_for")
    red = timer_row(jtflow, case, "timer_sign_for")
    assert sign_for.due_at == red.due_at == new_due
    assert not sign_for.provisional and not red.provisional
    recomputed = {e.element_id: e for e in events(jtflow, case, "deadline_recomputed")}
    event = recomputed["timer_sign_for"]
    assert event.actor == "admin" and event.data["loaded_by"] == "admin"
    assert event.data["old_due_at"] == utc(at("2027-01-01T10:00"))
    assert event.data["new_due_at"] == utc(new_due)
    assert event.data["provisional"] is False and "2027" in event.data["calendar_source"]
    warn = timer_row(jtflow, case, "warn_sign_for")
    assert "warn_sign_for" in recomputed and not warn.provisional
    assert warn.due_at == sign_for.warn_at == at("2027-01-04T05:12")  # 80% of 24 working hours

    later = fresh()  # a new process: the loaded year comes from the saved state, not memory
    fires_at(later, clock, case, "timer_sign_for", new_due, not_at=at("2027-01-01T10:00"))
    fired = [e for e in events(later, case, "timer_fired") if e.element_id == "timer_sign_for"]
    assert fired[0].data == {"due_at": utc(new_due), "provisional": False}


def test_a_ten_working_day_deadline_across_the_year_end_is_recomputed(jtflow, clock):
    """SPEC §2, E6: 一般 event transferred Mon 28 Dec 2026 09:00 → 10 WD is provisionally
    Mon 11 Jan 2027; with 1 Jan off it is Tue 12 Jan 09:00, and the timer fires then."""
    clock.set(at("2026-12-28T09:00"))
    case = report(jtflow, urgency="normal")
    clock.set(at("2026-12-28T09:00"))  # the transfer at 09:00 sharp (the test clock ticks)
    step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    step(jtflow, case, "sign_for")
    reply = task_at(jtflow, case, "handle_reply")
    assert reply.provisional and reply.due_at == at("2027-01-11T09:00")

    load_2027(jtflow)

    reply = task_at(jtflow, case, "handle_reply")
    red = timer_row(jtflow, case, "timer_handle_reply")
    assert reply.due_at == red.due_at == at("2027-01-12T09:00")
    assert not reply.provisional and not red.provisional
    event = [
        e
        for e in events(jtflow, case, "deadline_recomputed")
        if e.element_id == "timer_handle_reply"
    ]
    assert len(event) == 1 and event[0].data["watches"] == "handle_reply"
    fires_at(
        jtflow,
        clock,
        case,
        "timer_handle_reply",
        at("2027-01-12T09:00"),
        not_at=at("2027-01-11T09:00"),
    )


def test_cases_the_year_does_not_change_are_untouched(jtflow, clock):
    """SPEC §2: a case with only known-year deadlines keeps its version and its history."""
    known = report(jtflow)  # Monday 28 Sep 2026: everything in 2026
    before_version, before_history = version(jtflow, known), len(jtflow.history(known.case_id))
    clock.set(at("2026-12-31T10:00"))
    provisional = report(jtflow)
    step(jtflow, provisional, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})

    result = load_2027(jtflow)

    assert {r.case_no for r in result.retimed} == {provisional.case_no}
    assert version(jtflow, known) == before_version
    assert len(jtflow.history(known.case_id)) == before_history


def test_a_provisional_deadline_the_year_confirms_loses_only_its_flag(jtflow, clock):
    """SPEC §2: Tue 5 Jan 2027 10:00 + 1 WD is Wed 6 Jan either way — no longer provisional."""
    clock.set(at("2027-01-05T10:00"))
    case = report(jtflow)
    assert task_at(jtflow, case, "classify").provisional
    load_2027(jtflow)
    classify = task_at(jtflow, case, "classify")
    assert classify.due_at == at("2027-01-06T10:00") and not classify.provisional
    event = [
        e for e in events(jtflow, case, "deadline_recomputed") if e.element_id == "timer_classify"
    ]
    assert event[0].data["old_due_at"] == event[0].data["new_due_at"]


def test_the_loading_process_and_every_later_one_use_the_loaded_year(jtflow, clock, db_url):
    """SPEC §2: after loading, new deadlines in 2027 are computed on it and are not provisional,
    in this process at once and in any process opened afterwards (open_jtflow)."""
    load_2027(jtflow)
    clock.set(at("2026-12-31T10:00"))
    case = report(jtflow)
    classify = task_at(jtflow, case, "classify")
    assert classify.due_at == at("2027-01-04T10:00") and not classify.provisional

    later = open_jtflow(Settings(database_url=db_url), clock)
    assert not later.runtime.functions.calendar.is_working_day(date(2027, 1, 1))
    assert later.runtime.functions.calendar.is_working_day(date(2027, 2, 6))
    with later.sessions() as session:
        assert [row.year for row in stored_years(session)] == [2027]


def test_the_newest_load_of_a_year_wins_and_the_older_ones_stay(jtflow, db_url, clock):
    """SPEC §2: loading is append-only and audited: who loaded which schedule, when."""
    load_2027(jtflow)
    load_2027(jtflow, holidays=["2027-01-01", "2027-01-04"], source="更正通知")
    with jtflow.sessions() as session:
        rows = session.scalars(select(CalendarYear).order_by(CalendarYear.id)).all()
        assert [(r.year, r.loaded_by) for r in rows] == [(2027, "admin"), (2027, "admin")]
        assert stored_years(session)[0].source == "更正通知"
    later = open_jtflow(Settings(database_url=db_url), clock)
    assert not later.runtime.functions.calendar.is_working_day(date(2027, 1, 4))


def test_only_an_administrator_loads_a_year(jtflow):
    """SPEC §2 (loading is audited), S1: a handler may not change the calendar."""
    with pytest.raises(PermissionDenied):
        load_year(jtflow, parse_year(YEAR_2027, "2027.json"), actor="bus_handler")
    with jtflow.sessions() as session:
        assert stored_years(session) == []


def test_a_deadline_brought_forward_into_the_past_fires_when_the_year_is_loaded(jtflow, clock):
    """SPEC §2, E4: reported Fri 8 Jan 2027 10:00, 转办 within 1 WD → provisionally Mon 11 Jan;
    the year, loaded on Sunday, makes Sat 9 Jan a 调休 working day: the deadline has passed, the
    red timer fires at once, after the recomputation in the case history."""
    clock.set(at("2027-01-08T10:00"))
    case = report(jtflow)
    assert task_at(jtflow, case, "classify").due_at == at("2027-01-11T10:00")
    clock.set(at("2027-01-10T12:00"))

    load_2027(jtflow, workdays=["2027-01-09"])

    red = timer_row(jtflow, case, "timer_classify")
    assert red.state == "fired" and red.due_at == at("2027-01-09T10:00") and not red.provisional
    assert task_at(jtflow, case, "classify").due_at == at("2027-01-09T10:00")
    kinds = [(e.kind, e.element_id) for e in jtflow.history(case.case_id)]
    recomputed = kinds.index(("deadline_recomputed", "timer_classify"))
    assert kinds.index(("timer_fired", "timer_classify")) > recomputed


def test_a_running_process_catches_up_with_a_year_loaded_elsewhere(jtflow, clock, fresh):
    """SPEC §2: a worker started before the load computes a 2027 deadline provisionally; its next
    refresh switches it to the loaded year and recomputes that deadline too."""
    worker = LoadedYears(jtflow)
    assert worker.refresh() == []  # nothing loaded yet
    load_2027(fresh())  # the administrator's command, in another process
    clock.set(at("2026-12-31T10:00"))
    case = report(jtflow)  # the worker's calendar still lacks 2027
    assert task_at(jtflow, case, "classify").provisional

    reports = worker.refresh()

    assert [r.schedule.year for r in reports] == [2027]
    classify = task_at(jtflow, case, "classify")
    assert classify.due_at == at("2027-01-04T10:00") and not classify.provisional
    assert not jtflow.runtime.functions.calendar.is_working_day(date(2027, 1, 1))
    assert worker.refresh() == []
