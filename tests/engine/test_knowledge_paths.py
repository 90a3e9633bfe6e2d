"""processes/knowledge_revision.bpmn (O2), each step by its own user on a fresh engine object
(saved, reloaded, continued): new knowledge due 5 working days after a policy change across
the National Day holiday, with its lights and 催办; accepted as a new version of an entry
(old versions readable) or sent back; and the quarterly timer cycle, which opens the
center's revision once per quarter, also after a restart that skipped the instant."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine import knowledge
from engine.errors import Conflict, InvalidInput, PermissionDenied
from engine.models import Instance, Timer
from engine.record.audit import verify
from tests.engine.test_lights import at, fired_at, near, walk_lights
from tests.factories import kinds, open_steps, open_tasks, report, status, step, task_at
from tests.knowledge import (
    PRESS,
    RETURN,
    REVISED,
    SEAT,
    SUBMISSION,
    UNIT_HANDLER,
    policy_change,
    published,
    schedule,
)
from tests.walkthrough import replays_exactly

WEDNESDAY = "2026-09-30T10:00"  # 1–7 October are off, Sat 10 October is worked (调休)


def audited(jtflow, case) -> None:  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        assert verify(session, case.case_id).broken == []
    replays_exactly(jtflow, case.case_no)


def revisions(jtflow, case) -> list:  # type: ignore[no-untyped-def,type-arg]
    return [t for t in open_tasks(jtflow, case) if t.element_id == "revise"]


def test_new_knowledge_is_due_five_working_days_after_the_change_across_national_day(fresh, clock):
    """O2: a change on Wed 30 Sep 10:00 → due Tue 13 Oct 10:00 (8, 9, Sat 10, 12, 13 Oct);
    yellow at 80% of the working time, red opens the seats' 催办 of the unit."""
    clock.set(at(WEDNESDAY))
    case = policy_change(fresh(), "2026-09-30T10:00:00+08:00")
    submit = task_at(fresh(), case, "submit")
    assert (submit.unit_code, submit.role) == ("TRANSPORT_DEV", "办理人")
    walk_lights(fresh(), clock, case, "submit", at("2026-10-12T10:00"), at("2026-10-13T10:00"))
    pressed = task_at(fresh(), case, "press")
    assert (pressed.unit_code, pressed.role) == ("CENTER", "投诉受理岗")
    assert pressed.created_at == fired_at(fresh(), case, "timer_submit")
    step(fresh(), case, "press", PRESS)
    published(fresh(), case)
    assert status(fresh(), case) == "published"
    audited(fresh(), case)


def test_a_change_registered_after_its_five_days_opens_the_submission_already_red(fresh, clock):
    """O2: changed Mon 14 Sep 09:00, due Sun 20 Sep 09:00 (a worked Sunday, 调休);
    registered on 28 Sep: red at once and the 催办 open."""
    case = policy_change(fresh(), "2026-09-14T09:00:00+08:00")
    submit = task_at(fresh(), case, "submit")
    near(submit.due_at, at("2026-09-20T09:00"))
    assert submit.light == "red"
    assert sorted(open_steps(fresh(), case)) == ["press", "submit"]


def test_an_accepted_submission_is_a_new_version_and_the_old_one_stays_readable(fresh, clock):
    first = policy_change(fresh(), "2026-09-28T08:00:00+08:00")
    published(fresh(), first)
    with fresh().sessions() as session:
        [found] = knowledge.search(session, "网约车")
    entry_id = found.entry.id
    assert (found.current.version, found.current.instance_id) == (1, first.case_id)
    assert "knowledge_published" in kinds(fresh(), first)
    second = policy_change(fresh(), "2026-09-28T08:30:00+08:00")
    step(fresh(), second, "submit", {**SUBMISSION, "entry_id": entry_id, "answer": "新口径。"})
    step(fresh(), second, "review", RETURN)
    assert open_steps(fresh(), second) == ["submit"]
    assert kinds(fresh(), second).count("knowledge_returned") == 1
    published(fresh(), second, entry_id=entry_id, answer="新口径（含文号）。")
    with fresh().sessions() as session:
        versions = knowledge.versions_of(session, entry_id)
        assert [(v.version, v.answer) for v in versions] == [
            (2, "新口径（含文号）。"),
            (1, SUBMISSION["answer"]),
        ]
        assert knowledge.search(session, "含文号")[0].entry.id == entry_id
        assert knowledge.search(session, SUBMISSION["answer"][:6]) == []  # v1 no longer current
    audited(fresh(), second)


def test_the_center_edits_an_entry_as_a_new_version_and_units_may_not(fresh, clock):
    version = knowledge.edit_entry(
        fresh(), 0, {**SUBMISSION, "unit_code": "TRANSPORT_DEV"}, editor=SEAT, note="季度修订"
    )
    clock.advance(hours=1)
    again = knowledge.edit_entry(
        fresh(), version.entry_id, {**SUBMISSION, "answer": "更正。"}, editor=SEAT, note="更正"
    )
    assert (again.version, again.unit_code) == (2, "TRANSPORT_DEV")
    with pytest.raises(PermissionDenied):
        knowledge.edit_entry(fresh(), version.entry_id, SUBMISSION, editor=UNIT_HANDLER, note="")
    with pytest.raises(InvalidInput, match="答复口径"):
        knowledge.edit_entry(fresh(), 0, {**SUBMISSION, "answer": " "}, editor=SEAT, note="")


def test_a_handler_links_an_entry_on_an_event_case_and_each_shows_the_other(fresh, clock):
    entry = knowledge.edit_entry(fresh(), 0, SUBMISSION, editor=SEAT, note="")
    event = report(fresh())
    link = knowledge.link_entry(fresh(), event.case_no, entry.entry_id, username=SEAT)
    again = knowledge.link_entry(fresh(), event.case_no, entry.entry_id, username=SEAT)
    assert (again.id, link.version) == (link.id, 1)
    with fresh().sessions() as session:
        [(shown, title)] = knowledge.links_of_case(session, event.case_id)
        assert (shown.entry_id, title) == (entry.entry_id, SUBMISSION["title"])
        [(_, case)] = knowledge.cases_of_entry(session, entry.entry_id)
        assert case.id == event.case_id
    with pytest.raises(PermissionDenied):
        knowledge.link_entry(fresh(), event.case_no, entry.entry_id, username="auditor")
    with pytest.raises(PermissionDenied):  # not a case of its unit
        knowledge.link_entry(fresh(), event.case_no, entry.entry_id, username="highway_handler")


def test_units_register_their_own_changes_and_the_center_names_the_unit(fresh, clock):
    with pytest.raises(PermissionDenied):
        policy_change(fresh(), "2026-09-28T08:00:00+08:00", unit_code="HIGHWAY_DEV")
    with pytest.raises(InvalidInput, match="单位代码"):
        policy_change(fresh(), "2026-09-28T08:00:00+08:00", reporter=SEAT)
    case = policy_change(fresh(), "2026-09-28T08:00:00+08:00", reporter=SEAT, unit_code="BUS_GROUP")
    assert task_at(fresh(), case, "submit").unit_code == "BUS_GROUP"
    with pytest.raises(InvalidInput, match="不能晚于现在"):
        policy_change(fresh(), "2026-12-28T08:00:00+08:00")


def test_the_quarterly_cycle_opens_the_revision_once_per_quarter(fresh, clock):
    """O2: the schedule started Mon 28 Sep waits for 1 Oct 00:00; the revision is due 20
    working days from the quarter's start, counted from 8 Oct (1–7 Oct off). Firing again
    in the same quarter opens nothing; 1 Jan opens the next quarter's."""
    case_no = schedule(fresh())
    assert schedule(fresh()) == case_no  # one standing case, however often it is asked
    case = fresh().case(case_no)
    ref = type("Ref", (), {"case_id": case.id, "case_no": case_no})
    assert open_steps(fresh(), ref) == []
    clock.set(at("2026-09-30T23:59:59"))
    assert fresh().fire_due_timers() == 0
    assert revisions(fresh(), ref) == []
    clock.set(at("2026-10-01T00:00"))
    assert fresh().fire_due_timers() == 1  # the worker counts a cycle's firing like any
    [revise] = revisions(fresh(), ref)
    assert (revise.unit_code, revise.role) == ("CENTER", "投诉受理岗")
    near(revise.due_at, at("2026-11-04T00:00"))
    for day in ("2026-10-02T00:00", "2026-12-31T23:59"):
        clock.set(at(day))
        fresh().fire_due_timers()
    assert len(revisions(fresh(), ref)) == 1
    step(fresh(), ref, "revise", REVISED)
    clock.set(at("2027-01-01T00:00"))
    fresh().fire_due_timers()
    fresh().fire_due_timers()
    assert len(revisions(fresh(), ref)) == 1
    cycle_fires = [e for e in fresh().history(case.id) if e.element_id == "quarterly"]
    assert [(e.kind, e.data["due_at"]) for e in cycle_fires] == [
        ("timer_fired", "2026-09-30T16:00:00+00:00"),
        ("timer_fired", "2026-12-31T16:00:00+00:00"),
    ]
    assert status(fresh(), ref) == "running"
    audited(fresh(), ref)


def test_a_restart_that_skipped_the_instant_opens_that_quarters_revision_once(fresh, clock):
    """The service was down from 30 Sep to 15 Oct: the new process fires the missed 1 Oct
    occurrence once, its revision dated from the quarter's start (so already counting), and
    the timer waits for 1 Jan."""
    case_no = schedule(fresh())
    case = fresh().case(case_no)
    ref = type("Ref", (), {"case_id": case.id, "case_no": case_no})
    clock.set(at("2026-10-15T11:00"))
    restarted = fresh()
    assert restarted.fire_due_timers() == 1
    assert restarted.fire_due_timers() == 0
    assert fresh().fire_due_timers() == 0
    [revise] = revisions(fresh(), ref)
    near(revise.due_at, at("2026-11-04T00:00"))
    with fresh().sessions() as session:
        [timer] = session.scalars(
            select(Timer).where(
                Timer.instance_id == case.id,
                Timer.state == "waiting",
                Timer.element_id == "quarterly",
            )
        ).all()
        assert timer.due_at == at("2027-01-01T00:00")
    clock.advance(days=1)
    fresh().fire_due_timers()
    assert len(revisions(fresh(), ref)) == 1
    audited(fresh(), ref)


def test_a_second_schedule_started_in_a_race_is_refused_and_the_first_one_returned(
    fresh, monkeypatch
):
    """O2: two people asking at once both saw no running schedule; the second start meets
    the standing row, is undone, and is answered with the first one's case."""
    first = schedule(fresh())
    facts = {"kind": "quarterly", "title": "知识库季度修订", "channel": knowledge.PROCESS}
    with pytest.raises(Conflict):
        fresh().start_case(knowledge.PROCESS, {**facts, "urgency": "normal"}, starter=SEAT)
    looks = iter([None])  # the look before starting sees none, as a race's loser did
    real = knowledge.schedule_case
    monkeypatch.setattr(knowledge, "schedule_case", lambda s: next(looks, None) or real(s))
    assert schedule(fresh()) == first
    with fresh().sessions() as session:
        assert session.scalar(select(func.count()).select_from(Instance)) == 1
