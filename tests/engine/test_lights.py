"""电子监察 (E12): every watched step shows green → yellow at 80% of its allowed working time →
red when overdue; the changes are BPMN timer events recorded in the case history; red steps
are pressed (催办) by the center's 投诉受理岗 and, for urgent events (E7), overseen by 局办公室."""

from __future__ import annotations

from datetime import datetime, timedelta

from engine.time.clock import SHANGHAI
from tests.factories import open_tasks, report, step, task_at


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def light(jtflow, case, element_id):  # type: ignore[no-untyped-def]
    return task_at(jtflow, case, element_id).light


def light_changes(jtflow, case):  # type: ignore[no-untyped-def]
    return [
        (e.element_id, e.data["light"], datetime.fromisoformat(e.data["changed_at"]))
        for e in jtflow.history(case.case_id)
        if e.kind == "light_changed"
    ]


def near(stored: datetime, rule: datetime) -> datetime:
    """A stored instant, checked to be the rule's give or take the milliseconds the ticking
    test clock moved before the step it counts from."""
    assert timedelta(0) <= stored - rule < timedelta(seconds=1), (stored, rule)
    return stored


def fired_at(jtflow, case, timer_id):  # type: ignore[no-untyped-def]
    """The instant of the step that fired the timer: every row that step wrote carries it."""
    [fired] = [e for e in jtflow.history(case.case_id) if e.element_id == timer_id]
    assert fired.kind == "timer_fired"
    return fired.at


def walk_lights(jtflow, clock, case, element_id, warn, due):  # type: ignore[no-untyped-def]
    """Green until `warn`, yellow from `warn`, red from `due`: checked a second either side."""
    task = task_at(jtflow, case, element_id)
    warn, due = near(task.warn_at, warn), near(task.due_at, due)
    for instant, expected in [
        (warn - timedelta(seconds=1), "green"),
        (warn, "yellow"),
        (due - timedelta(seconds=1), "yellow"),
        (due, "red"),
    ]:
        clock.set(instant)
        jtflow.fire_due_timers()
        assert light(jtflow, case, element_id) == expected, instant
    assert light_changes(jtflow, case) == [
        (element_id, "yellow", warn),
        (element_id, "red", due),
    ]


def escalations(jtflow, case):  # type: ignore[no-untyped-def]
    return sorted(
        (t.element_id, t.unit_code, t.role)
        for t in open_tasks(jtflow, case)
        if t.element_id in ("press", "oversee")
    )


def transferred(jtflow, clock, **event):  # type: ignore[no-untyped-def]
    case = report(jtflow, **event)
    step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    return case


def test_a_one_working_day_step_turns_yellow_then_red_and_the_center_presses(fresh, clock):
    """E2, E12: 分类转办 Monday 09:00 → due Tuesday 09:00; yellow after 80% of the 24 working
    hours (Tuesday 04:12); at red the 投诉受理岗 gets a 催办 task, and nobody else (not urgent)."""
    jtflow = fresh()
    case = report(jtflow)
    walk_lights(fresh(), clock, case, "classify", at("2026-09-29T04:12"), at("2026-09-29T09:00"))
    assert escalations(fresh(), case) == [("press", "CENTER", "投诉受理岗")]
    press = task_at(fresh(), case, "press")
    red = fired_at(fresh(), case, "timer_classify")
    assert press.created_at == red and near(red, at("2026-09-29T09:00"))


def test_a_thirty_minute_step_of_a_critical_event_is_overseen_by_the_bureau_office(fresh, clock):
    """E6, E7, E12: 特别紧急 reply due 30 min after transfer; yellow at 24 min; at red the center
    presses and 局办公室 gets a 督办 task at the same instant."""
    case = transferred(fresh(), clock, urgency="critical")
    for element_id in ("supervise", "phone_report"):  # E7's own steps, not watched here
        step(fresh(), case, element_id)
    step(fresh(), case, "sign_for")
    walk_lights(
        fresh(), clock, case, "handle_reply", at("2026-09-28T09:24"), at("2026-09-28T09:30")
    )
    assert ("oversee", "BUREAU_OFFICE", "办理人") in escalations(fresh(), case)
    assert ("press", "CENTER", "投诉受理岗") in escalations(fresh(), case)
    red = fired_at(fresh(), case, "timer_handle_reply")
    assert task_at(fresh(), case, "oversee").created_at == red
    assert task_at(fresh(), case, "press").created_at == red


def test_a_ten_working_day_step_counts_working_time_across_national_day(fresh, clock):
    """SPEC §2, E6, E12: 一般 reply transferred Mon 28 Sep 09:00 is due Fri 16 Oct 09:00 (1–7 Oct
    off, Sat 10 Oct worked); 80% of its working time has passed on Wed 14 Oct 09:00 — not on
    12 Oct, as wall-clock time would say."""
    case = transferred(fresh(), clock)
    step(fresh(), case, "sign_for")
    walk_lights(
        fresh(), clock, case, "handle_reply", at("2026-10-14T09:00"), at("2026-10-16T09:00")
    )


def test_a_step_finished_late_keeps_how_late_it_was(fresh, clock):
    """E12: finished 2 h 30 min after its deadline; an on-time step records no lateness."""
    case = report(fresh())
    clock.set(at("2026-09-29T11:30"))
    fresh().fire_due_timers()
    done = step(fresh(), case, "classify", {"decision": "transfer"})
    assert fresh().task(done.id).late_seconds == 9000
    signed = step(fresh(), case, "sign_for")
    assert fresh().task(signed.id).late_seconds is None
    completed = [e for e in fresh().history(case.case_id) if e.kind == "task_completed"]
    assert [e.data["late_seconds"] for e in completed] == [9000, None]


def test_a_step_already_overdue_when_it_opens_is_red_at_once(fresh, clock):
    """E12: an event reported two working days after discovery opens its 分类转办 red, with both
    light changes and the 催办 in its history — a timer that comes due in the step that reaches it
    is recorded like any other."""
    clock.set(at("2026-09-30T10:00"))
    case = report(fresh(), discovered_at=at("2026-09-28T09:00").isoformat())
    assert light(fresh(), case, "classify") == "red"
    assert [(e, lamp) for e, lamp, _ in light_changes(fresh(), case)] == [
        ("classify", "yellow"),
        ("classify", "red"),
    ]
    assert escalations(fresh(), case) == [("press", "CENTER", "投诉受理岗")]


def test_pressing_is_recorded_and_the_case_goes_on(fresh, clock):
    """E12: the 催办 is done with its method and note; the overdue step still gets done."""
    case = report(fresh())
    clock.set(at("2026-09-29T09:00"))
    fresh().fire_due_timers()
    step(fresh(), case, "press")
    pressed = [e for e in fresh().history(case.case_id) if e.element_id == "press"]
    assert pressed[-1].kind == "task_completed"
    assert pressed[-1].data["data"]["press_method"] == "phone"
    step(fresh(), case, "classify", {"decision": "transfer"})
    assert task_at(fresh(), case, "sign_for").light == "green"


def test_an_escalation_is_a_history_event_of_its_own(fresh, clock):
    """E12, S2: the red light's 催办 shows in the history as `escalated`, naming the step."""
    case = report(fresh())
    clock.set(at("2026-09-29T09:00"))
    fresh().fire_due_timers()
    [escalated] = [e for e in fresh().history(case.case_id) if e.kind == "escalated"]
    assert escalated.element_id == "press"
    assert escalated.data == {"overdue_step": "分类转办", "unit": "CENTER", "chased_unit": "CENTER"}
