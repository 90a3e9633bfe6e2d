"""Every path of processes/market_application.bpmn (SPEC §4 M1–M5), each step by its own
user on a fresh engine object, deadlines on the working-day calendar (E12)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.data.grant_rows import grants_disagree
from engine.data.grants import check_access
from engine.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from engine.market import apply
from engine.models import Attachment, Grant, Resource, Task
from engine.people.users import get_user
from engine.record.attachments import AttachmentStore, upload
from engine.record.audit import verify
from engine.replay import replay_case
from engine.time.clock import SHANGHAI
from tests import files
from tests.factories import kinds, open_steps, status, step, task_at
from tests.market import DOCUMENTS, application, applied, documents, resource


@pytest.fixture
def store(tmp_path: Path) -> AttachmentStore:
    return AttachmentStore(tmp_path / "attachments")


def who(jtflow, case, element_id):  # type: ignore[no-untyped-def]
    task = task_at(jtflow, case, element_id)
    return task.unit_code, task.role, task.assignee


def grants(jtflow) -> list[Grant]:  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        return list(session.scalars(select(Grant)))


def test_an_unconditional_resource_is_registered_granted_and_reported(fresh, store):
    """M1 → M3 (无条件: 实名登记, then access) → M5 (usage report) → 办结."""
    case = applied(fresh(), store, resource(fresh(), "unconditional"))
    assert open_steps(fresh(), case) == ["check_application"]
    assert who(fresh(), case, "check_application") == ("CENTER", "数据资源管理岗", None)
    step(fresh(), case, "check_application")
    assert who(fresh(), case, "register_real_name") == ("EXTERNAL", "外部申请人", "xmu_lab")
    step(fresh(), case, "register_real_name")
    assert who(fresh(), case, "grant_access") == ("CENTER", "数据资源管理岗", None)
    assert grants(fresh()) == []
    step(fresh(), case, "grant_access")
    [grant] = grants(fresh())
    assert (grant.grantee, grant.purpose, grant.service_mode) == (
        "xmu_lab",
        "congestion_research",
        "download",
    )
    assert grant.scope == application(0)["scope"] and grant.instance_id == case.case_id
    assert grant.valid_until == datetime(2026, 12, 31, 23, 59, 59, tzinfo=SHANGHAI)
    assert who(fresh(), case, "submit_usage_report") == ("EXTERNAL", "外部申请人", "xmu_lab")
    step(fresh(), case, "submit_usage_report")
    step(fresh(), case, "review_usage_report")
    assert status(fresh(), case) == "completed"
    assert "share_granted" in kinds(fresh(), case)


def test_a_conditional_resource_goes_to_its_provider_for_a_reviewed_opinion(fresh, store):
    """M3 (有条件): the providing unit's data administrator answers, the center grants."""
    case = applied(fresh(), store, resource(fresh(), "conditional", provider="ROAD_BRIDGE"))
    step(fresh(), case, "check_application")
    assert who(fresh(), case, "provider_review") == ("ROAD_BRIDGE", "数据资源管理员", None)
    step(fresh(), case, "provider_review")
    step(fresh(), case, "grant_access")
    assert [g.grantee for g in grants(fresh())] == ["xmu_lab"]
    assert open_steps(fresh(), case) == ["submit_usage_report"]


def test_a_provider_refusal_with_its_reason_is_recorded_and_told(fresh, store):
    case = applied(fresh(), store, resource(fresh(), "conditional"))
    step(fresh(), case, "check_application")
    refusal = {"approved": False, "opinion": "不同意提供。", "reason": "含个人轨迹信息。"}
    step(fresh(), case, "provider_review", refusal)
    assert who(fresh(), case, "record_refusal") == ("CENTER", "数据资源管理岗", None)
    step(fresh(), case, "record_refusal")
    assert status(fresh(), case) == "refused" and grants(fresh()) == []


@pytest.mark.parametrize(
    ("share_type", "requirements"),
    [("none", ""), ("conditional", "暂不宜市场化应用"), ("unconditional", "暂不宜市场化应用")],
)
def test_a_resource_not_for_the_market_is_refused_with_its_reason(  # type: ignore[no-untyped-def]
    fresh, store, share_type, requirements
):
    """M3, 第三节5: 不予共享 and 暂不宜市场化应用 are not provided to external applicants."""
    rid = resource(fresh(), share_type, usage_requirements=requirements)
    case = applied(fresh(), store, rid)
    step(fresh(), case, "check_application")
    assert status(fresh(), case) == "refused" and open_steps(fresh(), case) == []


def test_an_incomplete_application_is_returned_for_supplement_then_accepted(fresh, store):
    case = applied(fresh(), store, resource(fresh(), "unconditional"))
    back = {"decision": "supplement", "opinion": "申请书未盖章，请补正。"}
    step(fresh(), case, "check_application", back)
    assert who(fresh(), case, "supplement") == ("EXTERNAL", "外部申请人", "xmu_lab")
    step(fresh(), case, "supplement")
    step(fresh(), case, "check_application")
    assert open_steps(fresh(), case) == ["register_real_name"]
    assert kinds(fresh(), case).count("returned") == 1


def test_a_purpose_outside_m2_is_not_accepted(fresh, store):
    case = applied(fresh(), store, resource(fresh(), "unconditional"))
    step(
        fresh(),
        case,
        "check_application",
        {"decision": "refuse", "opinion": "用途为商业营销，不属于规定用途。"},
    )
    assert status(fresh(), case) == "refused"


def test_the_provider_has_ten_working_days_across_national_day(jtflow, clock, store):
    """M3, E12: forwarded Mon 28 Sep 2026; 1–7 Oct are holidays and Sat 10 Oct a working
    day (调休), so the 10th working day is Fri 16 Oct — yellow before it, red and pressed
    (催办) after it."""
    case = applied(jtflow, store, resource(jtflow, "conditional"))
    step(jtflow, case, "check_application")
    review = task_at(jtflow, case, "provider_review")
    forwarded = review.created_at
    assert forwarded.astimezone(SHANGHAI).date().isoformat() == "2026-09-28"
    due = review.due_at
    assert due is not None and review.warn_at is not None
    expected = jtflow.runtime.functions.calendar.add_working_days(forwarded, 10).at
    assert due == expected
    assert due.astimezone(SHANGHAI).date().isoformat() == "2026-10-16"
    clock.set(review.warn_at + timedelta(seconds=1))
    jtflow.fire_due_timers()
    assert task_at(jtflow, case, "provider_review").light == "yellow"
    clock.set(due + timedelta(seconds=1))
    jtflow.fire_due_timers()
    assert task_at(jtflow, case, "provider_review").light == "red"
    assert who(jtflow, case, "press") == ("CENTER", "数据资源管理岗", None)
    escalated = [e for e in jtflow.history(case.case_id) if e.kind == "escalated"]
    assert [e.data["overdue_step"] for e in escalated] == ["提供部门评审"]
    step(jtflow, case, "press")
    step(jtflow, case, "provider_review")
    done = [t for t in _tasks(jtflow, case) if t.element_id == "provider_review"][0]
    assert done.late_seconds and done.late_seconds > 0


def test_a_late_usage_report_goes_yellow_then_red_and_is_pressed(jtflow, clock, store):
    """M5, E12: the report is due when the period of use ends."""
    case = applied(jtflow, store, resource(jtflow, "unconditional"))
    step(jtflow, case, "check_application")
    step(jtflow, case, "register_real_name")
    step(jtflow, case, "grant_access")
    report = task_at(jtflow, case, "submit_usage_report")
    assert report.due_at == datetime(2026, 12, 31, 23, 59, 59, tzinfo=SHANGHAI)
    assert report.warn_at is not None and report.warn_at < report.due_at
    clock.set(report.warn_at + timedelta(minutes=1))
    jtflow.fire_due_timers()
    assert task_at(jtflow, case, "submit_usage_report").light == "yellow"
    clock.set(report.due_at + timedelta(minutes=1))
    jtflow.fire_due_timers()
    assert task_at(jtflow, case, "submit_usage_report").light == "red"
    press = task_at(jtflow, case, "press")
    assert (press.unit_code, press.role) == ("CENTER", "数据资源管理岗")
    step(jtflow, case, "press")
    step(jtflow, case, "submit_usage_report")
    step(jtflow, case, "review_usage_report")
    assert status(jtflow, case) == "completed"
    assert replay_case(jtflow, case.case_id).divergence is None


def test_one_applicant_cannot_see_or_act_on_anothers_task(jtflow, store):
    """M1, S1: applicants share the EXTERNAL unit but not their work."""
    case = applied(jtflow, store, resource(jtflow, "unconditional"))
    step(jtflow, case, "check_application")
    task = task_at(jtflow, case, "register_real_name")
    assert [t.id for t, _ in jtflow.tasks_for("xmu_lab")] == [task.id]
    assert jtflow.tasks_for("mapco") == []
    with pytest.raises(PermissionDenied):
        jtflow.complete(task.id, {}, "mapco")
    with pytest.raises(Conflict, match="本人"):
        jtflow.release(task.id, "xmu_lab")


def test_a_missing_document_is_refused_naming_it(jtflow, store):
    rid = resource(jtflow)
    names = {k: v for k, v in DOCUMENTS.items() if k != "confidentiality"}
    with pytest.raises(InvalidInput, match="数据保密承诺书"):
        apply(
            jtflow,
            application(rid),
            documents(jtflow, store, "xmu_lab", names),
            applicant="xmu_lab",
        )


def test_an_agent_brings_the_agents_id_and_the_authorisation(jtflow, store):
    """M1 (4): the legal representative's ID, or the agent's ID plus the authorisation."""
    rid = resource(jtflow)
    names = {**DOCUMENTS}
    names.pop("legal_rep_id")
    names["agent_id"] = "代理人身份证.jpg"
    with pytest.raises(InvalidInput, match="单位授权委托书"):
        apply(
            jtflow,
            application(rid, by_agent=True),
            documents(jtflow, store, "xmu_lab", names),
            applicant="xmu_lab",
        )
    names["authorisation"] = "授权委托书.pdf"
    case = apply(
        jtflow,
        application(rid, by_agent=True),
        documents(jtflow, store, "xmu_lab", names),
        applicant="xmu_lab",
    )
    assert open_steps(jtflow, case) == ["check_application"]


def test_someone_elses_upload_cannot_be_submitted(jtflow, store):
    theirs = documents(jtflow, store, "mapco")
    with pytest.raises(NotFound):
        apply(jtflow, application(resource(jtflow)), theirs, applicant="xmu_lab")


def test_only_external_applicants_apply(jtflow, store):
    with pytest.raises(PermissionDenied, match="外部申请人"):
        apply(
            jtflow,
            application(resource(jtflow)),
            documents(jtflow, store, "bus_handler"),
            applicant="bus_handler",
        )


def test_the_documents_hashes_are_in_the_chain_which_verifies_and_replays(jtflow, store):
    """DESIGN.md: the attachments' hashes in the history chain; S2 verify and replay."""
    case = applied(jtflow, store, resource(jtflow, "unconditional"))
    first = jtflow.history(case.case_id)[0]
    described = first.data["attachments"]
    assert [d["kind"] for d in described] == list(DOCUMENTS)
    with jtflow.sessions() as session:
        rows = list(session.scalars(select(Attachment).order_by(Attachment.id)))
        assert {r.instance_id for r in rows} == {case.case_id}
        assert [d["sha256"] for d in described] == [r.sha256 for r in rows]
        assert all(set(d) >= {"name", "sha256", "size", "media_type"} for d in described)
    for element_id in ("check_application", "register_real_name", "grant_access"):
        step(jtflow, case, element_id)
    with jtflow.sessions() as session:
        assert verify(session, case.case_id).broken == []
        assert grants_disagree(session, case.case_id) == []  # the grant row as chained
    assert replay_case(jtflow, case.case_id).divergence is None


def test_reuse_needs_nothing_and_a_change_needs_a_new_application(jtflow, clock, store):
    """M4: the same purpose and scope is covered by the grant; another scope is not."""
    rid = resource(jtflow, "unconditional")
    case = applied(jtflow, store, rid)
    for element_id in ("check_application", "register_real_name", "grant_access"):
        step(jtflow, case, element_id)
    scope = application(rid)["scope"]
    now = clock.now()
    with jtflow.sessions() as session:
        data = session.get(Resource, rid)
        lab, mapco = get_user(session, "xmu_lab"), get_user(session, "mapco")
        assert check_access(session, lab, data, "congestion_research", now, scope=scope)
        with pytest.raises(PermissionDenied, match="超出.*范围") as refused:
            check_access(session, lab, data, "congestion_research", now, scope="全市")
        assert "M4" in refused.value.rules and "M4" not in str(refused.value)
        with pytest.raises(PermissionDenied, match="用途不符"):
            check_access(session, lab, data, "parking_guidance", now, scope=scope)
        with pytest.raises(PermissionDenied, match="请先提交市场化应用申请$"):
            check_access(session, mapco, data, "congestion_research", now, scope=scope)
    with pytest.raises(InvalidInput, match="无需重新申请"):
        applied(jtflow, store, rid)
    again = applied(jtflow, store, rid, scope="全市公交线路，仅限本中心研究使用")
    assert open_steps(jtflow, again) == ["check_application"]


def _tasks(jtflow, case) -> list[Task]:  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        return list(session.scalars(select(Task).where(Task.instance_id == case.case_id)))


def test_a_usage_report_file_is_bound_and_its_hash_chained(jtflow, store):  # type: ignore[no-untyped-def]
    """M5 with a file: the form names the upload, the step binds it and records its hash."""
    case = applied(jtflow, store, resource(jtflow, "unconditional"))
    for element_id in ("check_application", "register_real_name", "grant_access"):
        step(jtflow, case, element_id)
    with jtflow.sessions() as session:
        theirs = upload(
            session,
            store,
            name="别人的.pdf",
            content=files.pdf("x"),
            kind="usage_report",
            by="mapco",
            now=jtflow.clock.now(),
        )
        mine = upload(
            session,
            store,
            name="研究报告.pdf",
            content=files.pdf("报告"),
            kind="usage_report",
            by="xmu_lab",
            now=jtflow.clock.now(),
        )
        session.commit()
    answer = {"report_kind": "research", "summary": "研究报告见附件。"}
    with pytest.raises(NotFound):
        step(
            jtflow,
            case,
            "submit_usage_report",
            {**answer, "report_file": {"attachment_id": theirs.id}},
        )
    sent = {"attachment_id": mine.id, "sha256": "0" * 64}  # a forged hash is replaced
    step(jtflow, case, "submit_usage_report", {**answer, "report_file": sent})
    completed = [
        e
        for e in jtflow.history(case.case_id)
        if e.kind == "task_completed" and e.element_id == "submit_usage_report"
    ]
    recorded = completed[0].data["data"]["report_file"]
    assert recorded["sha256"] == mine.sha256 and recorded["name"] == "研究报告.pdf"
    with jtflow.sessions() as session:
        assert session.get(Attachment, mine.id).instance_id == case.case_id
        assert session.get(Attachment, theirs.id).instance_id is None
        assert verify(session, case.case_id).broken == []
    assert replay_case(jtflow, case.case_id).divergence is None
