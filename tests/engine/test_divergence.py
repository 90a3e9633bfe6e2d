"""S2: a replay that differs from the record says why in words an auditor reads — which event
(its number, what happened, to which step), which field, what was recorded and what the engine
produces now — and keeps both events and each differing field for the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine.definitions.element_names import ElementName
from engine.record.divergence import Difference, Divergence, instant_text
from engine.replay import replay_case
from tests.engine.test_audit import tamper
from tests.engine.test_replay import alter_entered
from tests.factories import report, step

NAMES = {
    "sign_for": ElementName("签收"),
    "timer_sign_for": ElementName("红灯", attached_to="sign_for"),
}
AT = "2026-11-24T01:00:00.817000+00:00"


def event(**changes):  # type: ignore[no-untyped-def]
    return {
        "seq": 5,
        "at": AT,
        "actor": "bus_handler",
        "kind": "task_completed",
        "element_id": "sign_for",
        "definition": 1,
        "data": {"task_id": 2, "data": {"accept": True, "note": "收到"}, "late_seconds": None},
        **changes,
    }


def test_an_instant_that_differs_is_named_with_both_values_in_xiamen_time():
    replayed = event(at="2026-11-24T01:00:00.785000+00:00")
    divergence = Divergence(5, event(), replayed, NAMES)
    assert divergence.said == [
        "第 5 条事件（完成步骤：签收）的发生时间不同："
        "记录为 2026-11-24 09:00:00.817，重放得到 2026-11-24 09:00:00.785"
    ]
    assert divergence.differences == [Difference("at", AT, replayed["at"])]
    assert divergence.explanation == divergence.said[0] + "。"


def test_each_differing_field_and_data_item_is_its_own_sentence():
    replayed = event(
        actor="bus_leader",
        data={"task_id": 2, "data": {"accept": False, "note": "收到"}, "late_seconds": 60},
    )
    divergence = Divergence(5, event(), replayed, NAMES)
    assert [d.field for d in divergence.differences] == [
        "actor",
        "data.data.accept",
        "data.late_seconds",
    ]
    assert divergence.said == [
        '第 5 条事件（完成步骤：签收）的操作人不同：记录为 "bus_handler"，重放得到 "bus_leader"',
        "第 5 条事件（完成步骤：签收）的数据项「data.accept」不同：记录为 true，重放得到 false",
        "第 5 条事件（完成步骤：签收）的数据项「late_seconds」不同：记录为 —，重放得到 60",
    ]


def test_a_data_item_only_one_side_has_is_shown_as_absent_on_the_other():
    """An absent item and an empty one (null) both read —: neither has a value."""
    replayed = event(data={"task_id": 2, "data": {"accept": True}, "late_seconds": None})
    [said] = Divergence(5, event(), replayed, NAMES).said
    assert said.endswith('的数据项「data.note」不同：记录为 "收到"，重放得到 —')


def test_another_event_in_its_place_names_both_a_timer_with_its_step():
    replayed = event(kind="timer_fired", element_id="timer_sign_for", data={})
    divergence = Divergence(5, event(), replayed, NAMES)
    assert divergence.said == [
        "第 5 条事件不同：记录为「完成步骤：签收」，重放得到「时限到达：签收 · 红灯」"
    ]
    assert {d.field for d in divergence.differences} >= {"kind", "element_id"}


def test_a_missing_an_extra_and_a_refused_event_are_said_as_such():
    missing = Divergence(5, event(), None, NAMES)
    assert missing.said == [
        "第 5 条事件（完成步骤：签收）在重放中没有出现：按记录的输入重新执行，得不到这条事件"
    ]
    assert missing.differences == [Difference("event", event(), None)]
    extra = Divergence(9, {}, event(seq=9, kind="case_ended", element_id=None), NAMES)
    assert extra.said == ["重放多出第 9 条事件（案件结束）：记录中没有这条事件"]
    refused = Divergence(5, event(), {"error": "FormInvalid: 「签收意见」为必填项"}, NAMES)
    assert refused.said == [
        "第 5 条事件（完成步骤：签收）记录的输入在重放时被拒绝：FormInvalid: 「签收意见」为必填项"
    ]


def test_an_instant_shows_as_much_of_its_fraction_as_it_has():
    whole = datetime(2026, 11, 24, 1, tzinfo=UTC)
    assert instant_text(whole) == "2026-11-24 09:00:00"
    assert instant_text(whole + timedelta(milliseconds=817)) == "2026-11-24 09:00:00.817"
    assert instant_text(whole + timedelta(microseconds=817342)) == "2026-11-24 09:00:00.817342"


def test_a_recorded_instant_edited_behind_the_engine_is_said_plainly(jtflow, db_url):
    """The task the report opened, recorded a second later than its step: the replay says
    which event, which field, and both instants."""
    case = report(jtflow)
    [opened] = [e for e in jtflow.history(case.case_id) if e.kind == "task_created"]
    later = opened.at + timedelta(seconds=1)
    stored = later.astimezone(UTC).replace(tzinfo=None).isoformat(" ")  # as SQLite keeps it
    tamper(db_url, "UPDATE history_event SET at = ? WHERE id = ?", stored, opened.id)
    divergence = replay_case(jtflow, case.case_no).divergence
    assert divergence is not None and divergence.seq == opened.seq
    assert divergence.said == [
        f"第 {opened.seq} 条事件（开始步骤：分类转办）的发生时间不同："
        f"记录为 {instant_text(later)}，重放得到 {instant_text(opened.at)}"
    ]


def test_an_altered_answer_is_said_as_the_event_that_replaced_the_recorded_one(jtflow, db_url):
    case = report(jtflow)
    step(jtflow, case, "classify", {"decision": "transfer"})
    completed = next(e for e in jtflow.history(case.case_id) if e.kind == "task_completed")
    alter_entered(
        db_url, completed.id, decision="return", return_reason="不属于职责", return_basis="职责分工"
    )
    divergence = replay_case(jtflow, case.case_no).divergence
    assert divergence is not None and divergence.seq == completed.seq + 1
    [said] = divergence.said
    assert said.startswith(f"第 {completed.seq + 1} 条事件不同：记录为「")
    assert "重放得到「" in said
