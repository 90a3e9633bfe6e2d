"""One step, one instant (DESIGN.md): every step reads the clock once, and that instant stamps
every event, task and timer row the step writes and is what the diagram's `now()` and its
timers see — on the suite's clock, which ticks a millisecond at every read as a real one moves.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.case_migration import migrate_case
from engine.demo import actor_for
from engine.errors import StalledInstance
from engine.models import HistoryEvent, Instance, Task, Timer
from engine.replay import replay_case
from engine.retiming import load_year
from engine.time.calendar import parse_year
from tests.engine.test_case_migration import SIGN_FOR_IN_TWO_WORKING_DAYS
from tests.engine.test_replay import FAILS_FOR_TRANSPORT_DEV
from tests.engine.test_retiming import YEAR_2027, at
from tests.factories import Span, deploy_variant, open_tasks, report, step, task_at


def reads_in(span: Span, tick: timedelta) -> int:
    """How often the clock was read inside the span (each read moves it on by `tick`)."""
    return round((span.end - span.start) / tick) - 1


def events_since(jtflow, case, seq):  # type: ignore[no-untyped-def]
    return [e for e in jtflow.history(case.case_id) if e.seq > seq]


def last_seq(jtflow, case) -> int:  # type: ignore[no-untyped-def]
    return jtflow.history(case.case_id)[-1].seq


def test_a_report_is_one_instant(jtflow, clock):
    with Span(clock) as span:
        case = jtflow.report_event(
            {
                "channel": "monitoring",
                "urgency": "urgent",
                "title": "公交场站候车亭顶棚漏水",
                "description": "视频巡查发现候车亭顶棚破损漏水。",
                "location": "火车站公交场站",
                "facility": {"type": "bus_station", "name": "火车站公交场站"},
                "discovered_at": "2026-09-28T08:30:00+08:00",
            },
            reporter="c_monitor",
        )
    assert reads_in(span, clock.tick) == 1
    with jtflow.sessions() as session:
        instance = session.get(Instance, case.case_id)
        assert instance is not None
        instant = instance.created_at
        assert instant in span and instance.updated_at == instant
        events = session.scalars(
            select(HistoryEvent).where(HistoryEvent.instance_id == case.case_id)
        )
        assert {e.at for e in events} == {instant}
        assert {t.created_at for t in session.scalars(select(Task))} == {instant}
    assert replay_case(jtflow, case.case_id).divergence is None


def test_a_completion_is_one_instant_and_the_diagram_sees_it(jtflow, clock):
    """E2, E5: the transfer script's `now()` is the completion's instant, so 签收 is due one
    working day after exactly that instant."""
    case = report(jtflow)
    seq = last_seq(jtflow, case)
    with Span(clock) as span:
        done = step(jtflow, case, "classify", {"decision": "transfer"})
    assert reads_in(span, clock.tick) == 1
    events = events_since(jtflow, case, seq)
    instant = events[0].at
    assert instant in span and {e.at for e in events} == {instant}
    assert jtflow.task(done.id).completed_at == instant
    sign_for = task_at(jtflow, case, "sign_for")
    assert sign_for.created_at == instant
    assert sign_for.due_at == instant + timedelta(days=1)  # Monday → Tuesday, same moment
    assert jtflow.case(case.case_id).updated_at == instant


def test_claims_and_releases_are_one_instant_each(jtflow, clock):
    case = report(jtflow)
    [task] = open_tasks(jtflow, case)
    for act in (jtflow.claim, jtflow.release):
        seq = last_seq(jtflow, case)
        with Span(clock) as span:
            act(task.id, actor_for(task))
        assert reads_in(span, clock.tick) == 1
        [event] = events_since(jtflow, case, seq)
        assert event.at in span and jtflow.case(case.case_id).updated_at == event.at


def test_a_timer_firing_is_one_instant(jtflow, clock):
    """E12: the red light, the 催办 it opens and the timer row it closes share one instant."""
    case = report(jtflow)
    seq = last_seq(jtflow, case)
    clock.advance(days=1, hours=1)
    with Span(clock) as span:
        jtflow.fire_due_timers()
    assert reads_in(span, clock.tick) == 2  # the claim of due timers, then the case's step
    events = events_since(jtflow, case, seq)
    assert {"timer_fired", "light_changed", "escalated", "task_created"} <= {e.kind for e in events}
    instant = events[0].at
    assert {e.at for e in events} == {instant}
    with jtflow.sessions() as session:
        fired = session.scalars(select(Timer.fired_at).where(Timer.state == "fired")).all()
    assert set(fired) == {instant}
    assert task_at(jtflow, case, "press").created_at == instant


def test_a_failed_step_is_recorded_at_its_own_instant(jtflow, clock, tmp_path):
    deploy_variant(jtflow, tmp_path / "v2", FAILS_FOR_TRANSPORT_DEV)
    case = report(jtflow)
    with Span(clock) as span, pytest.raises(StalledInstance):
        step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    assert reads_in(span, clock.tick) == 1
    [failed] = [e for e in jtflow.history(case.case_id) if e.kind == "step_failed"]
    assert failed.at == span.start + clock.tick  # the instant the failed step read
    assert replay_case(jtflow, case.case_id).divergence is None


def test_a_migration_is_one_instant(jtflow, clock, tmp_path):
    case = report(jtflow)
    step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "BUS_GROUP"})
    deploy_variant(jtflow, tmp_path / "v2", *SIGN_FOR_IN_TWO_WORKING_DAYS)
    seq = last_seq(jtflow, case)
    with Span(clock) as span:
        migrate_case(jtflow, case.case_id, actor="owner")
    assert reads_in(span, clock.tick) == 1
    events = events_since(jtflow, case, seq)
    assert events[0].kind == "migrated" and events[0].at in span
    assert {e.at for e in events} == {events[0].at} == {jtflow.case(case.case_id).updated_at}
    assert replay_case(jtflow, case.case_id).divergence is None


def test_recomputing_a_case_on_a_loaded_year_is_one_instant(jtflow, clock):
    """SPEC §2: the load itself reads the clock once; each case it recomputes, once."""
    clock.set(at("2026-12-31T10:00"))
    case = report(jtflow)
    step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    seq = last_seq(jtflow, case)
    with Span(clock) as span:
        load_year(jtflow, parse_year(YEAR_2027, "2027.json"), actor="admin")
    assert reads_in(span, clock.tick) == 2
    events = events_since(jtflow, case, seq)
    assert {e.kind for e in events} == {"deadline_recomputed"}
    assert {e.at for e in events} == {jtflow.case(case.case_id).updated_at}
    assert replay_case(jtflow, case.case_id).divergence is None
