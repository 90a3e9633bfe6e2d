"""Several real `jtflow worker` processes on one PostgreSQL (DESIGN.md "Time", "Scale"): every
timer fires exactly once, even when a worker is SIGKILLed holding leases; a worker that was
down fires what came due meanwhile, once, in due order. Polls with bounds, never a fixed sleep."""

from __future__ import annotations

import signal
import time
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.models import HistoryEvent, Timer
from engine.service import Jtflow
from engine.time.clock import SHANGHAI
from tests.pg.conftest import engine_on, report_many

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

REPORTED = datetime(2026, 9, 28, 9, 0, tzinfo=SHANGHAI)  # Monday: 分类转办 due Tuesday 09:00


def waiting_due(jtflow: Jtflow) -> int:
    with jtflow.sessions() as session:
        return (
            session.scalar(
                select(func.count()).where(
                    Timer.state == "waiting", Timer.due_at <= jtflow.clock.now()
                )
            )
            or 0
        )


def until(condition, seconds: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(0.1)


def exactly_once(jtflow: Jtflow, timer_ids: list[int]) -> list[HistoryEvent]:
    """Every given timer row fired, and each fired row has exactly one timer_fired event."""
    with jtflow.sessions() as session:
        rows = session.execute(
            select(Timer.instance_id, Timer.element_id, Timer.state, Timer.due_at).where(
                Timer.id.in_(timer_ids)
            )
        ).all()
        events = list(
            session.scalars(
                select(HistoryEvent)
                .where(HistoryEvent.kind == "timer_fired")
                .order_by(HistoryEvent.id)
            )
        )
    assert Counter(state for *_, state, _ in rows) == {"fired": len(timer_ids)}, "some not fired"
    per_timer = Counter((e.instance_id, e.element_id, e.data["due_at"]) for e in events)
    twice = {key: n for key, n in per_timer.items() if n > 1}
    assert not twice, f"{len(twice)} timers fired more than once"
    expected = {(i, element, due.isoformat()) for i, element, _, due in rows}
    assert expected <= set(per_timer), "a fired timer row has no timer_fired event"
    return events


def test_three_workers_fire_two_thousand_timers_once_though_one_is_killed(pg_url, workers):
    cases = 2000
    report_many(pg_url, cases, REPORTED, timedelta(0), procs=2)
    jtflow = engine_on(pg_url)
    with jtflow.sessions() as session:
        due = list(session.scalars(select(Timer.id).where(Timer.state == "waiting")))
        same_second = session.scalar(
            select(func.count()).where(Timer.element_id == "timer_classify")
        )
    assert same_second == cases  # every case's 1-WD deadline: all due at Tuesday 09:00
    assert waiting_due(jtflow) == len(due)  # all already due on the real clock

    group = workers(lease_seconds=2.0)  # short lease: the killed worker's timers come back soon
    victim, *others = group.start(3)

    def victim_holds_leases() -> bool:
        with jtflow.sessions() as session:
            return bool(
                session.scalar(
                    select(func.count()).where(
                        Timer.state == "waiting",
                        Timer.lease_owner.like(f"%/{victim.pid}/%"),
                    )
                )
            )

    until(victim_holds_leases, 60, "the victim claimed timers")
    victim.send_signal(signal.SIGKILL)  # mid-run, holding a claimed batch
    victim.wait(timeout=10)
    with jtflow.sessions() as session:
        orphaned = session.scalar(
            select(func.count()).where(
                Timer.state == "waiting", Timer.lease_owner.like(f"%/{victim.pid}/%")
            )
        )
    # ~20 s on an idle machine; the bound only stops a hang on a loaded one
    until(lambda: waiting_due(jtflow) == 0, 240, "every due timer fired")
    assert [proc.poll() is None for proc in others] == [True, True]  # the others still serve
    codes = group.stop()
    assert codes[1:] == [0, 0] and codes[0] == -signal.SIGKILL  # SIGTERM stops cleanly

    events = exactly_once(jtflow, due)
    assert len(events) == len(due)
    assert orphaned, "the killed worker held no lease: nothing was taken over"
    jtflow.sessions.kw["bind"].dispose()


def test_a_restarted_worker_fires_what_came_due_while_it_was_down_once_in_due_order(
    pg_url, workers
):
    report_many(pg_url, 20, REPORTED, timedelta(minutes=7), procs=1)
    jtflow = engine_on(pg_url)
    group = workers()
    group.start(1)
    until(lambda: waiting_due(jtflow) == 0, 120, "the first timers fired")
    assert group.stop() == [0]
    with jtflow.sessions() as session:
        before = session.scalar(select(func.count()).where(Timer.state == "fired")) or 0

    # down: cases reported meanwhile, their deadlines (spread over hours) all passed
    report_many(pg_url, 30, REPORTED + timedelta(days=1), timedelta(minutes=-11), procs=1)
    with jtflow.sessions() as session:
        missed = list(
            session.scalars(
                select(Timer.id).where(Timer.state == "waiting", Timer.due_at <= jtflow.clock.now())
            )
        )
    assert missed and waiting_due(jtflow) == len(missed)

    workers().start(1)
    until(lambda: waiting_due(jtflow) == 0, 120, "the missed timers fired after the restart")
    with jtflow.sessions() as session:
        fired_now = session.scalar(select(func.count()).where(Timer.state == "fired"))
        first_due = dict(
            session.execute(
                select(Timer.instance_id, func.min(Timer.due_at))
                .where(Timer.id.in_(missed))
                .group_by(Timer.instance_id)
            ).all()
        )
    assert fired_now == before + len(missed)  # the old ones did not fire again
    events = exactly_once(jtflow, missed)
    order = list(dict.fromkeys(e.instance_id for e in events if e.instance_id in first_due))
    assert order == sorted(first_due, key=lambda case: first_due[case])  # due order
    jtflow.sessions.kw["bind"].dispose()
