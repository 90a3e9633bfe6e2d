"""S2: replaying a case re-executes its recorded inputs on its recorded definition version at
the recorded instants and reproduces every stored event — on every path, with returns,
lights and escalations; a history altered after the fact is caught at the step it shows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.replay import replay_case
from tests.engine.test_audit import tamper
from tests.factories import report, step


def replays_exactly(jtflow, case):  # type: ignore[no-untyped-def]
    result = replay_case(jtflow, case.case_id)
    assert result.divergence is None, result.divergence
    assert result.events == len(jtflow.history(case.case_id))
    return result


def alter_entered(db_url: str, event_id: int, **entered: str) -> None:
    """Change the form data a stored event records, behind the engine's back."""
    paths = [part for name, value in entered.items() for part in (f"$.data.{name}", value)]
    placeholders = ", ".join("?" for _ in paths)
    sql = f"UPDATE history_event SET data = json_set(data, {placeholders}) WHERE id = ?"
    tamper(db_url, sql, *paths, event_id)


def test_a_case_returned_twice_then_archived_replays(jtflow, clock):
    """E6, E8–E10, E13 with claims, releases, and the center's two returns."""
    case = report(jtflow, channel="hotline_12328")
    step(jtflow, case, "classify", {"decision": "transfer"})
    step(jtflow, case, "sign_for")
    returned = {"accepted": False, "reason": "缺少处置照片", "basis": "答复要素要求"}
    for _ in range(2):
        clock.advance(hours=3)
        step(jtflow, case, "handle_reply")
        step(jtflow, case, "leader_approve")
        step(jtflow, case, "center_audit", returned)
    for element in ("handle_reply", "leader_approve", "center_audit", "revisit", "archive"):
        clock.advance(hours=1)
        step(jtflow, case, element)
    replays_exactly(jtflow, case)
    returns = [e for e in jtflow.history(case.case_id) if e.kind == "returned"]
    assert [e.element_id for e in returns] == [
        "center_audit",
        "center_audit",
    ]  # E10, as its own kind


def test_lights_escalation_and_timers_replay(jtflow, clock):
    """E7, E12: an urgent case left to go yellow and red, pressed and overseen."""
    case = report(jtflow, urgency="urgent")
    step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    for hours in (1, 1, 24):
        clock.advance(hours=hours)
        jtflow.fire_due_timers()
    step(jtflow, case, "press")
    step(jtflow, case, "oversee")
    clock.advance(timedelta(days=3))
    jtflow.fire_due_timers()
    replays_exactly(jtflow, case)


def test_an_altered_history_is_caught_at_the_step_it_changes(jtflow, db_url):
    """A completion's recorded data changed after the fact: the replay takes the altered
    input and then no longer produces the recorded next event."""
    case = report(jtflow)
    step(jtflow, case, "classify", {"decision": "transfer"})
    step(jtflow, case, "sign_for")
    completed = next(
        e
        for e in jtflow.history(case.case_id)
        if e.kind == "task_completed" and e.element_id == "classify"
    )
    alter_entered(
        db_url,
        completed.id,
        decision="return",
        return_reason="不属于职责",
        return_basis="职责分工",
    )
    result = replay_case(jtflow, case.case_no)
    assert result.divergence is not None
    assert result.divergence.seq == completed.seq + 1
    assert result.divergence.expected["kind"] != (result.divergence.replayed or {}).get("kind")


def test_an_altered_input_that_no_longer_validates_is_caught_at_its_own_step(jtflow, db_url):
    case = report(jtflow)
    step(jtflow, case, "classify", {"decision": "transfer"})
    completed = next(e for e in jtflow.history(case.case_id) if e.kind == "task_completed")
    alter_entered(db_url, completed.id, decision="lost")
    divergence = replay_case(jtflow, case.case_id).divergence
    assert divergence is not None and divergence.seq == completed.seq
    assert "FormInvalid" in divergence.replayed["error"]


@pytest.mark.parametrize("channel", ["platform_12345", "patrol"])
def test_other_paths_replay(jtflow, channel):
    """E11 patrol handled by the unit; 12345 answered to the platform."""
    case = report(jtflow, channel=channel)
    for _ in range(12):
        opened = [t for t in _open(jtflow, case)]
        if not opened:
            break
        step(jtflow, case, opened[0])
    replays_exactly(jtflow, case)


def _open(jtflow, case):  # type: ignore[no-untyped-def]
    from tests.factories import open_steps

    return open_steps(jtflow, case)


def test_the_case_as_it_stood_at_any_step(jtflow, clock):
    """S2, E12: at step k the replay shows exactly the open tasks, owners, lights and timers
    the case had then — checked against what the live case showed at each of those moments."""
    from tests.factories import open_tasks

    case = report(jtflow)
    moments = []

    def remember() -> None:
        tasks = open_tasks(jtflow, case)
        moments.append(
            (
                len(jtflow.history(case.case_id)),
                sorted((t.id, t.element_id, t.unit_code, t.assignee, t.light) for t in tasks),
            )
        )

    remember()
    step(jtflow, case, "classify", {"decision": "transfer"})
    remember()
    clock.advance(hours=20)
    jtflow.fire_due_timers()  # 签收 turns yellow
    remember()
    jtflow.claim(open_tasks(jtflow, case)[0].id, "bus_handler")
    remember()
    for seq, expected in moments:
        state = replay_case(jtflow, case.case_id, until=seq).state
        shown = sorted(
            (t["task_id"], t["element_id"], t["unit"], t["assignee"], t["light"])
            for t in state["open_tasks"]
        )
        assert shown == expected, seq
    assert state["open_tasks"][0]["light"] == "yellow"
    assert state["data"]["decision"] == "transfer"


def test_a_step_outside_the_history_is_refused(jtflow):
    from engine.errors import InvalidInput

    case = report(jtflow)
    with pytest.raises(InvalidInput, match="只有第 1 至"):
        replay_case(jtflow, case.case_id, until=99)


def test_a_case_whose_deadlines_a_calendar_load_moved_replays(jtflow, clock):
    """SPEC §2, S2: reported on 31 Dec 2026 when 2027 was unknown (provisional deadlines), then
    2027 loaded: the replay starts on the calendar then in force and re-applies the load at
    its instant, reproducing every `deadline_recomputed` and what fired after it."""
    from datetime import datetime

    from engine.time.clock import SHANGHAI
    from tests.engine.test_retiming import load_2027

    clock.set(datetime(2026, 12, 31, 10, 0, tzinfo=SHANGHAI))
    case = report(jtflow)
    clock.advance(hours=2)
    load_2027(jtflow)
    clock.advance(days=4)
    jtflow.fire_due_timers()
    kinds = [e.kind for e in jtflow.history(case.case_id)]
    assert "deadline_recomputed" in kinds and "timer_fired" in kinds
    replays_exactly(jtflow, case)


FAILS_FOR_TRANSPORT_DEV = (  # a transfer script that fails for one unit: a deterministic failure
    "<bpmn:script>transferred_at = now()",
    '<bpmn:script>transferred_at = now() if lead_unit != "TRANSPORT_DEV" else 1 / 0',
)


def test_a_failed_completion_is_tried_again_and_fails_again(jtflow, clock, tmp_path):
    """S2: a step the workflow refused is recorded with its input; the replay tries that input
    again, gets the same failure, and goes on with the completion that followed."""
    from engine.errors import StalledInstance
    from tests.factories import deploy_variant

    deploy_variant(jtflow, tmp_path / "v2", FAILS_FOR_TRANSPORT_DEV)
    case = report(jtflow)
    with pytest.raises(StalledInstance, match="ZeroDivisionError"):
        step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    clock.advance(minutes=5)
    step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "BUS_GROUP"})
    step(jtflow, case, "sign_for")
    failed = next(e for e in jtflow.history(case.case_id) if e.kind == "step_failed")
    assert failed.data["attempt"] == "task_completed"
    assert failed.data["data"]["lead_unit"] == "TRANSPORT_DEV"
    replays_exactly(jtflow, case)


def test_a_failure_that_no_longer_happens_is_a_divergence(jtflow, tmp_path, db_url):
    """The recorded failed input altered so it would now succeed: the replay reports the step."""
    from engine.errors import StalledInstance
    from tests.factories import deploy_variant

    deploy_variant(jtflow, tmp_path / "v2", FAILS_FOR_TRANSPORT_DEV)
    case = report(jtflow)
    with pytest.raises(StalledInstance):
        step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    failed = next(e for e in jtflow.history(case.case_id) if e.kind == "step_failed")
    alter_entered(db_url, failed.id, lead_unit="BUS_GROUP")
    divergence = replay_case(jtflow, case.case_id).divergence
    assert divergence is not None and divergence.seq == failed.seq
    assert divergence.expected["kind"] == "step_failed"
    assert divergence.replayed is not None and divergence.replayed["kind"] == "task_completed"


def test_a_timer_that_fails_at_every_firing_replays(jtflow, clock, tmp_path):
    """E12: the red timer's escalation fails (a broken call in its script); each firing is
    recorded as a failed step and retried once its lease ends — the replay fails the same way."""
    from tests.factories import deploy_variant

    deploy_variant(
        jtflow,
        tmp_path / "v2",
        (
            '<spiffworkflow:preScript>overdue_step = "分类转办"',
            "<spiffworkflow:preScript>overdue_step = 1 / 0",
        ),
    )
    case = report(jtflow)
    for hours in (20, 10, 1):  # yellow, then red (fails), then red again after the lease
        clock.advance(hours=hours)
        jtflow.fire_due_timers()
    failures = [e for e in jtflow.history(case.case_id) if e.kind == "step_failed"]
    assert len(failures) == 2 and {e.data["attempt"] for e in failures} == {"timer_fired"}
    replays_exactly(jtflow, case)
