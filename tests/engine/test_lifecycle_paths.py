"""Every path of processes/event_lifecycle.bpmn (SPEC §3), each step on a fresh engine object.

Each test asserts the tasks that appear, the unit and role that get them, and the final state.
"""

from __future__ import annotations

import pytest

from engine.errors import CaseArchived, Conflict
from tests.factories import kinds, open_steps, open_tasks, report, status, step, task_at


def unit_of(jtflow, case, element_id):  # type: ignore[no-untyped-def]
    task = task_at(jtflow, case, element_id)
    return task.unit_code, task.role


def finish_reply(fresh, case):  # type: ignore[no-untyped-def]
    """E6 → E9 → E10: reply, leader approves, center accepts."""
    step(fresh(), case, "handle_reply")
    step(fresh(), case, "leader_approve")
    step(fresh(), case, "center_audit")


def test_normal_event_is_transferred_handled_audited_and_archived(fresh):
    """E1, E2, E5, E6, E8, E9, E10, E13: the ordinary path, monitored by the center."""
    case = report(fresh(), channel="monitoring", urgency="normal")
    assert open_steps(fresh(), case) == ["classify"]
    assert unit_of(fresh(), case, "classify") == ("CENTER", "投诉受理岗")
    step(
        fresh(), case, "classify", {"decision": "transfer"}
    )  # DMN default: bus station → BUS_GROUP
    assert open_steps(fresh(), case) == ["sign_for"]
    assert unit_of(fresh(), case, "sign_for") == ("BUS_GROUP", "办理人")
    step(fresh(), case, "sign_for")
    assert unit_of(fresh(), case, "handle_reply") == ("BUS_GROUP", "办理人")
    step(fresh(), case, "handle_reply")
    assert unit_of(fresh(), case, "leader_approve") == ("BUS_GROUP", "单位领导")
    step(fresh(), case, "leader_approve")
    assert unit_of(fresh(), case, "center_audit") == ("CENTER", "投诉受理岗")
    step(fresh(), case, "center_audit")
    assert open_steps(fresh(), case) == ["archive"]
    step(fresh(), case, "archive")
    assert open_steps(fresh(), case) == []
    assert status(fresh(), case) == "archived"
    assert kinds(fresh(), case)[-1] == "case_ended"


@pytest.mark.parametrize("urgency", ["critical", "urgent"])
def test_urgent_event_is_supervised_and_reported_by_phone_and_in_writing(fresh, urgency):
    """E7: 督办 by 局办公室, 1 h phone report, 24 h written report reviewed by 局办公室."""
    case = report(fresh(), urgency=urgency)
    step(fresh(), case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    assert open_steps(fresh(), case) == ["phone_report", "sign_for", "supervise"]
    assert unit_of(fresh(), case, "supervise") == ("BUREAU_OFFICE", "办理人")
    assert unit_of(fresh(), case, "phone_report") == ("TRANSPORT_DEV", "办理人")
    step(fresh(), case, "supervise")
    step(fresh(), case, "phone_report")
    assert unit_of(fresh(), case, "written_report") == ("TRANSPORT_DEV", "办理人")
    step(fresh(), case, "written_report")
    step(fresh(), case, "office_review", {"approved": False, "opinion": "请补充处置照片说明"})
    step(fresh(), case, "written_report", {"result": "已补充说明，处置完毕。"})
    step(fresh(), case, "office_review")
    assert open_steps(fresh(), case) == ["sign_for"]
    step(fresh(), case, "sign_for")
    finish_reply(fresh, case)
    step(fresh(), case, "archive")
    assert status(fresh(), case) == "archived"


@pytest.mark.parametrize("urgency", ["pressing", "normal"])
def test_less_urgent_events_get_no_supervision(fresh, urgency):
    case = report(fresh(), urgency=urgency)
    step(fresh(), case, "classify", {"decision": "transfer"})
    assert open_steps(fresh(), case) == ["sign_for"]


def test_12328_complaint_is_revisited_after_closing(fresh):
    """E14: the revisit comes after the center accepts the reply and before the archive."""
    case = report(fresh(), channel="hotline_12328")
    step(fresh(), case, "classify", {"decision": "transfer"})
    step(fresh(), case, "sign_for")
    finish_reply(fresh, case)
    assert open_steps(fresh(), case) == ["revisit"]
    assert unit_of(fresh(), case, "revisit") == ("CENTER", "投诉受理岗")
    step(
        fresh(),
        case,
        "revisit",
        {"reached": True, "satisfaction": "basically_satisfied", "note": "投诉人表示基本满意"},
    )
    step(fresh(), case, "archive")
    revisit = [
        e
        for e in fresh().history(case.case_id)
        if e.element_id == "revisit" and e.kind == "task_completed"
    ]
    assert revisit[0].data["data"]["satisfaction"] == "basically_satisfied"
    assert status(fresh(), case) == "archived"


@pytest.mark.parametrize("channel", ["platform_12345", "public_safety"])
def test_platform_events_are_answered_to_their_platform(fresh, channel):
    """E6, E7: 12345 and public-safety events are answered back to the source platform."""
    case = report(fresh(), channel=channel)
    step(fresh(), case, "classify", {"decision": "transfer"})
    step(fresh(), case, "sign_for")
    finish_reply(fresh, case)
    assert open_steps(fresh(), case) == ["answer_platform"]
    assert unit_of(fresh(), case, "answer_platform") == ("CENTER", "平台受理岗")
    step(fresh(), case, "answer_platform")
    step(fresh(), case, "archive")
    assert status(fresh(), case) == "archived"


def test_event_out_of_remit_is_returned_with_reason_and_basis(fresh):
    """E4: 退件 with reason and basis ends the case."""
    case = report(fresh(), channel="platform_12345")
    step(
        fresh(),
        case,
        "classify",
        {
            "decision": "return",
            "return_reason": "属于城管职责",
            "return_basis": "《厦门市城市管理职责分工》",
        },
    )
    assert open_steps(fresh(), case) == []
    assert status(fresh(), case) == "returned"


def test_unclear_remit_goes_to_the_legal_office_then_back_to_the_center(fresh):
    """E4: 法规处 decides; the center then transfers."""
    case = report(fresh())
    step(fresh(), case, "classify", {"decision": "ask_remit", "remit_office": "BUREAU_LEGAL"})
    assert open_steps(fresh(), case) == ["remit_decision"]
    assert unit_of(fresh(), case, "remit_decision") == ("BUREAU_LEGAL", "办理人")
    step(fresh(), case, "remit_decision")
    assert open_steps(fresh(), case) == ["classify"]
    step(fresh(), case, "classify", {"decision": "transfer"})
    assert open_steps(fresh(), case) == ["sign_for"]


def test_unclear_remit_decided_out_of_remit_is_returned(fresh):
    case = report(fresh())
    step(fresh(), case, "classify", {"decision": "ask_remit", "remit_office": "BUREAU_OFFICE"})
    assert unit_of(fresh(), case, "remit_decision") == ("BUREAU_OFFICE", "办理人")
    step(
        fresh(),
        case,
        "remit_decision",
        {"in_remit": False, "opinion": "不属交通运输职责", "basis": "三定方案"},
    )
    step(
        fresh(),
        case,
        "classify",
        {"decision": "return", "return_reason": "法规处确认不属职责", "return_basis": "三定方案"},
    )
    assert status(fresh(), case) == "returned"


def test_multi_unit_event_has_lead_and_co_handling_units(fresh):
    """E3: the lead handles and replies; each co-handling unit gives its opinion; both must finish."""
    case = report(fresh(), facility={"type": "bridge", "name": "海沧大桥"})
    step(
        fresh(),
        case,
        "classify",
        {
            "decision": "transfer",
            "lead_unit": "ROAD_BRIDGE",
            "co_units": ["HIGHWAY_DEV", "TRANSPORT_DEV"],
        },
    )
    co = sorted(t.unit_code for t in open_tasks(fresh(), case) if t.element_id == "co_handle")
    assert co == ["HIGHWAY_DEV", "TRANSPORT_DEV"]
    assert unit_of(fresh(), case, "sign_for") == ("ROAD_BRIDGE", "办理人")
    step(fresh(), case, "sign_for")
    finish_reply(fresh, case)
    assert open_steps(fresh(), case) == ["co_handle", "co_handle"]  # the join waits for them
    step(fresh(), case, "co_handle")  # as highway_handler
    step(fresh(), case, "co_handle")  # as transport_handler
    assert open_steps(fresh(), case) == ["archive"]


def test_refused_transfer_goes_to_the_fallback_unit(fresh):
    """E3, E5: the lead asks to return it; the named fallback (兜底) unit gets a fresh sign-for."""
    case = report(fresh())
    step(
        fresh(),
        case,
        "classify",
        {"decision": "transfer", "lead_unit": "BUS_GROUP", "fallback_unit": "TRANSPORT_DEV"},
    )
    step(fresh(), case, "sign_for", {"accept": False, "reason": "该站点已移交运输事业发展中心"})
    assert unit_of(fresh(), case, "sign_for") == ("TRANSPORT_DEV", "办理人")
    step(fresh(), case, "sign_for")
    assert unit_of(fresh(), case, "handle_reply") == ("TRANSPORT_DEV", "办理人")


def test_refused_transfer_without_fallback_is_retransferred_by_the_center(fresh):
    case = report(fresh())
    step(fresh(), case, "classify", {"decision": "transfer", "lead_unit": "METRO_BRT"})
    step(fresh(), case, "sign_for", {"accept": False, "reason": "非 BRT 场站"})
    assert unit_of(fresh(), case, "retransfer") == ("CENTER", "投诉受理岗")
    step(fresh(), case, "retransfer", {"new_unit": "BUS_GROUP"})
    assert unit_of(fresh(), case, "sign_for") == ("BUS_GROUP", "办理人")


def test_important_reply_is_approved_by_the_deputy_leader_too(fresh):
    """E9: leader, then 分管领导 for important matters; either may send it back."""
    case = report(fresh())
    step(fresh(), case, "classify", {"decision": "transfer"})
    step(fresh(), case, "sign_for")
    reply = {"verification": "属实", "disposal": "已修复", "important": True}
    step(fresh(), case, "handle_reply", reply)
    step(fresh(), case, "leader_approve", {"approved": False, "opinion": "处置情况过简"})
    assert open_steps(fresh(), case) == ["handle_reply"]
    step(fresh(), case, "handle_reply", reply)
    step(fresh(), case, "leader_approve")
    assert unit_of(fresh(), case, "deputy_approve") == ("BUREAU_LEADER", "分管领导")
    step(fresh(), case, "deputy_approve")
    assert open_steps(fresh(), case) == ["center_audit"]


def test_center_returns_the_reply_three_times_then_accepts(fresh):
    """E10: each return sends the reply back to the unit; the count is kept for assessment."""
    case = report(fresh())
    step(fresh(), case, "classify", {"decision": "transfer"})
    step(fresh(), case, "sign_for")
    for _ in range(3):
        step(fresh(), case, "handle_reply")
        step(fresh(), case, "leader_approve")
        step(
            fresh(),
            case,
            "center_audit",
            {"accepted": False, "reason": "缺少处置照片", "basis": "答复格式要求"},
        )
        assert open_steps(fresh(), case) == ["handle_reply"]
    finish_reply(fresh, case)
    step(fresh(), case, "archive")
    assert status(fresh(), case) == "archived"
    returns = [
        e
        for e in fresh().history(case.case_id)
        if e.kind == "task_completed"
        and e.element_id == "center_audit"
        and not e.data["data"]["accepted"]
    ]
    assert len(returns) == 3


def test_patrol_event_handled_by_the_unit_is_recorded(fresh):
    """E11: a unit's own patrol event is handled by that unit and recorded for the bureau."""
    case = report(fresh(), channel="patrol")
    assert unit_of(fresh(), case, "patrol_handle") == ("BUS_GROUP", "办理人")
    step(fresh(), case, "patrol_handle", {"disposal": "已自行修复", "major": False})
    assert open_steps(fresh(), case) == []
    assert status(fresh(), case) == "recorded"


def test_major_patrol_event_enters_the_central_flow(fresh):
    """E11: a major patrol event is reported to the bureau and transferred by the center."""
    case = report(fresh(), channel="patrol")
    step(fresh(), case, "patrol_handle", {"disposal": "需多单位配合", "major": True})
    assert unit_of(fresh(), case, "classify") == ("CENTER", "投诉受理岗")
    step(fresh(), case, "classify", {"decision": "transfer"})
    step(fresh(), case, "sign_for")
    finish_reply(fresh, case)
    step(fresh(), case, "archive")
    assert status(fresh(), case) == "archived"


def test_archived_case_refuses_any_change(fresh):
    """E13: after 归档 nothing about the case can change."""
    case = report(fresh(), channel="platform_12345")
    done = step(
        fresh(),
        case,
        "classify",
        {"decision": "return", "return_reason": "非本部门职责", "return_basis": "职责分工"},
    )
    with pytest.raises(CaseArchived):
        fresh().complete(done.id, {"decision": "transfer"}, "c_12328")
    with pytest.raises(CaseArchived):
        fresh().claim(done.id, "c_12328")
    before = kinds(fresh(), case)
    assert kinds(fresh(), case) == before


def test_a_double_completion_is_a_conflict_and_changes_nothing(fresh):
    case = report(fresh())
    task = step(fresh(), case, "classify", {"decision": "transfer"})
    history = kinds(fresh(), case)
    with pytest.raises(Conflict, match="已由 c_12328"):
        fresh().complete(task.id, {"decision": "transfer"}, "c_12328")
    assert kinds(fresh(), case) == history
