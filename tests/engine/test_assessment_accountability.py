"""A3 on the hand-built cases (tests/assessment_cases.py): exactly the cases that qualify
under 第五节 2.3, each with the history events that show it."""

from __future__ import annotations

import pytest

from engine.assessment.accountability import accountability, late_working_days
from engine.assessment.periods import parse_period
from engine.assessment.scope import Scope
from tests.assessment_cases import AS_OF, at, play
from tests.conftest import CALENDAR


@pytest.fixture
def listed(jtflow, clock):  # type: ignore[no-untyped-def]
    played = play(jtflow, clock)
    with jtflow.sessions() as db:
        found = accountability(db, CALENDAR, Scope(parse_period("2026-Q3"), AS_OF), 5)
    return played, found


def test_exactly_the_cases_that_qualify(listed):  # type: ignore[no-untyped-def]
    played, found = listed
    assert [(a.clause, a.unit, a.case_no, a.step, a.role) for a in found] == [
        ("2.3.1", "BUS_GROUP", played.late_sign_for.case_no, "sign_for", None),
        ("2.3.2", "TRANSPORT_DEV", played.overdue_reply.case_no, "handle_reply", None),
        ("2.3.3", "BUS_GROUP", played.returned_twice.case_no, "center_audit", None),
        ("2.3.4", "TRANSPORT_DEV", played.urgent.case_no, "handle_reply", "lead"),
    ]
    late_sign, overdue, twice, dragged = found
    assert late_sign.late_wd == 0.04  # an hour on Tue 29 Sep
    assert overdue.late_wd == 2.08  # from Fri 16 Oct 10:00 to Tue 20 Oct 12:00
    assert dragged.late_wd == 11.04  # from Tue 29 Sep 11:00, across National Day
    assert twice.returns == 2 and overdue.done_at is None


def test_each_with_the_history_that_shows_it(listed):  # type: ignore[no-untyped-def]
    _played, found = listed
    late_sign, _overdue, twice, dragged = found
    assert [(e.kind, e.element_id) for e in late_sign.evidence] == [
        ("task_created", "sign_for"),
        ("timer_fired", "warn_sign_for"),
        ("timer_fired", "timer_sign_for"),
        ("light_changed", "sign_for"),
        ("light_changed", "sign_for"),
        ("escalated", "press"),
        ("task_completed", "sign_for"),
    ]
    assert late_sign.evidence[-1].at > late_sign.due_at
    assert [e.seq for e in late_sign.evidence] == sorted(e.seq for e in late_sign.evidence)
    returned = [(e.kind, e.data.get("data", {}).get("accepted")) for e in twice.evidence]
    assert returned == [
        ("task_completed", False),
        ("returned", None),
        ("task_completed", False),
        ("returned", None),
        ("task_completed", True),
    ]
    assert ("escalated", "press") in [(e.kind, e.element_id) for e in dragged.evidence]


def test_a_later_period_lists_nothing_and_lateness_counts_working_days_only():  # type: ignore[no-untyped-def]
    assert late_working_days(CALENDAR, at(9, 30, 12), at(10, 8, 12)) == 1.0  # the holiday: 0
    assert late_working_days(CALENDAR, at(10, 9, 18), at(10, 12, 6)) == 1.5  # Sat 10 worked
