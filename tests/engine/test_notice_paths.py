"""Every path of processes/interface_notice.bpmn (O1, O3), each step by its own user through
the engine on a fresh engine object (saved, reloaded, continued): an upgrade announced in
time or late, a fault repaired, rejected and repaired again, data back-filled (once
incomplete), the affected resources interrupted while the notice is open; and each
deadline on the working-day calendar across the National Day holiday, with its lights and
the center's 催办."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine import notices
from engine.errors import FormInvalid, InvalidInput, PermissionDenied
from engine.record.audit import verify
from tests.engine.test_lights import at, fired_at, near, walk_lights
from tests.factories import kinds, open_steps, status, step, task_at
from tests.notices import FAULT, UPGRADE, notice_resource, notify
from tests.walkthrough import replays_exactly

RECEIVE = {"receipt_note": "已登记，已告知共享使用方。"}
RESTORED = {"restore_note": "已恢复推送。", "data_missing": False}
RESTORED_MISSING = {
    "restore_note": "已更换硬盘，恢复推送。",
    "data_missing": True,
    "missing_note": "中断期间的车辆位置。",
}
CONFIRM = {"confirmed": True, "confirm_note": "平台已收到实时数据。"}
NOT_RESTORED = {"confirmed": False, "confirm_note": "仍无数据到达平台。"}
BACKFILL = {"backfill_note": "已补传中断期间数据。"}
COMPLETE = {"complete": True, "check_note": "核对无误。"}
INCOMPLETE = {"complete": False, "check_note": "缺少 18:00 以后的数据。"}
PRESS = {"press_method": "phone", "press_note": "已电话催办。"}

# Wed 30 Sep 2026, 10:00 in Xiamen: 1–7 October are off, Sat 10 October is worked (调休).
WEDNESDAY = "2026-09-30T10:00"


def upgrade(jtflow, clock, stop: str, resume: str = "2026-10-20T06:00"):  # type: ignore[no-untyped-def]
    clock.set(at(WEDNESDAY))
    case, resource_id = notify(
        jtflow, UPGRADE, stop_at=f"{stop}:00+08:00", planned_resume=f"{resume}:00+08:00"
    )
    return case, resource_id


def fault(jtflow, clock, discovered: str = "2026-09-30T08:00", **form):  # type: ignore[no-untyped-def]
    clock.set(at(WEDNESDAY))
    return notify(jtflow, FAULT, discovered_at=f"{discovered}:00+08:00", **form)


def facts(jtflow, case) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return dict(jtflow.case(case.case_id).facts)


def interrupted(jtflow, resource_id) -> bool:  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        return resource_id in notices.interrupted(session)


def audited(jtflow, case) -> None:  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        assert verify(session, case.case_id).broken == []
    replays_exactly(jtflow, case.case_no)


def test_an_upgrade_announced_three_working_days_ahead_is_in_time_and_ends_restored(fresh, clock):
    """O1: notified Wed 30 Sep 10:00; three working days on are Thu 8, Fri 9 and Sat 10 Oct
    (1–7 Oct off): a stop at Sat 10 Oct 11:00 is in time. The center receives it, the unit
    restores, the center confirms; nothing missing, the case ends and the resource is no
    longer interrupted."""
    case, resource_id = upgrade(fresh(), clock, "2026-10-10T11:00")
    assert case.case_no.startswith("TZ")
    told = facts(fresh(), case)
    assert told["notice_late"] is False and told["notice_rule"] == "O1"
    near(datetime.fromisoformat(told["notice_deadline"]), at("2026-10-10T10:00"))
    assert interrupted(fresh(), resource_id)
    received = step(fresh(), case, "receive", RECEIVE)
    assert (received.unit_code, received.role) == ("CENTER", "数据资源管理岗")
    restored = step(fresh(), case, "restore", RESTORED)
    assert (restored.unit_code, restored.role) == ("BUS_GROUP", "数据资源管理员")
    assert interrupted(fresh(), resource_id)
    step(fresh(), case, "confirm_restore", CONFIRM)
    assert status(fresh(), case) == "completed"
    assert not interrupted(fresh(), resource_id)
    audited(fresh(), case)


def test_an_upgrade_announced_less_than_three_working_days_ahead_is_accepted_as_late(fresh, clock):
    """O1: a stop at Fri 9 Oct 10:00, notified Wed 30 Sep 10:00, is only two working days
    ahead: accepted, recorded late, and found by the late-notice query (A2)."""
    case, _ = upgrade(fresh(), clock, "2026-10-09T10:00")
    assert facts(fresh(), case)["notice_late"] is True
    assert open_steps(fresh(), case) == ["receive"]
    with fresh().sessions() as session:
        late = notices.notices_of_unit(session, "BUS_GROUP", late=True)
        in_time = notices.notices_of_unit(session, "BUS_GROUP", late=False)
    assert [c.id for c in late] == [case.case_id] and in_time == []
    audited(fresh(), case)


@pytest.mark.parametrize(
    ("kind", "discovered", "late", "rule"),
    [
        ("fault", "2026-09-30T08:00", False, "O1"),
        # discovered Tue 29 Sep 09:00: due Wed 30 Sep 09:00, notified an hour after
        ("force_majeure", "2026-09-29T09:00", True, "O3"),
    ],
)
def test_a_fault_is_due_one_working_day_after_its_discovery(
    fresh, clock, kind, discovered, late, rule
):
    case, _ = fault(fresh(), clock, discovered, kind=kind)
    told = facts(fresh(), case)
    assert (told["notice_late"], told["notice_rule"], told["kind_name"]) == (
        late,
        rule,
        notices.KINDS[kind],
    )


def test_a_fault_notified_the_working_day_after_the_holiday_is_in_time(fresh, clock):
    """O1: discovered Wed 30 Sep 16:00, 1 working day runs to Thu 8 Oct 16:00 (1–7 Oct off):
    a notice at Thu 8 Oct 15:00 is in time; at 17:00 it is late."""
    for notified, late in (("2026-10-08T15:00", False), ("2026-10-08T17:00", True)):
        resource_id = notice_resource(fresh())
        clock.set(at(notified))
        case = notices.file_notice(
            fresh(),
            {**FAULT, "resource_ids": [resource_id], "discovered_at": "2026-09-30T16:00:00+08:00"},
            filer="bus_data",
        )
        assert facts(fresh(), case)["notice_late"] is late, notified


def test_a_fault_repaired_rejected_repaired_again_then_backfilled_incomplete_then_complete(
    fresh, clock
):
    """O1: the center's check sends an unfinished repair back; missing data is back-filled
    and checked, once sent back as incomplete. The resource is interrupted until the end."""
    case, resource_id = fault(fresh(), clock)
    step(fresh(), case, "receive", RECEIVE)
    step(fresh(), case, "restore", RESTORED_MISSING)
    step(fresh(), case, "confirm_restore", NOT_RESTORED)
    assert open_steps(fresh(), case) == ["restore"]
    step(fresh(), case, "restore", RESTORED_MISSING)
    step(fresh(), case, "confirm_restore", CONFIRM)
    backfill = task_at(fresh(), case, "backfill")
    assert (backfill.unit_code, backfill.role) == ("BUS_GROUP", "数据资源管理员")
    step(fresh(), case, "backfill", BACKFILL)
    step(fresh(), case, "confirm_backfill", INCOMPLETE)
    assert open_steps(fresh(), case) == ["backfill"]
    assert interrupted(fresh(), resource_id)
    step(fresh(), case, "backfill", BACKFILL)
    step(fresh(), case, "confirm_backfill", COMPLETE)
    assert status(fresh(), case) == "completed"
    assert not interrupted(fresh(), resource_id)
    history = kinds(fresh(), case)
    assert history.count("restore_rejected") == 1 and history.count("backfill_rejected") == 1
    audited(fresh(), case)


def test_the_center_receives_within_one_working_day_across_national_day_then_is_pressed(
    fresh, clock
):
    """E12: notified Wed 30 Sep 10:00, receipt is due Thu 8 Oct 10:00, yellow at 80% of the
    working time (Thu 8 Oct 05:12 counts no holiday); red opens the center's 催办."""
    case, _ = fault(fresh(), clock)
    walk_lights(fresh(), clock, case, "receive", at("2026-10-08T05:12"), at("2026-10-08T10:00"))
    pressed = task_at(fresh(), case, "press")
    assert (pressed.unit_code, pressed.role) == ("CENTER", "数据资源管理岗")
    assert pressed.created_at == fired_at(fresh(), case, "timer_receive")
    step(fresh(), case, "press", PRESS)
    assert "escalated" in kinds(fresh(), case)
    step(fresh(), case, "receive", RECEIVE)
    assert open_steps(fresh(), case) == ["restore"]
    audited(fresh(), case)


def test_a_fault_is_repaired_within_three_working_days_of_receipt(fresh, clock):
    """O1 (及时修复, the system's 3 WD): received Wed 30 Sep 10:00 → due Sat 10 Oct 10:00."""
    case, _ = fault(fresh(), clock)
    step(fresh(), case, "receive", RECEIVE)
    task = task_at(fresh(), case, "restore")
    near(task.due_at, at("2026-10-10T10:00"))
    clock.set(at("2026-10-10T10:01"))
    fresh().fire_due_timers()
    assert task_at(fresh(), case, "restore").light == "red"
    assert sorted(open_steps(fresh(), case)) == ["press", "restore"]


def test_an_upgrade_is_due_back_at_its_planned_resume(fresh, clock):
    case, _ = upgrade(fresh(), clock, "2026-10-12T20:00", "2026-10-13T06:00")
    step(fresh(), case, "receive", RECEIVE)
    near(task_at(fresh(), case, "restore").due_at, at("2026-10-13T06:00"))


def test_the_repair_check_and_the_backfill_and_its_check_are_due_on_the_calendar(fresh, clock):
    """E12: restored Wed 30 Sep 10:00 → the center confirms by Thu 8 Oct 10:00; confirmed
    then → back-fill by Sat 10 Oct 10:00 (3 WD, the diagram's 确定补传时限); reported Fri 9
    Oct 10:00 → the center checks by Sat 10 Oct 10:00."""
    case, _ = fault(fresh(), clock)
    clock.set(at("2026-09-29T10:00"))
    step(fresh(), case, "receive", RECEIVE)
    clock.set(at(WEDNESDAY))
    step(fresh(), case, "restore", RESTORED_MISSING)
    near(task_at(fresh(), case, "confirm_restore").due_at, at("2026-10-08T10:00"))
    step(fresh(), case, "confirm_restore", CONFIRM)
    backfill = task_at(fresh(), case, "backfill")
    near(backfill.due_at, at("2026-10-10T10:00"))
    clock.set(at("2026-10-09T10:00"))
    step(fresh(), case, "backfill", BACKFILL)
    check = task_at(fresh(), case, "confirm_backfill")
    near(check.due_at, at("2026-10-10T10:00"))
    clock.set(at("2026-10-10T10:01"))
    fresh().fire_due_timers()
    assert task_at(fresh(), case, "confirm_backfill").light == "red"
    step(fresh(), case, "confirm_backfill", COMPLETE)
    assert fresh().task(check.id).late_seconds is not None
    audited(fresh(), case)


def test_only_the_providing_unit_notifies_for_its_resources(fresh, clock):
    """S1: another unit's resource, the center, an auditor and an applicant are refused."""
    resource_id = notice_resource(fresh())
    form = {**FAULT, "resource_ids": [resource_id], "discovered_at": "2026-09-28T08:00:00+08:00"}
    with pytest.raises(PermissionDenied, match="不是本单位提供的资源"):
        notices.file_notice(fresh(), form, filer="highway_data")
    for outsider in ("c_data", "auditor", "xmu_lab"):
        with pytest.raises(PermissionDenied, match="不能报送接口通知"):
            notices.file_notice(fresh(), form, filer=outsider)


def test_a_notice_names_published_resources_and_the_instants_its_kind_needs(fresh, clock):
    draft = notice_resource(fresh(), status="draft")
    with pytest.raises(InvalidInput, match="不是资源目录中已发布的资源"):
        notices.file_notice(
            fresh(),
            {**FAULT, "resource_ids": [draft], "discovered_at": "2026-09-28T08:00:00+08:00"},
            filer="bus_data",
        )
    resource_id = notice_resource(fresh())
    with pytest.raises(FormInvalid):
        notices.file_notice(fresh(), {**UPGRADE, "resource_ids": [resource_id]}, filer="bus_data")
    with pytest.raises(InvalidInput, match="计划恢复时间应晚于"):
        notices.file_notice(
            fresh(),
            {
                **UPGRADE,
                "resource_ids": [resource_id],
                "stop_at": "2026-10-12T20:00:00+08:00",
                "planned_resume": "2026-10-12T19:00:00+08:00",
            },
            filer="bus_data",
        )
