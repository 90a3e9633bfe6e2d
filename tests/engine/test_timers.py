"""Timers are claimed under a lease before they fire (DESIGN.md "Time"): each fires once,
in due order; a worker that dies loses its lease when it expires; a conflict on one case
does not stop the others. All on the fake clock: nothing here waits for time to pass."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select

from engine.models import HistoryEvent, Instance, Timer
from engine.time import timers
from engine.time.clock import SHANGHAI
from tests.factories import report, task_at

DUE = datetime(2026, 9, 29, 9, 0, tzinfo=SHANGHAI)  # 分类转办: 1 WD after Monday 09:00


def fired_events(jtflow) -> list[HistoryEvent]:  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        return list(
            session.scalars(
                select(HistoryEvent)
                .where(HistoryEvent.kind == "timer_fired")
                .order_by(HistoryEvent.id)
            )
        )


def once_each(jtflow) -> Counter[tuple[int, str | None]]:  # type: ignore[no-untyped-def]
    """timer_fired events per (case, timer element); every fired timer row is counted once."""
    counts = Counter((e.instance_id, e.element_id) for e in fired_events(jtflow))
    with jtflow.sessions() as session:
        fired_rows = session.execute(
            select(Timer.instance_id, Timer.element_id).where(Timer.state == "fired")
        ).all()
    assert sorted(counts) == sorted(fired_rows), "a fired timer row without its event, or back"
    assert set(counts.values()) <= {1}, f"fired twice: {counts}"
    return counts


def claim(jtflow, clock, limit: int = 100) -> list[timers.Claim]:  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        claims = timers.claim_due(
            session,
            owner=jtflow.worker_id,
            now=clock.now(),
            lease_seconds=jtflow.timer_lease_seconds,
            limit=limit,
        )
        session.commit()
    return claims


def test_a_dead_workers_timers_fire_once_after_its_lease_expires(fresh, clock):
    case = report(fresh())
    dead, alive = fresh(), fresh()
    clock.set(DUE)
    claims = claim(dead, clock)
    assert {c.instance_id for c in claims} == {case.case_id}
    assert alive.fire_due_timers() == 0  # leased to a worker that may still be firing them
    lease_end = DUE + timedelta(seconds=alive.timer_lease_seconds)
    assert alive.next_timer_due() == lease_end  # wake when the lease runs out, do not spin
    clock.set(lease_end - timedelta(seconds=1))
    assert alive.fire_due_timers() == 0
    clock.set(lease_end)
    assert alive.fire_due_timers() == len(claims)
    # the dead worker comes back and fires what it had claimed: nothing happens twice
    assert sum(dead._fire_case(i, group) for i, group in timers.by_instance(claims)) == 0
    assert set(once_each(fresh()).values()) == {1}
    assert alive.fire_due_timers() == 0


def test_timers_fire_in_due_order_case_by_case(fresh, clock):
    cases = []
    for hours in (5, 1, 3):  # reported out of due order
        clock.set(datetime(2026, 9, 28, 9, 0, tzinfo=SHANGHAI) + timedelta(hours=hours))
        cases.append(report(fresh()))
    clock.advance(days=7)
    worker = fresh()
    worker.timer_batch = 1  # one claim per round: order holds across batches too
    assert worker.fire_due_timers() == len(once_each(fresh()))
    order = list(dict.fromkeys(e.instance_id for e in fired_events(fresh())))
    assert order == [cases[1].case_id, cases[2].case_id, cases[0].case_id]
    assert fresh().fire_due_timers() == 0


def test_a_conflict_on_one_case_does_not_stop_the_others(fresh, clock):
    raced, other = report(fresh()), report(fresh())
    classify = task_at(fresh(), raced, "classify")
    clock.set(DUE)
    slow, fast = fresh(), fresh()
    write = slow.runtime.write

    def write_after_someone_else(session, loaded, advanced, actor):  # type: ignore[no-untyped-def]
        if loaded.instance.id == raced.case_id:
            fast.claim(classify.id, "c_12328")  # another node steps the same case meanwhile
        return write(session, loaded, advanced, actor)

    slow.runtime.write = write_after_someone_else  # type: ignore[method-assign]
    fired = slow.fire_due_timers()
    counts = once_each(fresh())
    assert {case for case, _ in counts} == {other.case_id} and fired == len(counts)
    with fresh().sessions() as session:
        leases = session.scalars(
            select(Timer.lease_owner).where(
                Timer.instance_id == raced.case_id, Timer.state == "waiting"
            )
        ).all()
    assert leases and set(leases) == {None}  # given back: the next wake retries at once
    assert fresh().fire_due_timers() == len(leases)
    assert {case for case, _ in once_each(fresh())} == {raced.case_id, other.case_id}


def test_an_ended_case_never_holds_timers_back(fresh, clock):
    """A waiting row left behind by a case that has ended is closed, not retried forever."""
    case = report(fresh())
    clock.set(DUE)
    with fresh().sessions() as session:
        instance = session.get(Instance, case.case_id)
        assert instance is not None
        instance.status = "archived"
        session.commit()
    assert fresh().fire_due_timers() == 0
    with fresh().sessions() as session:
        states = set(session.scalars(select(Timer.state).where(Timer.instance_id == case.case_id)))
    assert states == {"cancelled"}
    assert fresh().next_timer_due() is None


def test_a_step_that_makes_a_timer_wakes_the_listeners(jtflow):
    """DESIGN.md "Time": the in-process scheduler hears of a new timer at once, not at its
    next look; a step that makes no timer does not wake it."""
    from tests.factories import report, step

    woken: list[int] = []
    jtflow.runtime.on_new_timers(lambda: woken.append(1))
    case = report(jtflow)  # 分类转办's yellow and red timers
    assert len(woken) == 1
    step(jtflow, case, "classify", {"decision": "transfer"})  # 签收's timers
    assert len(woken) == 2
    task = next(t for t in jtflow.tasks_for("bus_handler"))[0]
    jtflow.claim(task.id, "bus_handler")  # no step of the workflow: no timer
    assert len(woken) == 2
