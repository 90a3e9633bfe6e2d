"""Notifications on PostgreSQL (issue 16): each kind written once with its step, also when
two engines fire the same due timers at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from engine.config import Settings, open_jtflow
from engine.models import NotificationDigest
from engine.notify.digest import DailyDigest
from engine.notify.digest_settings import set_digest
from engine.service import Jtflow
from engine.time.clock import TickingClock, parse_instant
from tests.digests import Recorded
from tests.factories import report, step
from tests.notes import duplicates, replied, told
from tests.pg.conftest import _OPENED


def engine_with(url: str, clock: TickingClock) -> Jtflow:
    jtflow = open_jtflow(Settings(database_url=url), clock)
    _OPENED.append(jtflow)  # disposed when the test ends
    return jtflow


def test_each_kind_is_written_once_with_its_step(pg_url, clock):  # type: ignore[no-untyped-def]
    jtflow = engine_with(pg_url, clock)
    case = report(jtflow)
    assert told(jtflow, "c_12328") == [("task", "分类转办")]
    step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    assert told(jtflow, "transport_handler") == [("task", "签收")]
    returned = replied(jtflow)
    step(jtflow, returned, "leader_approve", {"approved": False, "opinion": "核实情况不全"})
    assert told(jtflow, "transport_handler")[-1] == ("returned", "办理答复")
    assert duplicates(jtflow) == []


def test_two_engines_firing_the_same_lights_tell_once(pg_url, clock):  # type: ignore[no-untyped-def]
    first, second = engine_with(pg_url, clock), engine_with(pg_url, clock)
    for _ in range(3):
        report(first)
    clock.set(parse_instant("2026-09-29T09:00:00+08:00"))  # yellow and red both due
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda j: j.fire_due_timers(), (first, second)))
    notes = told(first, "c_12328")
    assert notes.count(("yellow", "分类转办")) == 3
    assert notes.count(("red", "分类转办")) == 3
    assert notes.count(("escalated", "分类转办")) == 3
    assert duplicates(first) == []


def test_two_workers_make_one_digest_a_day(pg_url, clock):  # type: ignore[no-untyped-def]
    """Two workers wake at the same minute many times: each person gets one digest a day."""
    first, second = engine_with(pg_url, clock), engine_with(pg_url, clock)
    report(first)
    report(first, channel="hotline_12328")
    with first.sessions() as session:
        for username in ("c_12328", "c_monitor"):
            set_digest(session, username, "08:00", "12328")
        session.commit()
    delivery = Recorded()
    workers = [DailyDigest(first, delivery), DailyDigest(second, delivery)]
    for day in ("2026-09-29", "2026-09-30"):
        clock.set(parse_instant(f"{day}T08:00:00+08:00"))
        with ThreadPoolExecutor(2) as pool:
            made = sum(pool.map(lambda w: w.run(), workers * 3))
        assert made == 2  # c_12328 and c_monitor (told nothing: a row, no message)
    assert [m.username for m in delivery.sent] == ["c_12328", "c_12328"]
    with first.sessions() as session:
        rows = session.execute(select(NotificationDigest.username, NotificationDigest.day)).all()
    assert len(rows) == len(set(rows)) == 4
