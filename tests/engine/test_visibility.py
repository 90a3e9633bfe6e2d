"""S1 as the engine decides it (engine/people/visibility.py): a task is read by its unit and role, a case
by the units (and center posts) that have or had work in it, everything by an auditor, who
changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import NotFound, PermissionDenied
from engine.models import User
from engine.people.access_rule import check_may_change
from engine.people.visibility import (
    find_case,
    open_steps,
    sees_case,
    visible_case,
    visible_task,
)
from tests.factories import report, step, task_at


def user(jtflow, username):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as db:
        return db.scalar(select(User).where(User.username == username))


def sees(jtflow, username, case):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as db:
        return sees_case(db, user(jtflow, username), find_case(db, case.case_no))


def test_a_case_is_seen_by_the_units_with_work_in_it(jtflow):
    case = report(jtflow)  # a bus station: BUS_GROUP after the transfer
    assert not sees(jtflow, "bus_handler", case)  # nothing addressed to BUS_GROUP yet
    step(jtflow, case, "classify")
    assert sees(jtflow, "bus_handler", case) and sees(jtflow, "bus_leader", case)
    assert not sees(jtflow, "transport_handler", case)
    assert not sees(jtflow, "office", case)


def test_center_posts_see_what_they_report_take_in_or_handle(jtflow):
    case = report(jtflow, channel="opinion")
    assert sees(jtflow, "c_opinion", case)  # the channel's intake post
    assert sees(jtflow, "c_12328", case)  # 分类转办 is its task
    assert not sees(jtflow, "c_duty", case) and not sees(jtflow, "c_analyst", case)


def test_a_patrol_case_is_seen_by_the_reporting_unit(jtflow):
    """E11: the unit reports and handles its own patrol events."""
    case = report(jtflow, channel="patrol")
    assert sees(jtflow, "bus_leader", case) and not sees(jtflow, "transport_handler", case)


def test_an_auditor_reads_everything_and_changes_nothing(jtflow):
    case = report(jtflow)
    auditor = user(jtflow, "auditor")
    assert sees(jtflow, "auditor", case)
    with jtflow.sessions() as db:
        task, _ = visible_task(db, auditor, task_at(jtflow, case, "classify").id)
    assert task.element_id == "classify"
    with pytest.raises(PermissionDenied, match="审计员"):
        check_may_change(auditor)
    check_may_change(user(jtflow, "c_12328"))


def test_a_task_is_read_by_its_unit_and_role(jtflow):
    case = report(jtflow)
    step(jtflow, case, "classify")
    task_id = task_at(jtflow, case, "sign_for").id
    with jtflow.sessions() as db:
        assert visible_task(db, user(jtflow, "bus_handler"), task_id)[0].id == task_id
        for other in ("bus_leader", "transport_handler"):
            with pytest.raises(PermissionDenied, match="无权查看"):
                visible_task(db, user(jtflow, other), task_id)
        with pytest.raises(NotFound):
            visible_task(db, user(jtflow, "bus_handler"), 999)


def test_cases_are_found_by_id_or_number_and_odd_references_are_unknown(jtflow):
    case = report(jtflow)
    with jtflow.sessions() as db:
        assert find_case(db, str(case.case_id)).case_no == case.case_no
        assert find_case(db, case.case_id).case_no == case.case_no
        assert [t.element_id for t in open_steps(db, find_case(db, case.case_no))] == ["classify"]
        for ref in ("9" * 30, "١٢", "²", "JT20260928-999999"):
            with pytest.raises(NotFound):
                find_case(db, ref)
        with pytest.raises(PermissionDenied, match="无权查看"):
            visible_case(db, user(jtflow, "transport_handler"), case.case_no)
