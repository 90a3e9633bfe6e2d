"""Every step someone waits on is watched (E12, standard 第四节5, issue 16): the leaders'
approvals, the center's audit, the answer to the platform, the revisit and the archive have
their own deadlines on the working-day calendar; urgent events are transferred within
minutes (E7); a coordination asked of 局办公室 or 安监处 is a task of theirs (E3)."""

from __future__ import annotations

from datetime import datetime, timedelta

from engine.time.clock import SHANGHAI
from tests.factories import kinds, open_steps, report, status, step, task_at


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def near(stored: datetime | None, rule: datetime) -> None:
    assert stored is not None
    assert timedelta(0) <= stored - rule < timedelta(seconds=1), (stored, rule)


def history_of(jtflow, case, kind):  # type: ignore[no-untyped-def]
    return [e for e in jtflow.history(case.case_id) if e.kind == kind]


def test_an_urgent_event_is_transferred_within_thirty_minutes(fresh, clock):
    """E7, E12: 紧急 — the 分类转办 is due 30 minutes after discovery (not a working day), red
    then with its 催办; the unit's 签收 opening says it is an urgent transfer."""
    case = report(fresh(), urgency="urgent")
    classify = task_at(fresh(), case, "classify")
    near(classify.due_at, at("2026-09-28T09:30"))
    clock.set(at("2026-09-28T09:30:01"))
    fresh().fire_due_timers()
    assert task_at(fresh(), case, "classify").light == "red"
    assert "press" in open_steps(fresh(), case)
    step(fresh(), case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    [notice] = history_of(fresh(), case, "urgent_transfer")
    assert notice.element_id == "sign_for" and notice.data == {"unit": "TRANSPORT_DEV"}


def test_an_ordinary_event_keeps_its_working_day_and_no_urgent_notice(fresh, clock):
    """E2: 一般 — one working day from discovery; no urgent-transfer record."""
    case = report(fresh())
    near(task_at(fresh(), case, "classify").due_at, at("2026-09-29T09:00"))
    step(fresh(), case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    assert not history_of(fresh(), case, "urgent_transfer")


def test_the_leaders_approval_is_watched_across_national_day_and_pressed(fresh, clock):
    """E9, E12, SPEC §2: a reply sent Wed 30 Sep 10:00 makes 单位领导审核 due Thu 8 Oct 10:00
    (1–7 October off), yellow at 80% of its 24 working hours (8 Oct 05:12); red then, a 催办
    chasing it, closed by the approval."""
    case = report(fresh())
    step(fresh(), case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    step(fresh(), case, "sign_for")
    clock.set(at("2026-09-30T10:00"))
    step(fresh(), case, "handle_reply")
    leader = task_at(fresh(), case, "leader_approve")
    near(leader.due_at, at("2026-10-08T10:00"))
    clock.set(at("2026-10-07T23:59"))
    fresh().fire_due_timers()
    assert task_at(fresh(), case, "leader_approve").light == "green"  # the holiday not counted
    clock.set(at("2026-10-08T05:13"))
    fresh().fire_due_timers()
    assert task_at(fresh(), case, "leader_approve").light == "yellow"
    assert "press" not in open_steps(fresh(), case)
    clock.set(at("2026-10-08T10:00:01"))
    fresh().fire_due_timers()
    assert task_at(fresh(), case, "leader_approve").light == "red"
    press = task_at(fresh(), case, "press")
    assert press.chased_task_id == leader.id
    step(fresh(), case, "leader_approve")
    assert "press" not in open_steps(fresh(), case)
    assert history_of(fresh(), case, "reminder_closed")


def test_the_centers_audit_revisit_and_archive_have_their_own_deadlines(fresh, clock):
    """E10, E13, E14, E12: a 12328 complaint — the center's audit due a working day after the
    leader's approval, the revisit 3 working days after closing, the archive a working day
    after the revisit; none of them is pressed, they are the center's own steps."""
    case = report(fresh(), channel="hotline_12328")
    step(fresh(), case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    step(fresh(), case, "sign_for")
    step(fresh(), case, "handle_reply")
    clock.set(at("2026-09-29T15:00"))
    step(fresh(), case, "leader_approve")
    near(task_at(fresh(), case, "center_audit").due_at, at("2026-09-30T15:00"))
    clock.set(at("2026-09-30T16:00"))
    step(fresh(), case, "center_audit")
    near(task_at(fresh(), case, "revisit").due_at, at("2026-10-10T16:00"))  # Sat 10 Oct worked
    clock.set(at("2026-10-09T11:00"))
    step(fresh(), case, "revisit")
    near(task_at(fresh(), case, "archive").due_at, at("2026-10-10T11:00"))
    clock.set(at("2026-10-12T11:00"))
    fresh().fire_due_timers()
    assert task_at(fresh(), case, "archive").light == "red"
    assert "press" not in open_steps(fresh(), case)
    step(fresh(), case, "archive")
    assert status(fresh(), case) == "archived"


def test_a_coordination_asked_of_the_safety_office_is_its_task(fresh, clock):
    """E3: the center asks 安监处 to coordinate: 安监处's 办理人 gets 协调转办, due a working day
    after the transfer; the case closes only once it is done."""
    case = report(fresh())
    step(
        fresh(),
        case,
        "classify",
        {"decision": "transfer", "lead_unit": "TRANSPORT_DEV", "coordination": "BUREAU_SAFETY"},
    )
    coordinate = task_at(fresh(), case, "coordinate")
    assert (coordinate.unit_code, coordinate.role) == ("BUREAU_SAFETY", "办理人")
    near(coordinate.due_at, at("2026-09-29T09:00"))
    for element_id in ("sign_for", "handle_reply", "leader_approve", "center_audit"):
        step(fresh(), case, element_id)
    assert open_steps(fresh(), case) == ["coordinate"]  # the join waits for it
    step(fresh(), case, "coordinate")
    assert open_steps(fresh(), case) == ["archive"]
    assert "task_completed" in kinds(fresh(), case)


def test_no_coordination_opens_no_task(fresh, clock):
    """E3: without a coordinating office there is no 协调转办."""
    case = report(fresh())
    step(fresh(), case, "classify", {"decision": "transfer", "coordination": "none"})
    assert "coordinate" not in open_steps(fresh(), case)
