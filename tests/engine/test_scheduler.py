"""The scheduler's decisions on the fake clock: when it wakes next, that a start fires what
came due while it was down (once, in due order), and that it never spins on timers another
worker holds. APScheduler is replaced by a recorder, except in one test that runs it for real."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from engine.models import HistoryEvent, Timer
from engine.scheduler import TimerScheduler
from engine.time import timers
from engine.time.clock import SHANGHAI
from tests.factories import Span, report

DUE = datetime(2026, 9, 29, 9, 0, tzinfo=SHANGHAI)  # 分类转办 of a case reported at START


class Recorder:
    """Stands in for APScheduler: remembers the one job it was asked to run, runs nothing."""

    def __init__(self) -> None:
        self.run_dates: list[datetime] = []
        self.started = self.stopped = False

    def start(self) -> None:
        self.started = True

    def shutdown(self, wait: bool = True) -> None:
        self.stopped = True

    def add_job(self, func: Any, trigger: str, **kwargs: Any) -> None:
        assert trigger == "date" and kwargs["replace_existing"]
        self.run_dates.append(kwargs["run_date"])


def scheduler_for(jtflow, **kwargs: Any) -> tuple[TimerScheduler, Recorder]:  # type: ignore[no-untyped-def]
    recorder = Recorder()
    return TimerScheduler(jtflow, scheduler=recorder, **kwargs), recorder


def fired(jtflow) -> list[tuple[int, str | None, str]]:  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        events = session.scalars(
            select(HistoryEvent).where(HistoryEvent.kind == "timer_fired").order_by(HistoryEvent.id)
        )
        return [(e.instance_id, e.element_id, e.data["due_at"]) for e in events]


def test_an_idle_scheduler_sleeps_at_most_the_maximum(jtflow, clock):
    scheduler, recorder = scheduler_for(jtflow, max_sleep_seconds=30)
    with Span(clock) as starting:
        scheduler.start()
    assert recorder.started and len(recorder.run_dates) == 1
    assert recorder.run_dates[0] in starting  # first look: at once
    with Span(clock) as ticking:
        assert scheduler.tick() == 0
    assert recorder.run_dates[-1] - timedelta(seconds=30) in ticking


def test_it_wakes_at_the_next_due_instant_or_within_the_longest_wait(fresh, clock):
    report(fresh())  # timers: the yellow warning, then the red deadline at DUE
    scheduler, recorder = scheduler_for(fresh(), max_sleep_seconds=30)
    with fresh().sessions() as session:
        dues = sorted(session.scalars(select(Timer.due_at).where(Timer.state == "waiting")))
    assert dues[-1] == DUE
    with Span(clock) as ticking:
        scheduler.tick()
    assert recorder.run_dates[-1] - timedelta(seconds=30) in ticking  # due much later
    clock.set(dues[0] - timedelta(seconds=10))
    scheduler.tick()
    assert recorder.run_dates[-1] == dues[0]  # sooner than the cap: exactly at the due
    clock.set(dues[0])
    assert scheduler.tick() >= 1
    clock.set(DUE - timedelta(seconds=5))
    scheduler.tick()
    assert recorder.run_dates[-1] == DUE


def test_a_start_fires_what_came_due_while_down_once_in_due_order(fresh, clock):
    cases = []
    for hours in (6, 2, 4):
        clock.set(datetime(2026, 9, 28, 9, 0, tzinfo=SHANGHAI) + timedelta(hours=hours))
        cases.append(report(fresh()))
    first = fresh()
    first.fire_due_timers()  # a node ran for a while, then went down
    before = fired(fresh())
    clock.advance(days=3)  # ... and was down three days
    scheduler, recorder = scheduler_for(fresh())
    with Span(clock) as starting:
        scheduler.start()
    assert len(recorder.run_dates) == 1 and recorder.run_dates[0] in starting
    assert scheduler.tick() > 0
    after = fired(fresh())[len(before) :]
    assert len(after) == len(set(after))  # once each
    order = list(dict.fromkeys(case for case, _, _ in after))
    assert order == [cases[1].case_id, cases[2].case_id, cases[0].case_id]
    assert scheduler.tick() == 0 and fired(fresh())[len(before) :] == after


def test_it_does_not_spin_on_timers_another_worker_is_firing(fresh, clock):
    report(fresh())
    clock.set(DUE)
    other = fresh()
    with other.sessions() as session:
        timers.claim_due(session, owner=other.worker_id, now=DUE, lease_seconds=60, limit=10)
        session.commit()
    scheduler, recorder = scheduler_for(fresh(), max_sleep_seconds=300)
    assert scheduler.tick() == 0
    assert recorder.run_dates[-1] == DUE + timedelta(seconds=60)  # when the lease runs out


def test_a_wake_during_a_tick_looks_again_right_after_it(jtflow, clock):
    scheduler, recorder = scheduler_for(jtflow)
    fire = jtflow.fire_due_timers

    def fire_while_a_step_wakes_us() -> int:
        scheduler.wake()  # e.g. the web process created a timer meanwhile
        assert recorder.run_dates == []  # not scheduled under the running tick
        return fire()

    jtflow.fire_due_timers = fire_while_a_step_wakes_us  # type: ignore[method-assign]
    with Span(clock) as ticking:
        scheduler.tick()
    assert len(recorder.run_dates) == 1 and recorder.run_dates[0] in ticking


def test_with_apscheduler_a_start_catches_up_without_waiting(fresh, clock):
    """A due instant in the past (the fake clock is in 2026-09) runs at once, not dropped as a
    misfire; polls with a bound instead of sleeping a fixed time."""
    case = report(fresh())
    clock.set(DUE)
    scheduler = TimerScheduler(fresh(), max_sleep_seconds=3600)
    scheduler.start()
    try:
        deadline = time.monotonic() + 10
        while not fired(fresh()) and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        scheduler.shutdown()
    assert {instance for instance, _, _ in fired(fresh())} == {case.case_id}


def test_each_wake_takes_up_a_year_loaded_by_another_process(jtflow, clock, fresh):
    """SPEC §2: a long-running scheduler (web or worker) uses a year an administrator loaded
    elsewhere from its next wake on."""
    from datetime import date

    from tests.engine.test_retiming import load_2027

    scheduler, _ = scheduler_for(jtflow)
    assert jtflow.runtime.functions.calendar.is_working_day(date(2027, 1, 1))  # unknown: Mon–Fri
    load_2027(fresh())
    scheduler.tick()
    assert not jtflow.runtime.functions.calendar.is_working_day(date(2027, 1, 1))
