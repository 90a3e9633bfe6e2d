"""S2: every fact a page, export or API answer shows from the `instance` and `task` rows is
checked by `audit verify` against the hash chain; an edit behind the engine's back is named
with the event that recorded the fact. Tampering is SQL straight on the SQLite file."""

from __future__ import annotations

import pytest

from engine.case_migration import migrate_case
from tests.engine.test_audit import broken, tamper
from tests.engine.test_case_migration import SIGN_FOR_IN_TWO_WORKING_DAYS
from tests.factories import report, step, task_at, write_variant


@pytest.fixture
def case(jtflow):  # type: ignore[no-untyped-def]
    """An urgent case transferred, signed for, claimed and gone red at its reply (E12)."""
    made = report(jtflow, urgency="urgent")
    step(jtflow, made, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    step(jtflow, made, "sign_for")
    reply = task_at(jtflow, made, "handle_reply")
    jtflow.claim(reply.id, "transport_handler")
    jtflow.clock.advance(days=3)  # type: ignore[attr-defined]
    assert jtflow.fire_due_timers() > 0
    return made


def test_the_rows_of_an_untouched_case_agree_with_its_chain(jtflow, case):
    assert broken(jtflow) == []


@pytest.mark.parametrize(
    ("assignment", "says"),
    [
        ("title = '改过的标题'", "标题"),
        ("location = '别处'", "事件地点"),
        ("channel = 'opinion'", "来源渠道"),
        ("urgency = 'normal'", "紧急程度"),
        ("facts = json_set(facts, '$.description', '改过的描述')", "事件信息"),
        ("status = 'archived'", "状态"),
        ("ended_at = created_at", "结束时间"),
        ("created_at = '2020-01-01 00:00:00.000000'", "报送时间"),
        ("case_no = 'JT20200101-999999'", "案件编号"),
    ],
)
def test_an_edited_case_fact_is_named(jtflow, db_url, case, assignment, says):
    tamper(db_url, f"UPDATE instance SET {assignment} WHERE id = ?", case.case_id)
    [(case_id, seq, reason)] = broken(jtflow)
    assert case_id == case.case_id and says in reason and "案件记录被改动" in reason
    assert seq is not None


@pytest.mark.parametrize(
    ("element", "assignment", "says"),
    [
        ("classify", "data = json_set(data, '$.decision', 'return')", "办理数据"),
        ("classify", "completed_by = 'c_monitor'", "办理人"),
        ("classify", "completed_at = '2020-01-01 00:00:00.000000'", "完成时间"),
        ("classify", "late_seconds = 99", "超时秒数"),
        ("sign_for", "unit_code = 'BUS_GROUP'", "承办单位"),
        ("sign_for", "role = '单位领导'", "岗位"),
        ("sign_for", "state = 'open'", "状态"),
        ("handle_reply", "assignee = NULL", "认领人"),
        ("handle_reply", "light = 'green'", "监察灯"),
        ("handle_reply", "due_at = '2030-01-01 00:00:00.000000'", "时限"),
        ("handle_reply", "warn_at = NULL", "黄灯时间"),
        ("handle_reply", "created_at = '2020-01-01 00:00:00.000000'", "开始时间"),
        ("handle_reply", "element_id = 'sign_for'", "步骤"),
    ],
)
def test_an_edited_task_fact_is_named(jtflow, db_url, case, element, assignment, says):
    tamper(
        db_url,
        f"UPDATE task SET {assignment} WHERE instance_id = ? AND element_id = ?",
        case.case_id,
        element,
    )
    [(case_id, seq, reason)] = broken(jtflow)
    assert case_id == case.case_id and says in reason and "任务记录被改动" in reason
    assert seq is not None


def test_a_deleted_task_row_is_named(jtflow, db_url, case):
    tamper(
        db_url, "DELETE FROM task WHERE instance_id = ? AND element_id = 'sign_for'", case.case_id
    )
    [(case_id, _, reason)] = broken(jtflow)
    assert case_id == case.case_id and "没有任务记录" in reason


def test_an_added_task_row_is_named(jtflow, db_url, case):
    tamper(
        db_url,
        "INSERT INTO task (instance_id, spiff_task_id, element_id, name, unit_code, role, form,"
        " state, created_at, light, provisional) SELECT instance_id, 'forged', element_id, name,"
        " unit_code, role, form, 'completed', created_at, light, provisional FROM task"
        " WHERE instance_id = ? AND element_id = 'sign_for'",
        case.case_id,
    )
    [(case_id, _, reason)] = broken(jtflow)
    assert case_id == case.case_id and "后加的" in reason


SIGN_FOR_BY_LEADER_IN_TWO_DAYS = (  # a new version: 签收 by the unit's leader, in 2 WD
    (
        '<spiffworkflow:property name="role" value="办理人" />',
        '<spiffworkflow:property name="role" value="单位领导" />',
    ),
    *SIGN_FOR_IN_TWO_WORKING_DAYS[1:],
)


@pytest.mark.parametrize(
    ("assignment", "says"),
    [("role = '办理人'", "岗位"), ("due_at = '2030-01-01 00:00:00.000000'", "时限")],
)
def test_a_carried_task_is_checked_against_its_migration(
    jtflow, db_url, tmp_path, assignment, says
):
    migrated = report(jtflow)
    step(jtflow, migrated, "classify", {"decision": "transfer", "lead_unit": "BUS_GROUP"})
    write_variant(tmp_path / "v2", *SIGN_FOR_BY_LEADER_IN_TWO_DAYS)
    jtflow.deploy(tmp_path / "v2" / "event_lifecycle.bpmn")
    migrate_case(jtflow, migrated.case_id, actor="owner")
    assert task_at(jtflow, migrated, "sign_for").role == "单位领导"
    assert broken(jtflow) == []
    tamper(
        db_url,
        f"UPDATE task SET {assignment} WHERE instance_id = ? AND element_id = 'sign_for'",
        migrated.case_id,
    )
    [(case_id, _, reason)] = broken(jtflow)
    assert case_id == migrated.case_id and says in reason
