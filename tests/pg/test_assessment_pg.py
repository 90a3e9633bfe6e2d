"""A1 on PostgreSQL: the hand-built cases of tests/assessment_cases.py give exactly the same
figures and lists as on SQLite (working-day arithmetic, percentiles and JSON in SQL)."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine.assessment.accountability import accountability
from engine.assessment.periods import parse_period
from engine.assessment.scope import Scope
from engine.config import Settings, open_jtflow
from engine.time.clock import SHANGHAI, TickingClock
from tests.assessment_cases import AS_OF, play
from tests.conftest import CALENDAR
from tests.engine.test_assessment_charts import check_charts
from tests.engine.test_assessment_data import check_a2
from tests.engine.test_assessment_figures import check_a1
from tests.pg.conftest import _OPENED

pytestmark = [pytest.mark.postgres]


def test_a1_figures_on_postgresql(pg_url):  # type: ignore[no-untyped-def]
    clock = TickingClock(datetime(2026, 9, 28, 9, tzinfo=SHANGHAI))
    jtflow = open_jtflow(Settings(database_url=pg_url), clock)
    _OPENED.append(jtflow)  # disposed when the test ends
    check_a1(jtflow, play(jtflow, clock))


def test_a3_on_postgresql(pg_url):  # type: ignore[no-untyped-def]
    clock = TickingClock(datetime(2026, 9, 28, 9, tzinfo=SHANGHAI))
    jtflow = open_jtflow(Settings(database_url=pg_url), clock)
    _OPENED.append(jtflow)
    played = play(jtflow, clock)
    with jtflow.sessions() as db:
        found = accountability(db, CALENDAR, Scope(parse_period("2026-Q3"), AS_OF), 5)
    assert [(a.clause, a.case_no, a.late_wd, a.returns) for a in found] == [
        ("2.3.1", played.late_sign_for.case_no, 0.04, None),
        ("2.3.2", played.overdue_reply.case_no, 2.08, None),
        ("2.3.3", played.returned_twice.case_no, None, 2),
        ("2.3.4", played.urgent.case_no, 11.04, None),
    ]
    assert [e.kind for e in found[2].evidence].count("returned") == 2


def test_a2_on_postgresql(pg_url):  # type: ignore[no-untyped-def]
    clock = TickingClock(datetime(2026, 9, 28, 9, tzinfo=SHANGHAI))
    jtflow = open_jtflow(Settings(database_url=pg_url), clock)
    _OPENED.append(jtflow)
    check_a2(jtflow, clock)


def test_dashboard_series_on_postgresql(pg_url):  # type: ignore[no-untyped-def]
    clock = TickingClock(datetime(2026, 9, 28, 9, tzinfo=SHANGHAI))
    jtflow = open_jtflow(Settings(database_url=pg_url), clock)
    _OPENED.append(jtflow)
    check_charts(jtflow, play(jtflow, clock))


def test_running_totals_counted_once_by_two_readers_at_once(pg_url, monkeypatch):  # type: ignore[no-untyped-def]
    """Two requests counting the settled tasks at the same instant (REPEATABLE READ, the loser
    retried): each task in the totals once, the figures those of counting live."""
    import threading

    from engine.assessment.tally import refresh
    from tests.engine.test_assessment_tally import counted_live, figures, totals

    clock = TickingClock(datetime(2026, 9, 28, 9, tzinfo=SHANGHAI))
    jtflow = open_jtflow(Settings(database_url=pg_url), clock)
    _OPENED.append(jtflow)
    play(jtflow, clock)
    live = counted_live(jtflow, monkeypatch)  # leaves everything uncounted
    engine = jtflow.sessions.kw["bind"]
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def count() -> None:
        start.wait()
        try:
            refresh(engine, AS_OF)
        except BaseException as e:  # noqa: BLE001 - reported by the test
            failures.append(e)

    readers = [threading.Thread(target=count) for _ in range(2)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(timeout=60)
    assert not failures
    once = totals(jtflow)
    assert figures(jtflow) == live
    assert totals(jtflow) == once
