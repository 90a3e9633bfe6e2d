"""Reminders on PostgreSQL with real workers (E12, issue 16): two `jtflow worker` processes
fire the red deadlines of many cases at once, then a restarted worker and the test's own
engine look again — every red step has exactly one 催办, naming it; the database refuses a
second open one for the same step whatever a worker does."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from engine.models import HistoryEvent, Task, Timer, table_of
from engine.service import Jtflow
from engine.time.clock import SHANGHAI
from tests.pg.conftest import engine_on, report_many
from tests.pg.test_multinode import until

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

REPORTED = datetime(2026, 9, 28, 9, 0, tzinfo=SHANGHAI)  # 分类转办 red Tuesday 09:00
CASES = 40


def due_left(jtflow: Jtflow) -> int:
    """Waiting timers due by the real clock the workers read."""
    with jtflow.sessions() as session:
        now = datetime.now(SHANGHAI)
        return (
            session.scalar(
                select(func.count()).where(Timer.state == "waiting", Timer.due_at <= now)
            )
            or 0
        )


def presses(jtflow: Jtflow) -> list[Task]:
    with jtflow.sessions() as session:
        return list(session.scalars(select(Task).where(Task.element_id == "press")))


def test_two_workers_and_a_restart_open_one_reminder_per_red_step(pg_url, workers):
    report_many(pg_url, CASES, REPORTED, timedelta(minutes=1), procs=2)
    jtflow = engine_on(pg_url)
    group = workers(lease_seconds=2.0)
    group.start(2)
    until(lambda: due_left(jtflow) == 0, 180, "every red deadline fired")
    assert group.stop() == [0, 0]

    workers().start(1)  # a restarted worker: it fires what is due at start, here nothing
    assert jtflow.fire_due_timers() == 0  # and a third engine finds nothing either

    found = presses(jtflow)
    assert len(found) == CASES
    assert Counter(p.instance_id for p in found) == Counter({p.instance_id: 1 for p in found})
    with jtflow.sessions() as session:
        chased = dict(
            session.execute(
                select(Task.id, Task.element_id).where(
                    Task.id.in_([p.chased_task_id for p in found])
                )
            ).all()
        )
        escalated = session.scalars(
            select(HistoryEvent).where(HistoryEvent.kind == "escalated")
        ).all()
    assert set(chased.values()) == {"classify"} and len(chased) == CASES
    assert len(escalated) == CASES
    assert {e.data["overdue_step"] for e in escalated} == {"分类转办"}
    assert all(p.state == "open" and p.due_at is not None for p in found)


def test_the_database_refuses_a_second_open_reminder_for_one_step(pg_url):
    report_many(pg_url, 1, datetime.now(SHANGHAI) - timedelta(days=10), timedelta(0), procs=1)
    jtflow = engine_on(pg_url)
    jtflow.fire_due_timers()
    [press] = presses(jtflow)
    copy = {
        c.name: getattr(press, c.name)
        for c in table_of(Task).columns
        if c.name not in ("id", "spiff_task_id")
    }
    with jtflow.sessions() as session, pytest.raises(IntegrityError):
        session.execute(insert(Task), [{**copy, "spiff_task_id": "a-second-press"}])
        session.flush()
