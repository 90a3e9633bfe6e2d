"""Every path of processes/sharing_request.bpmn (D3–D7), each step done by its own user through
the engine, each on a fresh engine object (saved, reloaded, continued): unconditional sharing
granted at once, a conditional answer within 10 working days reviewed and filed by the center,
refusals negotiated and coordinated by 局领导, and the provider's 校核 of doubted data."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from engine import sharing
from engine.errors import Conflict, FormInvalid, InvalidInput, PermissionDenied
from engine.models import Resource, ResourceChange
from engine.record.audit import verify
from tests.engine.test_lights import at, fired_at, near, walk_lights
from tests.factories import (
    SHARING_REQUEST,
    grant_of,
    kinds,
    open_steps,
    resource,
    status,
    step,
    task_at,
)
from tests.walkthrough import replays_exactly

REQUESTER = "highway_handler"  # 市公路事业发展中心 asks BUS_GROUP's data
AGREE = {"agree": True, "opinion": "同意按申请范围提供，注意保密。"}
REFUSE = {"agree": False, "reason": "涉及乘客个人信息，须脱敏后方可提供。"}
REVIEW = {"review_opinion": "答复要素齐全，予以备案。"}
PURSUE = {"pursue": True, "need": "线网优化须用到站数据。", "proposal": "只提供线路级汇总。"}
ACCEPT = {"pursue": False}
NEGOTIATED = {"agreed": True, "outcome": "同意提供线路级汇总数据。"}
FAILED = {"agreed": False, "outcome": "对脱敏方式未能达成一致。"}
FILE = {"filing_note": "结果已备案。"}


def ask(jtflow, share_type: str = "conditional", **form: Any):  # type: ignore[no-untyped-def]
    resource_id = resource(jtflow, share_type=share_type)
    return sharing.request_sharing(
        jtflow, resource_id, {**SHARING_REQUEST, **form}, requester=REQUESTER
    )


def audited(jtflow, case) -> None:  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        assert verify(session, case.case_id).broken == []
    replays_exactly(jtflow, case.case_no)


def test_an_unconditional_resource_is_granted_at_once_and_the_grant_recorded(fresh):
    """D3: registration is the grant; the grant and its event are written by the starting step."""
    case = ask(fresh(), "unconditional")
    assert case.case_no.startswith("GX") and case.tasks == []
    assert status(fresh(), case) == "granted"
    grant = grant_of(fresh(), case)
    assert grant is not None and grant.grantee == "HIGHWAY_DEV"
    assert (grant.purpose, grant.service_mode) == (SHARING_REQUEST["purpose"], "download")
    assert kinds(fresh(), case)[-2:] == ["share_granted", "case_ended"]
    audited(fresh(), case)


def test_a_conditional_request_agreed_by_the_provider_is_filed_then_granted(fresh):
    """D4: the providing unit's leader answers, the center reviews and files, the grant follows."""
    case = ask(fresh())
    assert [(t.element_id, t.unit_code, t.role) for t in case.tasks] == [
        ("reply", "BUS_GROUP", "单位领导")
    ]
    step(fresh(), case, "reply", AGREE)
    assert grant_of(fresh(), case) is None
    reviewed = step(fresh(), case, "center_review", REVIEW)
    assert (reviewed.unit_code, reviewed.role) == ("CENTER", "数据资源管理岗")
    assert status(fresh(), case) == "granted" and grant_of(fresh(), case) is not None
    audited(fresh(), case)


def test_a_refusal_must_state_its_reason(fresh):
    """D4: 拒绝共享 without 拒绝理由 is refused by the form; nothing moves."""
    case = ask(fresh())
    with pytest.raises(FormInvalid, match="拒绝理由"):
        step(fresh(), case, "reply", {"agree": False})
    assert open_steps(fresh(), case) == ["reply"]


def test_a_refusal_the_requester_accepts_ends_refused_without_a_grant(fresh):
    case = ask(fresh())
    step(fresh(), case, "reply", REFUSE)
    step(fresh(), case, "center_review", REVIEW)
    step(fresh(), case, "negotiate_request", ACCEPT)
    assert status(fresh(), case) == "refused" and grant_of(fresh(), case) is None
    assert "share_refused" in kinds(fresh(), case)
    audited(fresh(), case)


def test_a_refusal_negotiated_to_agreement_is_filed_and_granted(fresh):
    """D5: requester and provider negotiate; their agreement is filed by the center."""
    case = ask(fresh())
    step(fresh(), case, "reply", REFUSE)
    step(fresh(), case, "center_review", REVIEW)
    asked = step(fresh(), case, "negotiate_request", PURSUE)
    assert (asked.unit_code, asked.role) == ("HIGHWAY_DEV", "办理人")
    answered = step(fresh(), case, "negotiate_answer", NEGOTIATED)
    assert answered.unit_code == "BUS_GROUP"
    step(fresh(), case, "file_outcome", FILE)
    assert status(fresh(), case) == "granted"
    audited(fresh(), case)


@pytest.mark.parametrize(("share", "ends"), [(True, "granted"), (False, "refused")])
def test_a_failed_negotiation_goes_to_the_bureau_leader_whose_outcome_is_filed(fresh, share, ends):
    """D5: 协商不成的报局领导协调解决 — the outcome, either way, filed by the center."""
    case = ask(fresh())
    step(fresh(), case, "reply", REFUSE)
    step(fresh(), case, "center_review", REVIEW)
    step(fresh(), case, "negotiate_request", PURSUE)
    step(fresh(), case, "negotiate_answer", FAILED)
    coordinated = step(fresh(), case, "coordinate", {"share": share, "coordination": "协调意见。"})
    assert (coordinated.unit_code, coordinated.role) == ("BUREAU_LEADER", "分管领导")
    step(fresh(), case, "file_outcome", FILE)
    assert status(fresh(), case) == ends
    assert (grant_of(fresh(), case) is not None) is share
    assert "negotiation_failed" in kinds(fresh(), case)
    audited(fresh(), case)


def test_a_resource_not_shared_goes_straight_to_negotiation(fresh):
    """D5: 不予共享类 — the requester may negotiate at once; there is no reply to wait for."""
    case = ask(fresh(), "none")
    assert [t.element_id for t in case.tasks] == ["negotiate_request"]
    step(fresh(), case, "negotiate_request", PURSUE)
    step(fresh(), case, "negotiate_answer", NEGOTIATED)
    step(fresh(), case, "file_outcome", FILE)
    assert status(fresh(), case) == "granted"


def test_the_reply_is_due_in_ten_working_days_across_national_day_then_pressed(fresh, clock):
    """D4, E12: asked Mon 28 Sep 09:00, the reply is due Fri 16 Oct 09:00 (1–7 Oct off, Sat
    10 Oct worked), yellow from Wed 14 Oct 09:00; red calls the center's 催办, which does
    not end the reply; a late reply keeps how late it was."""
    case = ask(fresh())
    walk_lights(fresh(), clock, case, "reply", at("2026-10-14T09:00"), at("2026-10-16T09:00"))
    pressed = task_at(fresh(), case, "press")
    assert (pressed.unit_code, pressed.role) == ("CENTER", "数据资源管理岗")
    assert pressed.created_at == fired_at(fresh(), case, "timer_reply")
    step(fresh(), case, "press", {"press_method": "phone", "press_note": "已电话催办。"})
    assert open_steps(fresh(), case) == ["reply"]
    clock.set(at("2026-10-16T11:00"))
    done = step(fresh(), case, "reply", AGREE)
    assert fresh().task(done.id).late_seconds == pytest.approx(7200, abs=2)
    assert "escalated" in kinds(fresh(), case)
    step(fresh(), case, "center_review", REVIEW)
    assert status(fresh(), case) == "granted"
    audited(fresh(), case)


def _granted(jtflow, **form: Any):  # type: ignore[no-untyped-def]
    case = ask(jtflow, "unconditional", **form)
    grant = grant_of(jtflow, case)
    assert grant is not None
    return case, grant


@pytest.mark.parametrize(
    ("finding", "settled"), [("conflict", "公交智能调度系统（唯一来源）"), ("correct", None)]
)
def test_doubted_data_is_checked_by_the_provider_and_a_conflict_names_one_source(
    fresh, clock, finding, settled
):
    """D7: the check is the provider's within 5 WD (the system's choice); conflicting sources
    end with the one source written into the catalogue entry by the center's step."""
    _, grant = _granted(fresh())
    case = sharing.request_check(fresh(), grant.id, "到站时间与实际不符。", requester=REQUESTER)
    task = task_at(fresh(), case, "check_data")
    assert (task.unit_code, task.role) == ("BUS_GROUP", "数据资源管理员")
    # asked Mon 28 Sep 09:00: Tue 29, Wed 30, then 1–7 Oct off, Thu 8, Fri 9, Sat 10 (worked)
    assert task.due_at is not None and near(task.due_at, at("2026-10-10T09:00"))
    answer: dict[str, Any] = {"finding": finding, "explanation": "已与调度系统比对。"}
    if settled:
        answer["authoritative_source"] = settled
    step(fresh(), case, "check_data", answer)
    if settled:
        step(fresh(), case, "record_source", {"source_note": "已登记。"})
    assert status(fresh(), case) == "checked"
    with fresh().sessions() as session:
        source = session.get(Resource, grant.resource_id).source_system  # type: ignore[union-attr]
        changes = list(session.scalars(select(ResourceChange.action)))
        reasons = [c.data.get("reason", "") for c in session.scalars(select(ResourceChange))]
    assert source == (settled or "公交智能调度系统")
    assert changes == (["source_settled"] if settled else [])
    assert all(case.case_no in reason for reason in reasons)
    audited(fresh(), case)


def test_a_check_is_asked_only_by_the_grant_holder(fresh):
    _, grant = _granted(fresh())
    with pytest.raises(PermissionDenied, match="不属于"):
        sharing.request_check(fresh(), grant.id, "数据有误。", requester="bus_handler")


def test_a_request_names_a_mode_the_resource_offers_and_not_its_own_data(fresh):
    """D6: 服务方式 is one of the resource's 共享方式; a unit does not ask for its own data."""
    resource_id = resource(fresh())
    with pytest.raises(InvalidInput, match="在线浏览"):
        sharing.request_sharing(
            fresh(), resource_id, {**SHARING_REQUEST, "service_mode": "browse"}, requester=REQUESTER
        )
    with pytest.raises(InvalidInput, match="本单位提供"):
        sharing.request_sharing(fresh(), resource_id, SHARING_REQUEST, requester="bus_handler")
    draft = resource(fresh(), status="draft")
    with pytest.raises(Conflict, match="尚未在目录中发布"):
        sharing.request_sharing(fresh(), draft, SHARING_REQUEST, requester=REQUESTER)


def test_a_revocation_is_recorded_in_the_chain_and_replays(fresh):
    """D6: revoked with a reason by the provider; the ended request's chain still verifies."""
    case, grant = _granted(fresh())
    with pytest.raises(PermissionDenied):
        sharing.revoke(fresh(), grant.id, "不再需要。", actor=REQUESTER)
    with pytest.raises(InvalidInput, match="理由"):
        sharing.revoke(fresh(), grant.id, "  ", actor="bus_leader")
    sharing.revoke(fresh(), grant.id, "需求部门违规转给第三方。", actor="bus_leader")
    revoked = grant_of(fresh(), case)
    assert revoked is not None and revoked.revoked_by == "bus_leader"
    assert kinds(fresh(), case)[-1] == "grant_revoked"
    with pytest.raises(Conflict, match="已于"):
        sharing.revoke(fresh(), grant.id, "再撤一次。", actor="c_data")
    audited(fresh(), case)
