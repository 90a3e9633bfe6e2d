"""One transaction per step: stale writers conflict, a crash mid-step loses nothing,
and a long return loop never stalls silently (SPIFFWORKFLOW-NOTES.md "Loops")."""

from __future__ import annotations

import pytest

from engine.errors import Conflict
from engine.models import Instance
from tests.factories import kinds, open_steps, report, status, step, task_at


def test_a_stale_completion_is_a_conflict_and_the_other_writer_wins(fresh):
    case = report(fresh(), urgency="urgent")
    step(fresh(), case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    supervise = task_at(fresh(), case, "supervise")
    phone = task_at(fresh(), case, "phone_report")
    slow, fast = fresh(), fresh()
    write = slow.runtime.write

    def write_after_someone_else(session, loaded, advanced, actor):  # type: ignore[no-untyped-def]
        fast.complete(phone.id, {"reported_to": "值班员", "summary": "已管控"}, "transport_handler")
        write(session, loaded, advanced, actor)

    slow.runtime.write = write_after_someone_else  # type: ignore[method-assign]
    with pytest.raises(Conflict, match="刷新后重试"):
        slow.complete(supervise.id, {"instruction": "立即处置"}, "office")
    steps = open_steps(fresh(), case)
    assert "supervise" in steps and "written_report" in steps  # fast's step kept, slow's undone
    step(fresh(), case, "supervise")  # and the loser can simply try again
    assert "supervise" not in open_steps(fresh(), case)


def test_a_crash_halfway_through_a_step_keeps_what_was_saved(fresh):
    case = report(fresh())
    before = kinds(fresh(), case)
    crashing = fresh()

    def crash(workflow):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    crashing.runtime.codec.dump = crash  # type: ignore[method-assign]
    task = task_at(fresh(), case, "classify")
    with pytest.raises(OSError):
        crashing.complete(task.id, {"decision": "transfer"}, "c_12328")
    assert kinds(fresh(), case) == before
    assert open_steps(fresh(), case) == ["classify"]
    step(fresh(), case, "classify", {"decision": "transfer"})
    assert open_steps(fresh(), case) == ["sign_for"]


def test_two_hundred_returns_still_reach_the_archive(jtflow, fresh):
    """E10 loop: past ~500 turns SpiffWorkflow strands READY tasks; jtflow keeps going."""
    case = report(jtflow)
    step(jtflow, case, "classify", {"decision": "transfer"})
    step(jtflow, case, "sign_for")
    returned = {"accepted": False, "reason": "格式不符", "basis": "答复格式要求"}
    for _ in range(200):
        step(jtflow, case, "handle_reply")
        step(jtflow, case, "leader_approve")
        step(jtflow, case, "center_audit", returned)
    step(fresh(), case, "handle_reply")
    step(fresh(), case, "leader_approve")
    step(fresh(), case, "center_audit")
    step(fresh(), case, "archive")
    assert status(fresh(), case) == "archived"
    with fresh().sessions() as session:
        instance = session.get(Instance, case.case_id)
        assert instance is not None and instance.ended_at is not None


def test_a_finished_task_is_saved_as_it_is_even_when_its_saved_form_is_reused(jtflow):
    """The save cache of finished tasks is checked on every reuse in this suite: prove it bites."""
    case = report(jtflow)
    step(jtflow, case, "classify", {"decision": "transfer"})
    workflow = jtflow.runtime._live[case.case_id][1]
    codec = jtflow.runtime.codec
    codec.dump(workflow)
    finished = next(t for t in workflow.get_tasks() if t.task_spec.bpmn_id == "classify")
    finished.data["decision"] = "changed behind the engine's back"
    with pytest.raises(AssertionError):
        codec.dump(workflow)
