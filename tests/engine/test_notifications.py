"""Issue 16: each notification kind is written exactly once, by the step that made its event."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import Conflict
from engine.models import Notification
from engine.time.clock import parse_instant
from tests.factories import report, step, task_at
from tests.notes import duplicates, replied, told


def at(text: str):  # type: ignore[no-untyped-def]
    return parse_instant(text + ":00+08:00")


def test_a_new_task_tells_the_people_of_its_unit_and_post_once(fresh):
    case = report(fresh())
    assert told(fresh(), "c_12328") == [("task", "分类转办")]
    assert told(fresh(), "c_monitor") == []  # the reporter opened it: nothing new to them
    step(fresh(), case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    assert told(fresh(), "transport_handler") == [("task", "签收")]
    assert told(fresh(), "bus_handler") == []  # another unit
    assert told(fresh(), "transport_leader") == []  # another post
    assert told(fresh(), "auditor") == []
    assert duplicates(fresh()) == []


def test_a_return_tells_who_did_the_step_that_it_came_back(fresh):
    case = replied(fresh())
    step(fresh(), case, "leader_approve", {"approved": False, "opinion": "核实情况不全"})
    assert told(fresh(), "transport_handler")[-1] == ("returned", "办理答复")
    assert [k for k, _ in told(fresh(), "transport_handler")].count("returned") == 1
    # the return is said once, not also as a plain new task
    assert ("task", "办理答复") not in told(fresh(), "transport_handler")[2:]
    assert duplicates(fresh()) == []


def test_yellow_and_red_lights_tell_the_steps_people_and_the_escalation_too(fresh, clock):
    report(fresh())
    clock.set(at("2026-09-29T04:12"))
    fresh().fire_due_timers()
    assert told(fresh(), "c_12328")[-1] == ("yellow", "分类转办")
    clock.set(at("2026-09-29T09:00"))
    fresh().fire_due_timers()
    fresh().fire_due_timers()  # a second look fires nothing and tells nobody again
    notes = told(fresh(), "c_12328")
    assert notes.count(("yellow", "分类转办")) == 1
    assert notes.count(("red", "分类转办")) == 1
    assert notes.count(("escalated", "分类转办")) == 1  # the 催办 of the overdue step
    assert notes.count(("task", "催办")) == 1  # and the 催办 task itself, in the same post
    assert duplicates(fresh()) == []


@pytest.mark.parametrize(("urgency", "supervised"), [("urgent", 1), ("normal", 0)])
def test_a_supervised_step_tells_its_people_of_the_offices_oversight(
    fresh, clock, urgency, supervised
):
    """E7 (5.2.3): an urgent event's overdue step is supervised (督办) by 局办公室 as well as
    pressed (催办): the diagram marks 超期督办 `supervised`, so the step's people hear of both,
    once each; a normal event's overdue step is only pressed."""
    case = report(fresh(), urgency=urgency)
    step(fresh(), case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    clock.set(at("2026-09-30T09:00"))  # 签收 (1 WD) overdue either way
    fresh().fire_due_timers()
    fresh().fire_due_timers()
    notes = told(fresh(), "transport_handler")
    assert notes.count(("escalated", "签收")) == 1
    assert notes.count(("supervised", "签收")) == supervised
    chased = [
        e.data["overdue_step"] for e in fresh().history(case.case_id) if e.kind == "supervised"
    ]
    assert chased.count("签收") == supervised  # (an urgent event's 电话报告 is overdue too)
    assert duplicates(fresh()) == []


def test_a_claimed_step_tells_only_its_claimant(fresh, clock):
    case = report(fresh())
    step(fresh(), case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    task = task_at(fresh(), case, "sign_for")
    fresh().claim(task.id, "transport_handler")
    clock.set(at("2026-09-29T09:00"))
    fresh().fire_due_timers()
    with fresh().sessions() as session:
        lit = session.scalars(
            select(Notification.username).where(Notification.kind.in_(("yellow", "red")))
        ).all()
    assert set(lit) == {"transport_handler"}


def test_a_step_that_fails_after_writing_them_tells_nobody(fresh):
    """The rows are the step's: a step undone after its hooks ran leaves no notification."""
    case = report(fresh())
    jtflow = fresh()

    def crash(*_args: object) -> None:
        raise Conflict("the step is undone after the notifications were written")

    jtflow.runtime.on_write(crash)  # runs after notify_step, in the same transaction
    with pytest.raises(Conflict):
        step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    assert told(fresh(), "transport_handler") == []
    step(fresh(), case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    assert told(fresh(), "transport_handler") == [("task", "签收")]


def test_an_urgent_transfer_tells_the_unit_as_such_e7(fresh):
    """E7: an urgent event is transferred at once and its unit is told that it is urgent."""
    case = report(fresh(), urgency="urgent")
    step(fresh(), case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    assert ("urgent", "签收") in told(fresh(), "transport_handler")
    assert ("task", "签收") not in told(fresh(), "transport_handler")
    ordinary = report(fresh())  # a normal one is a plain new task
    step(fresh(), ordinary, "classify", {"decision": "transfer", "lead_unit": "BUS_GROUP"})
    assert told(fresh(), "bus_handler") == [("task", "签收")]
    assert duplicates(fresh()) == []
