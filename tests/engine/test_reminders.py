"""Reminders (E12, issue 16): a red step opens one 催办 (and for 紧急/特别紧急 events one 督办,
E7) that names the step it chases and that step's unit, has its own deadline and light, and ends
by itself when the chased step is done — the history keeps it. A second red step opens a second
reminder; neither a restart nor firing again duplicates one."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from engine.inbox import open_tasks_page
from engine.models import Task
from engine.people.users import get_user
from engine.record.audit import verify
from engine.replay import replay_case
from engine.time.clock import SHANGHAI
from tests.factories import kinds, report, step, task_at


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def reminders(jtflow, case, state=None):  # type: ignore[no-untyped-def]
    """The case's reminder rows (催办, 督办), oldest first, optionally in one state."""
    with jtflow.sessions() as session:
        query = select(Task).where(
            Task.instance_id == case.case_id, Task.element_id.in_(("press", "oversee"))
        )
        if state is not None:
            query = query.where(Task.state == state)
        return list(session.scalars(query.order_by(Task.id)))


def row(jtflow, task_id):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        return session.get(Task, task_id)


def chain_holds(jtflow, case) -> bool:  # type: ignore[no-untyped-def]
    """S2: the case's chain verifies and its rows agree with it."""
    with jtflow.sessions() as session:
        return not verify(session, case.case_id).broken


def near(stored: datetime, rule: datetime) -> None:
    assert timedelta(0) <= stored - rule < timedelta(seconds=1), (stored, rule)


def test_a_red_step_opens_one_reminder_naming_it_and_its_completion_closes_it(fresh, clock):
    """E2, E12: 分类转办 goes red Tuesday 09:00 → one 催办 chasing it (its row, its unit); done
    late, the 催办 closes by itself (state closed, `reminder_closed`), the `escalated` event stays,
    and the case goes on as before."""
    case = report(fresh())
    clock.set(at("2026-09-29T09:00"))
    fresh().fire_due_timers()
    fresh().fire_due_timers()  # firing again finds nothing to fire
    [press] = reminders(fresh(), case)
    chased = task_at(fresh(), case, "classify")
    assert press.state == "open" and press.chased_task_id == chased.id
    [escalated] = [e for e in fresh().history(case.case_id) if e.kind == "escalated"]
    assert escalated.data["overdue_step"] == "分类转办"
    assert escalated.data["chased_unit"] == "CENTER"

    step(fresh(), case, "classify", {"decision": "transfer"})
    closed = row(fresh(), press.id)
    assert closed.state == "closed" and closed.completed_by is None
    assert closed.completed_at is not None
    [ended] = [e for e in fresh().history(case.case_id) if e.kind == "reminder_closed"]
    assert ended.element_id == "press" and ended.data["chased_step"] == "classify"
    assert "escalated" in kinds(fresh(), case)
    assert task_at(fresh(), case, "sign_for").unit_code == "BUS_GROUP"  # the case went on
    assert chain_holds(fresh(), case)  # S2: the rows still agree with the chain
    assert replay_case(fresh(), case.case_no).divergence is None


def test_a_second_red_step_opens_a_second_reminder_with_its_own_deadline_and_light(fresh, clock):
    """E7, E12: an urgent event's 电话报告 goes red 1 h after transfer, 签收 one working day
    after: each opens its own 催办 and 督办, each due 2 h after it opened. The first pair
    turns red while the second stays green; signing for closes the second pair only."""
    case = report(fresh(), urgency="urgent")
    step(fresh(), case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    transferred = task_at(fresh(), case, "sign_for").created_at
    clock.set(transferred + timedelta(hours=1))
    fresh().fire_due_timers()
    first = reminders(fresh(), case, "open")
    assert sorted(r.element_id for r in first) == ["oversee", "press"]
    phone = task_at(fresh(), case, "phone_report")
    assert {r.chased_task_id for r in first} == {phone.id}
    for reminder in first:
        near(reminder.due_at, transferred + timedelta(hours=3))
        assert reminder.light == "green"

    clock.set(at("2026-09-29T09:00") + timedelta(hours=1))  # 签收 red, the first pair red
    fresh().fire_due_timers()
    sign_for = task_at(fresh(), case, "sign_for")
    second = [r for r in reminders(fresh(), case, "open") if r.id not in {f.id for f in first}]
    assert sorted(r.element_id for r in second) == ["oversee", "press"]
    assert {r.chased_task_id for r in second} == {sign_for.id}
    assert {row(fresh(), r.id).light for r in first} == {"red"}
    for reminder in second:
        assert reminder.light == "green"  # its own light, not the first pair's
        near(reminder.due_at, reminder.created_at + timedelta(hours=2))

    step(fresh(), case, "sign_for")
    assert {row(fresh(), r.id).state for r in second} == {"closed"}
    assert {row(fresh(), r.id).state for r in first} == {"open"}
    step(fresh(), case, "phone_report")
    assert {row(fresh(), r.id).state for r in first} == {"closed"}
    assert chain_holds(fresh(), case)
    assert replay_case(fresh(), case.case_no).divergence is None


def test_a_restart_and_a_second_firing_open_no_second_reminder(fresh, clock):
    """E12: timers fired by one engine, then by a new one on the same database (a restarted
    worker) and again by the first: still one 催办 for the one red step."""
    case = report(fresh())
    clock.set(at("2026-09-29T09:00"))
    first, restarted = fresh(), fresh()
    assert first.fire_due_timers() == 2  # yellow and red of 分类转办
    assert restarted.fire_due_timers() == 0
    assert first.fire_due_timers() == 0
    assert [r.element_id for r in reminders(fresh(), case)] == ["press"]


def test_a_reminder_deadline_counts_working_days_across_national_day(fresh, clock):
    """SPEC §2, E12: 分类转办 reported Tue 29 Sep 10:00 goes red Wed 30 Sep 10:00; its 催办 (一般
    event: 1 working day) is due Thu 8 Oct 10:00, 1–7 October being off; red then, not before."""
    clock.set(at("2026-09-29T10:00"))
    case = report(fresh())
    clock.set(at("2026-09-30T10:00"))
    fresh().fire_due_timers()
    [press] = reminders(fresh(), case)
    near(press.due_at, at("2026-10-08T10:00"))
    clock.set(at("2026-10-08T09:59"))
    fresh().fire_due_timers()
    assert row(fresh(), press.id).light != "red"
    clock.set(at("2026-10-08T10:00:01"))
    fresh().fire_due_timers()
    assert row(fresh(), press.id).light == "red"
    assert [r.element_id for r in reminders(fresh(), case)] == ["press"]  # not itself chased


def test_the_inbox_shows_a_cases_reminders_on_one_row(fresh, clock):
    """Issue 16: the 12328 seat's two 催办 of one case take one inbox row, the earliest due,
    which lists both with the step each chases and its unit; the API's list keeps one a row."""
    case = report(fresh(), urgency="urgent")
    step(fresh(), case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    clock.set(at("2026-09-29T10:00"))  # 电话报告 and 签收 both red
    fresh().fire_due_timers()
    with fresh().sessions() as session:
        seat = get_user(session, "c_12328")
        flat = open_tasks_page(session, seat, step="press")
        grouped = open_tasks_page(session, seat, step="press", group_reminders=True)
        assert len(flat.rows) == flat.total == 2
        assert len(grouped.rows) == grouped.total == 1
        [(first, shown)] = grouped.rows
        listed = grouped.reminders[shown.id]
        assert first.id == listed[0].task.id
        assert sorted((r.chased_name, r.chased_unit) for r in listed) == [
            ("电话报告", "TRANSPORT_DEV"),
            ("签收", "TRANSPORT_DEV"),
        ]
