"""S2: `audit verify` recomputes every hash chain and names the first event of any case whose
stored history was edited, deleted or reordered, or whose definition version was changed.

The tampering is done the way an intruder would: SQL straight on the SQLite file."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from cli.main import main
from engine.record.audit import verify
from tests.factories import report, step


@pytest.fixture
def cases(jtflow):  # type: ignore[no-untyped-def]
    """Three cases with a few steps each; the middle one is the victim."""
    made = []
    for _ in range(3):
        case = report(jtflow)
        step(jtflow, case, "classify", {"decision": "transfer"})
        step(jtflow, case, "sign_for")
        made.append(case)
    return made


def tamper(db_url: str, sql: str, *params: object) -> None:
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        assert connection.execute(sql, params).rowcount >= 1


def broken(jtflow):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        result = verify(session)
    return [(b.case_id, b.seq, b.reason) for b in result.broken]


def test_untouched_histories_verify(jtflow, cases):
    with jtflow.sessions() as session:
        result = verify(session)
    assert result.cases == 3 and result.events > 15 and result.broken == []


def test_an_edited_data_field_is_named(jtflow, db_url, cases):
    victim = cases[1].case_id
    tamper(
        db_url,
        "UPDATE history_event SET data = json_set(data, '$.data.decision', 'return') "
        "WHERE instance_id = ? AND kind = 'task_completed'",
        victim,
    )
    [(case_id, seq, reason)] = broken(jtflow)
    assert case_id == victim and "内容与其哈希不符" in reason
    assert seq == min_seq_of(db_url, victim, "task_completed")


def test_a_deleted_event_is_named(jtflow, db_url, cases):
    victim = cases[1].case_id
    tamper(db_url, "DELETE FROM history_event WHERE instance_id = ? AND seq = 3", victim)
    assert broken(jtflow) == [(victim, 3, "第 3 条事件缺失（序号不连续）")]


def test_deleting_the_newest_event_is_named_by_the_case_head(jtflow, db_url, cases):
    victim = cases[1].case_id
    last = max_seq_of(db_url, victim)
    tamper(db_url, "DELETE FROM history_event WHERE instance_id = ? AND seq = ?", victim, last)
    [(case_id, seq, reason)] = broken(jtflow)
    assert (case_id, seq) == (victim, last) and "被删除" in reason


def test_two_swapped_events_are_named(jtflow, db_url, cases):
    victim = cases[1].case_id
    tamper(
        db_url,
        "UPDATE history_event SET seq = CASE seq WHEN 2 THEN -3 ELSE -2 END "
        "WHERE instance_id = ? AND seq IN (2, 3)",
        victim,
    )
    tamper(db_url, "UPDATE history_event SET seq = -seq WHERE instance_id = ? AND seq < 0", victim)
    [(case_id, seq, reason)] = broken(jtflow)
    assert (case_id, seq) == (victim, 2) and "不相连" in reason


def test_a_changed_definition_version_is_named(jtflow, db_url, cases):
    victim = cases[1].case_id
    tamper(db_url, "UPDATE instance SET definition_id = 99 WHERE id = ?", victim)
    [(case_id, seq, reason)] = broken(jtflow)
    assert case_id == victim and seq is None and "流程版本被改动" in reason


def test_audit_verify_on_the_command_line(db_url, cases):
    runner = CliRunner(env={"JTFLOW_DATABASE_URL": db_url})
    result = runner.invoke(main, ["audit", "verify"])
    assert result.exit_code == 0 and "全部完好" in result.output
    tamper(db_url, "DELETE FROM history_event WHERE instance_id = ? AND seq = 2", cases[0].case_id)
    result = runner.invoke(main, ["audit", "verify"])
    assert result.exit_code == 1
    assert f"案件 {cases[0].case_no}：第 2 条事件缺失" in result.output
    one = runner.invoke(main, ["audit", "verify", cases[2].case_no])
    assert one.exit_code == 0 and "已校验 1 个案件" in one.output


def min_seq_of(db_url: str, instance_id: int, kind: str) -> int:
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        sql = "SELECT min(seq) FROM history_event WHERE instance_id = ? AND kind = ?"
        return int(connection.execute(sql, (instance_id, kind)).fetchone()[0])


def max_seq_of(db_url: str, instance_id: int) -> int:
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        sql = "SELECT max(seq) FROM history_event WHERE instance_id = ?"
        return int(connection.execute(sql, (instance_id,)).fetchone()[0])


def test_audit_replay_on_the_command_line(db_url, cases):
    runner = CliRunner(env={"JTFLOW_DATABASE_URL": db_url})
    result = runner.invoke(main, ["audit", "replay", cases[0].case_no])
    assert result.exit_code == 0 and "全部一致" in result.output
    tamper(
        db_url,
        "UPDATE history_event SET actor = 'c_opinion' WHERE instance_id = ? AND seq = 1",
        cases[0].case_id,
    )
    result = runner.invoke(main, ["audit", "replay", cases[0].case_no])
    assert result.exit_code == 1 and "第 1 条事件重放不一致" in result.stderr
