"""Every deadline of SPEC §3 is a BPMN timer that fires exactly on time on the fake clock:
1 WD (E2, E4, E5, E6), 5 WD and 10 WD (E6), 30 min (E6), 1 h and 24 h (E7) — across the real
2026 National Day holiday with its 调休 working Saturday, and provisionally in 2027 (SPEC §2).

The test clock ticks a millisecond at every read, so a deadline counted from a step that
was not set to an exact instant lands a few milliseconds past the rule's minute: `deadline`
checks it to the second and gives the stored instant, at which the timer fires exactly."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from engine.time.clock import SHANGHAI
from tests.factories import open_steps, report, step, task_at


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def deadline(task, text: str) -> datetime:  # type: ignore[no-untyped-def]
    """The task's stored deadline, checked to be the rule's `text` (Xiamen time) give or take
    the milliseconds the ticking clock moved before the step it counts from."""
    assert timedelta(0) <= task.due_at - at(text) < timedelta(seconds=1), (task.due_at, text)
    return task.due_at


def fired(jtflow, case):  # type: ignore[no-untyped-def]
    return [e.element_id for e in jtflow.history(case.case_id) if e.kind == "timer_fired"]


def assert_fires_exactly_at(jtflow, clock, case, timer_id, due):  # type: ignore[no-untyped-def]
    clock.set(due - timedelta(seconds=1))
    jtflow.fire_due_timers()
    assert timer_id not in fired(jtflow, case), f"{timer_id} fired before {due}"
    clock.set(due)
    jtflow.fire_due_timers()
    assert timer_id in fired(jtflow, case), f"{timer_id} did not fire at {due}"


def transferred(jtflow, **event):  # type: ignore[no-untyped-def]
    case = report(jtflow, **event)
    step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    return case


def test_transfer_deadline_is_one_working_day_from_discovery(jtflow, clock):
    """E2, E4: Monday 09:00 → Tuesday 09:00."""
    case = report(jtflow)
    assert task_at(jtflow, case, "classify").due_at == at("2026-09-29T09:00")
    assert_fires_exactly_at(jtflow, clock, case, "timer_classify", at("2026-09-29T09:00"))
    assert task_at(jtflow, case, "classify").element_id == "classify"  # watching, not cancelling


def test_sign_for_deadline_skips_the_national_day_holiday(jtflow, clock):
    """E5: transferred Wednesday 30 Sep 10:00 → due Thursday 8 Oct 10:00 (1–7 Oct are off)."""
    case = report(jtflow)
    clock.set(at("2026-09-30T10:00"))
    step(jtflow, case, "classify", {"decision": "transfer"})
    assert task_at(jtflow, case, "sign_for").due_at == at("2026-10-08T10:00")
    assert_fires_exactly_at(jtflow, clock, case, "timer_sign_for", at("2026-10-08T10:00"))


@pytest.mark.parametrize(
    ("urgency", "due"),
    [
        ("critical", "2026-09-28T09:30"),  # 30 min, wall clock
        ("urgent", "2026-09-29T09:00"),  # 1 WD
        ("pressing", "2026-10-10T09:00"),  # 5 WD: lands on the 调休 working Saturday
        ("normal", "2026-10-16T09:00"),  # 10 WD across the holiday
    ],
)
def test_feedback_deadline_by_urgency(jtflow, clock, urgency, due):
    """E6: 特别紧急 30 min, 紧急 1 WD, 较急 5 WD, 一般 10 WD, counted from the transfer."""
    case = transferred(jtflow, urgency=urgency)
    step(jtflow, case, "sign_for")
    reply = task_at(jtflow, case, "handle_reply")
    assert not reply.provisional
    assert_fires_exactly_at(jtflow, clock, case, "timer_handle_reply", deadline(reply, due))


# Counted from Mon 28 Sep 2026 09:00, over National Day (1–7 Oct off, Sat 10 Oct worked):
# working days 29 Sep, 30 Sep, 8, 9, 10, 12, 13 … Oct.
URGENCY_DUE = {  # 5.2.2 by urgency, from the transfer
    "critical": "2026-09-28T09:30",  # 30 min, wall clock
    "urgent": "2026-09-29T09:00",  # 1 WD
    "pressing": "2026-10-10T09:00",  # 5 WD: the 调休 working Saturday
    "normal": "2026-10-16T09:00",  # 10 WD
}
PLATFORM_DUE = {  # DMN platform_deadline, from discovery: (the platform's, the unit's share)
    "hotline_12328": ("2026-10-13T09:00", "2026-10-12T09:00"),  # 7 WD, less the center's 1 WD
    "platform_12345": ("2026-10-10T09:00", "2026-10-09T09:00"),  # 5 WD, less 1 WD
    "public_safety": ("2026-10-08T09:00", "2026-09-30T09:00"),  # 3 WD, less 1 WD: over the holiday
}
CHANNELS = ("monitoring", "opinion", "duty_phone", "patrol", *PLATFORM_DUE)
ANSWERED = ("platform_12345", "public_safety")  # the center answers these platforms itself


def close_branches(jtflow, case):  # type: ignore[no-untyped-def]
    """Finish what an urgent event opened beside the reply (E7), so the case can close."""
    for element_id in ("supervise", "phone_report", "written_report", "office_review"):
        if element_id in open_steps(jtflow, case):
            step(jtflow, case, element_id)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("urgency", URGENCY_DUE)
def test_every_channel_and_urgency_gets_the_stricter_deadline_inside_the_platforms(
    jtflow, clock, channel, urgency
):
    """E6 (5.2.2, 5.2.3): the unit's reply is due by its urgency's time limit, and for a
    12328 / 12345 / public-safety event no later than the platform's limit less the center's
    share; the center's audit and its answer to the platform end no later than the platform's
    limit, even when the unit takes all its time. Across National Day, for every pair."""
    clock.set(at("2026-09-28T09:00"))
    case = report(jtflow, channel=channel, urgency=urgency, discovered_at=clock.now().isoformat())
    if channel == "patrol":  # a major patrol event reported to the bureau (E11)
        step(jtflow, case, "patrol_handle", {"disposal": "需局协调", "major": True})
    step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    step(jtflow, case, "sign_for")
    platform, unit_share = PLATFORM_DUE.get(channel, (None, None))
    unit_due = min(filter(None, (URGENCY_DUE[urgency], unit_share)))
    share_binds = unit_due == unit_share and urgency in ("pressing", "normal")
    due_at = deadline(task_at(jtflow, case, "handle_reply"), unit_due)
    if share_binds:
        assert_fires_exactly_at(jtflow, clock, case, "timer_handle_reply", due_at)
    clock.set(due_at)  # the unit replies at its deadline's last instant
    step(jtflow, case, "handle_reply")
    step(jtflow, case, "leader_approve")
    audit = task_at(jtflow, case, "center_audit")
    if platform is not None:
        assert audit.due_at <= at(platform)
        if share_binds:  # 1 WD after the unit's share: the platform's own end
            deadline(audit, platform)
    clock.set(audit.due_at - timedelta(minutes=1))
    step(jtflow, case, "center_audit")
    close_branches(jtflow, case)
    if channel in ANSWERED:
        answer = task_at(jtflow, case, "answer_platform")
        assert answer.due_at <= at(platform)
        if share_binds:
            deadline(answer, platform)
            assert_fires_exactly_at(jtflow, clock, case, "timer_answer_platform", answer.due_at)
    else:
        assert "answer_platform" not in open_steps(jtflow, case)


def test_a_return_after_the_units_share_is_red_at_once(jtflow, clock):
    """E6, E10: a resubmission gets a fresh time limit, but never past the platform's less the
    center's share — a reply returned after that is late at once, and the 催办 says so."""
    clock.set(at("2026-09-28T09:00"))
    case = report(jtflow, channel="public_safety", discovered_at=clock.now().isoformat())
    step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    step(jtflow, case, "sign_for")
    step(jtflow, case, "handle_reply")
    step(jtflow, case, "leader_approve")
    clock.set(at("2026-10-08T08:00"))
    step(jtflow, case, "center_audit", {"accepted": False, "reason": "要素不全", "basis": "E8"})
    assert task_at(jtflow, case, "handle_reply").due_at == at("2026-09-30T09:00")
    jtflow.fire_due_timers()
    assert "timer_handle_reply" in fired(jtflow, case)
    assert task_at(jtflow, case, "handle_reply").light == "red"


def test_urgent_phone_report_within_one_hour_and_written_report_within_24_hours(jtflow, clock):
    """E7: counted on the wall clock from the transfer."""
    case = transferred(jtflow, urgency="urgent")
    due_at = deadline(task_at(jtflow, case, "phone_report"), "2026-09-28T10:00")
    assert_fires_exactly_at(jtflow, clock, case, "timer_phone_report", due_at)
    step(jtflow, case, "phone_report")
    due_at = deadline(task_at(jtflow, case, "written_report"), "2026-09-29T09:00")
    assert_fires_exactly_at(jtflow, clock, case, "timer_written_report", due_at)


def test_resubmission_after_a_return_gets_a_fresh_deadline(jtflow, clock):
    """E10: the new E6 deadline counts from the return."""
    case = transferred(jtflow, urgency="pressing")
    step(jtflow, case, "sign_for")
    step(jtflow, case, "handle_reply")
    step(jtflow, case, "leader_approve")
    clock.set(at("2026-10-12T14:00"))
    step(jtflow, case, "center_audit", {"accepted": False, "reason": "要素不全", "basis": "E8"})
    assert task_at(jtflow, case, "handle_reply").due_at == at("2026-10-19T14:00")  # 5 WD


def test_a_deadline_in_an_unknown_year_is_provisional_and_still_fires(jtflow, clock):
    """SPEC §2: 2027 is not in the calendar yet — weekdays count, and the deadline says so."""
    clock.set(at("2026-12-28T09:00"))
    case = transferred(jtflow, urgency="normal")
    step(jtflow, case, "sign_for")
    reply = task_at(jtflow, case, "handle_reply")
    assert reply.provisional
    due_at = deadline(reply, "2027-01-11T09:00")
    assert_fires_exactly_at(jtflow, clock, case, "timer_handle_reply", due_at)
    timer_event = [e for e in jtflow.history(case.case_id) if e.kind == "timer_fired"][-1]
    assert timer_event.data["provisional"] is True


def test_a_deadline_within_a_known_year_is_not_provisional(jtflow, clock):
    case = transferred(jtflow, urgency="pressing")
    step(jtflow, case, "sign_for")
    assert not task_at(jtflow, case, "handle_reply").provisional


def test_timers_missed_while_down_fire_on_the_next_call(jtflow, clock):
    """Three weeks pass with nobody firing: every due timer fires once, the open task stays."""
    case = transferred(jtflow, urgency="urgent")
    clock.advance(days=21)
    jtflow.fire_due_timers()
    assert sorted(fired(jtflow, case)) == [
        "timer_phone_report",
        "timer_sign_for",
        "timer_supervise",  # 局办公室's own 督办 step is watched too (E7, E12)
        "warn_phone_report",
        "warn_sign_for",
        "warn_supervise",
    ]
    assert jtflow.fire_due_timers() == 0
