"""The quarterly knowledge-base revision (O2) on PostgreSQL with real `jtflow worker`
processes: the timer cycle fires each quarter exactly once though one of two workers is
SIGKILLed and a dead worker held the cycle's lease, and the occurrences skipped while no
worker ran each fire once when workers come back — then never again after a restart."""

from __future__ import annotations

import signal
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine import knowledge
from engine.config import PROJECT_ROOT, Settings, open_jtflow
from engine.models import HistoryEvent, Task, Timer
from engine.time import timers
from engine.time.clock import SHANGHAI, FakeClock, SystemClock
from tests.knowledge import SEAT
from tests.pg.test_multinode import until, waiting_due

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

STARTED = datetime(2025, 6, 1, 9, 0, tzinfo=SHANGHAI)  # waits for the cycle's start, 1 Jan 2026


def quarters_until(now: datetime) -> list[str]:
    """Every quarter's first instant from 1 January 2026 up to `now`, as the chain has it."""
    out, year, month = [], 2026, 1
    while (at := datetime(year, month, 1, tzinfo=SHANGHAI)) <= now:
        out.append(at.astimezone(UTC).isoformat())
        year, month = (year + 1, 1) if month == 10 else (year, month + 3)
    return out


def test_the_quarterly_cycle_fires_once_per_quarter_on_two_workers_one_killed(pg_url, workers):
    setup = open_jtflow(Settings(database_url=pg_url), FakeClock(STARTED))
    setup.deploy(PROJECT_ROOT / "processes" / "knowledge_revision.bpmn")
    case_no = knowledge.start_schedule(setup, starter=SEAT)
    case_id = setup.case(case_no).id
    now = SystemClock().now()
    with setup.sessions() as session:  # a worker that died mid-fire, holding the cycle's lease
        [claim] = timers.claim_due(
            session, owner="gone/1/deadbeef", now=now, lease_seconds=3.0, limit=10
        )
        session.commit()
    setup.sessions.kw["bind"].dispose()

    group = workers(lease_seconds=2.0)
    victim, survivor = group.start(2)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)
    jtflow = open_jtflow(Settings(database_url=pg_url))

    def cycle_due() -> datetime:
        with jtflow.sessions() as session:
            return session.scalar(select(Timer.due_at).where(Timer.id == claim.timer_id))

    until(lambda: cycle_due() > SystemClock().now(), 120, "every missed quarter fired")
    expected = quarters_until(SystemClock().now())
    assert len(expected) >= 4  # 1 Jan … 1 Oct 2026 at least
    fired, revisions = _fired_and_revisions(jtflow, case_id)
    assert Counter(fired) == Counter(expected), "each quarter fired exactly once"
    assert revisions == len(expected)
    assert survivor.poll() is None

    assert group.stop()[1] == 0  # restart: nothing is due, nothing fires again
    workers(lease_seconds=2.0).start(1)
    until(lambda: waiting_due(jtflow) == 0, 60, "the restarted worker found nothing due")
    assert _fired_and_revisions(jtflow, case_id) == (fired, revisions)
    next_quarter = cycle_due().astimezone(SHANGHAI)
    assert (next_quarter.day, next_quarter.hour, next_quarter.month % 3) == (1, 0, 1)
    assert next_quarter - SystemClock().now() < timedelta(days=93)
    jtflow.sessions.kw["bind"].dispose()


def _fired_and_revisions(jtflow, case_id):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        fired = list(
            session.scalars(
                select(HistoryEvent.data["due_at"].as_string()).where(
                    HistoryEvent.instance_id == case_id,
                    HistoryEvent.kind == "timer_fired",
                    HistoryEvent.element_id == "quarterly",
                )
            )
        )
        revisions = session.scalar(
            select(func.count()).where(Task.instance_id == case_id, Task.element_id == "revise")
        )
    return fired, revisions
