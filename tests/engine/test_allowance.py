"""E12, issue 16: a step's allowance and share used, read back from its warning and deadline
as the light rule set them (tests/engine/test_lights.py walks the same steps)."""

from __future__ import annotations

from datetime import timedelta

from engine.time.allowance import allowance_of
from engine.time.clock import parse_instant
from tests.conftest import CALENDAR
from tests.factories import report, step, task_at


def at(text: str):  # type: ignore[no-untyped-def]
    return parse_instant(text + ":00+08:00")


def share(task, now):  # type: ignore[no-untyped-def]
    found = allowance_of(CALENDAR, task.warn_at, task.due_at, now)
    assert found is not None
    return found


def test_one_working_day_is_used_up_at_its_deadline(fresh):
    task = task_at(fresh(), report(fresh()), "classify")  # Monday 09:00, due Tuesday 09:00
    start = share(task, at("2026-09-28T09:00"))
    assert start.in_working_days and round(start.length / timedelta(days=1)) == 1
    assert abs(start.used) < 0.01
    assert abs(share(task, at("2026-09-29T04:12")).used - 0.8) < 0.01  # yellow
    assert abs(share(task, at("2026-09-29T09:00")).used - 1.0) < 0.01  # red
    assert abs(share(task, at("2026-09-29T21:00")).used - 1.5) < 0.01  # half a day late


def test_ten_working_days_across_national_day(fresh):
    """Green with more than a day left, though a one-day step is yellow with 23 hours."""
    case = report(fresh())
    step(fresh(), case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    step(fresh(), case, "sign_for")
    reply = task_at(fresh(), case, "handle_reply")  # due Fri 16 Oct 09:00
    seen = share(reply, at("2026-10-13T09:00"))
    assert round(seen.length / timedelta(days=1)) == 10 and 0.65 < seen.used < 0.75


def test_a_step_without_a_deadline_has_none(fresh):
    task = task_at(fresh(), report(fresh()), "classify")
    assert allowance_of(CALENDAR, None, task.due_at, at("2026-09-28T09:00")) is None
