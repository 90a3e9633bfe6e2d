"""Moving running cases to a new version of their process (DESIGN.md "Definitions"; S2, E5, E12).

A case keeps its version until a process owner migrates it. Migration keeps the open task
(same row, same owner) and recomputes its deadlines on the new version from the same anchor;
a case the new version cannot hold is refused and left exactly as it was."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.case_migration import MigrationRefused, migrate_case, migrate_running
from engine.errors import CaseArchived, InvalidInput, NotFound, PermissionDenied
from engine.models import Instance, Timer
from engine.record.audit import verify
from engine.replay import replay_case
from tests.factories import deploy_variant, kinds, open_steps, open_tasks, report, status, step

SIGN_FOR_IN_TWO_WORKING_DAYS = (  # E5 relaxed: 签收 within 2 working days, renamed
    ('<bpmn:userTask id="sign_for" name="签收">', '<bpmn:userTask id="sign_for" name="签收确认">'),
    (
        'id="warn_sign_for_definition"><bpmn:timeDate>'
        "warn_at(transferred_at, add_working_days(transferred_at, 1))",
        'id="warn_sign_for_definition"><bpmn:timeDate>'
        "warn_at(transferred_at, add_working_days(transferred_at, 2))",
    ),
    (
        'id="timer_sign_for_definition"><bpmn:timeDate>add_working_days(transferred_at, 1)',
        'id="timer_sign_for_definition"><bpmn:timeDate>add_working_days(transferred_at, 2)',
    ),
)


def waiting_at_sign_for(jtflow):  # type: ignore[no-untyped-def]
    case = report(jtflow)
    step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "BUS_GROUP"})
    jtflow.claim(open_tasks(jtflow, case)[0].id, "bus_handler")
    return case


def returned_at_once(jtflow):  # type: ignore[no-untyped-def]
    """E4: a case the center returns at once, ended."""
    case = report(jtflow)
    answer = {"decision": "return", "return_reason": "重复", "return_basis": "已办"}
    step(jtflow, case, "classify", answer)
    return case


def task_rows(jtflow, case) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [
        (t.id, t.element_id, t.name, t.assignee, t.due_at, t.warn_at, t.light)
        for t in open_tasks(jtflow, case)
    ]


def definition_of(jtflow, case) -> int:  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        instance = session.get(Instance, case.case_id)
        return instance.definition_id


def test_a_migrated_case_keeps_its_task_and_owner_and_gets_the_new_deadline(jtflow, tmp_path):
    case = waiting_at_sign_for(jtflow)
    [before] = open_tasks(jtflow, case)
    v2 = deploy_variant(jtflow, tmp_path / "v2", *SIGN_FOR_IN_TWO_WORKING_DAYS)
    assert definition_of(jtflow, case) != v2.id  # deploying moves nobody

    migration = migrate_case(jtflow, case.case_no, actor="owner")

    assert (migration.from_version, migration.to_version) == (1, 2)
    assert "sign_for" in migration.changed
    [after] = open_tasks(jtflow, case)
    assert (after.id, after.assignee, after.name) == (before.id, "bus_handler", "签收确认")
    # transferred Monday 28 Sep 09:00 (and the milliseconds the ticking clock moved) + 2
    # working days = Wednesday 30 Sep 09:00 (was Tuesday 29 Sep): from the same anchor
    [transfer] = [
        e
        for e in jtflow.history(case.case_id)
        if (e.kind, e.element_id) == ("task_completed", "classify")
    ]
    assert transfer.at.isoformat().startswith("2026-09-28T01:00:00")
    assert after.due_at == transfer.at + timedelta(days=2)
    assert after.warn_at is not None and after.warn_at > before.warn_at
    with jtflow.sessions() as session:
        timer = session.query(Timer).filter_by(element_id="timer_sign_for", state="waiting").one()
        assert timer.due_at == after.due_at
    migrated = jtflow.history(case.case_id)[-1]
    assert migrated.kind == "migrated" and migrated.actor == "owner"
    assert migrated.definition_id == v2.id == definition_of(jtflow, case)
    assert {r["element_id"] for r in migrated.data["retimed"]} == {
        "timer_sign_for",
        "warn_sign_for",
    }


def test_a_migrated_case_runs_to_the_archive_verifies_and_replays(jtflow, clock, tmp_path):
    """S2: the chain stays whole across the version change, and the replay re-applies the
    migration at its instant: every event, before and after it, reproduced."""
    case = waiting_at_sign_for(jtflow)
    deploy_variant(jtflow, tmp_path / "v2", *SIGN_FOR_IN_TWO_WORKING_DAYS)
    clock.advance(hours=1)
    migrate_case(jtflow, case.case_id, actor="owner")
    clock.advance(hours=30)  # Tuesday 16:00: red on version 1, still green on version 2
    jtflow.fire_due_timers()
    assert [t.light for t in open_tasks(jtflow, case)] == ["green"]
    clock.advance(hours=8)  # Wednesday 00:00: past version 2's yellow (80 %)
    jtflow.fire_due_timers()
    assert [t.light for t in open_tasks(jtflow, case)] == ["yellow"]
    for _ in range(10):
        if not open_steps(jtflow, case):
            break
        clock.advance(hours=1)
        step(jtflow, case, open_steps(jtflow, case)[0])
    assert status(jtflow, case) == "archived"
    with jtflow.sessions() as session:
        assert verify(session, case.case_id).broken == []
    result = replay_case(jtflow, case.case_id)
    assert result.divergence is None, result.divergence
    assert result.events == len(jtflow.history(case.case_id))


def test_a_dry_run_changes_nothing(jtflow, tmp_path):
    case = waiting_at_sign_for(jtflow)
    tasks, history = task_rows(jtflow, case), kinds(jtflow, case)
    deploy_variant(jtflow, tmp_path / "v2", *SIGN_FOR_IN_TWO_WORKING_DAYS)
    migration = migrate_case(jtflow, case.case_id, actor="owner", dry_run=True)
    assert migration.retimed and migration.to_version == 2
    assert task_rows(jtflow, case) == tasks and kinds(jtflow, case) == history
    assert definition_of(jtflow, case) == 1
    step(jtflow, case, "sign_for")  # and the case goes on, on its own version
    assert definition_of(jtflow, case) == 1


def test_a_case_past_an_element_the_new_version_lacks_is_refused_untouched(jtflow, tmp_path):
    """A case waiting in an escalation (E12) cannot move to a version without that process."""
    case = report(jtflow, urgency="urgent")
    step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "BUS_GROUP"})
    jtflow.clock.advance(hours=30)
    jtflow.fire_due_timers()
    assert "press" in open_steps(jtflow, case)
    deploy_variant(
        jtflow,
        tmp_path / "v2",
        ('<bpmn:process id="escalation"', '<bpmn:process id="escalation_v2"'),
        ('calledElement="escalation"', 'calledElement="escalation_v2"'),
    )
    tasks, history = task_rows(jtflow, case), kinds(jtflow, case)
    with pytest.raises(MigrationRefused, match="escalation"):
        migrate_case(jtflow, case.case_id, actor="owner")
    assert task_rows(jtflow, case) == tasks and kinds(jtflow, case) == history
    assert definition_of(jtflow, case) == 1
    step(jtflow, case, "press")  # still running on version 1


NEW_DECISION_BEFORE_CLASSIFY = (  # a later version looks up a new fact before 分类转办
    (
        '<bpmn:sequenceFlow id="flow_platform_ruled" sourceRef="platform_rule_lookup"'
        ' targetRef="merge_classify"></bpmn:sequenceFlow>',
        '<bpmn:sequenceFlow id="flow_platform_ruled" sourceRef="platform_rule_lookup"'
        ' targetRef="probe_rule"></bpmn:sequenceFlow>'
        '<bpmn:businessRuleTask id="probe_rule" name="确定新时限">'
        "<bpmn:extensionElements><spiffworkflow:calledDecisionId>platform_deadline"
        "</spiffworkflow:calledDecisionId></bpmn:extensionElements>"
        "<bpmn:incoming>flow_platform_ruled</bpmn:incoming>"
        "<bpmn:outgoing>flow_probe_ruled</bpmn:outgoing></bpmn:businessRuleTask>"
        '<bpmn:sequenceFlow id="flow_probe_ruled" sourceRef="probe_rule"'
        ' targetRef="merge_classify"></bpmn:sequenceFlow>',
    ),
    (
        "<bpmn:incoming>flow_platform_ruled</bpmn:incoming><bpmn:incoming>flow_remit_decided",
        "<bpmn:incoming>flow_probe_ruled</bpmn:incoming><bpmn:incoming>flow_remit_decided",
    ),
)


def test_a_case_past_a_new_decision_is_refused_untouched(jtflow, tmp_path):
    """Issue 16: a version that adds a decision (确定平台时限) before where the case already is
    would leave the case without the facts its later deadlines read: refused, not broken later."""
    case = report(jtflow)
    deploy_variant(jtflow, tmp_path / "v2", *NEW_DECISION_BEFORE_CLASSIFY)
    tasks, history = task_rows(jtflow, case), kinds(jtflow, case)
    with pytest.raises(MigrationRefused, match="确定新时限"):
        migrate_case(jtflow, case.case_id, actor="owner")
    assert task_rows(jtflow, case) == tasks and kinds(jtflow, case) == history
    assert definition_of(jtflow, case) == 1
    step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "BUS_GROUP"})


def test_only_a_process_owner_migrates(jtflow, tmp_path):
    case = waiting_at_sign_for(jtflow)
    deploy_variant(jtflow, tmp_path / "v2", *SIGN_FOR_IN_TWO_WORKING_DAYS)
    with pytest.raises(PermissionDenied, match="流程负责人"):
        migrate_case(jtflow, case.case_id, actor="bus_handler")


def test_an_ended_case_or_an_unknown_version_is_refused(jtflow, tmp_path):
    case = returned_at_once(jtflow)
    deploy_variant(jtflow, tmp_path / "v2", *SIGN_FOR_IN_TWO_WORKING_DAYS)
    with pytest.raises(CaseArchived):
        migrate_case(jtflow, case.case_id, actor="owner")
    running = report(jtflow)  # reported on the newest version, 2
    with pytest.raises(NotFound, match="没有版本 7"):
        migrate_case(jtflow, running.case_id, to_version=7, actor="owner")
    with pytest.raises(InvalidInput, match="目标版本就是当前版本"):
        migrate_case(jtflow, running.case_id, to_version=2, actor="owner")


def test_every_running_case_of_a_version_migrates_and_ended_ones_stay(jtflow, tmp_path):
    running = [waiting_at_sign_for(jtflow) for _ in range(3)]
    ended = returned_at_once(jtflow)
    deploy_variant(jtflow, tmp_path / "v2", *SIGN_FOR_IN_TWO_WORKING_DAYS)
    result = migrate_running(jtflow, "event_lifecycle", from_version=1, actor="owner")
    assert sorted(m.case_no for m in result.migrated) == sorted(c.case_no for c in running)
    assert result.refused == {}
    assert {definition_of(jtflow, c) for c in running} == {2}
    assert definition_of(jtflow, ended) == 1


def test_a_new_version_that_fails_on_the_case_is_refused_untouched(jtflow, tmp_path):
    """A deadline rule the new version cannot evaluate for this case: refused, said plainly,
    the case goes on as it was."""
    case = waiting_at_sign_for(jtflow)
    deploy_variant(
        jtflow,
        tmp_path / "v2",
        (
            'id="timer_sign_for_definition"><bpmn:timeDate>add_working_days(transferred_at, 1)',
            'id="timer_sign_for_definition"><bpmn:timeDate>add_working_days(transferred_at, 1 / 0)',
        ),
    )
    tasks, history = task_rows(jtflow, case), kinds(jtflow, case)
    with pytest.raises(MigrationRefused, match="在版本 2 上无法继续"):
        migrate_case(jtflow, case.case_id, actor="owner")
    assert task_rows(jtflow, case) == tasks and kinds(jtflow, case) == history
    step(jtflow, case, "sign_for")
    assert definition_of(jtflow, case) == 1


def test_deadlines_already_past_on_the_new_version_fire_in_the_migration_and_replay(
    jtflow, clock, tmp_path
):  # type: ignore[no-untyped-def]
    """E12: migrated three days late, version 2's yellow and red are past too: they fire in
    the migration's own step (red calls the escalation), and the replay reproduces it."""
    case = waiting_at_sign_for(jtflow)
    deploy_variant(jtflow, tmp_path / "v2", *SIGN_FOR_IN_TWO_WORKING_DAYS)
    clock.advance(days=3)
    migrate_case(jtflow, case.case_id, actor="owner")
    after = kinds(jtflow, case)[kinds(jtflow, case).index("migrated") :]
    assert after.count("timer_fired") == 2 and "escalated" in after
    assert "press" in open_steps(jtflow, case)
    result = replay_case(jtflow, case.case_id)
    assert result.divergence is None, result.divergence


def test_a_migration_racing_a_step_is_a_conflict_and_the_step_wins(jtflow, fresh, tmp_path):
    """One version-checked transaction: a handler signs for the case while it migrates; the
    migration is undone whole (no `migrated`, still version 1) and can simply be run again."""
    from engine.errors import Conflict

    case = waiting_at_sign_for(jtflow)
    deploy_variant(jtflow, tmp_path / "v2", *SIGN_FOR_IN_TWO_WORKING_DAYS)
    migrating = fresh()
    write = migrating.runtime.write

    def write_after_a_handler(session, loaded, advanced, actor):  # type: ignore[no-untyped-def]
        step(fresh(), case, "sign_for")
        return write(session, loaded, advanced, actor)

    migrating.runtime.write = write_after_a_handler  # type: ignore[method-assign]
    with pytest.raises(Conflict, match="重新运行迁移"):
        migrate_case(migrating, case.case_id, actor="owner")
    assert "migrated" not in kinds(jtflow, case) and definition_of(jtflow, case) == 1
    assert open_steps(jtflow, case) == ["handle_reply"]
    migrate_case(fresh(), case.case_id, actor="owner")
    assert definition_of(jtflow, case) == 2
