"""The handler's lists on PostgreSQL (engine/handler_lists.py): the same answers as on
SQLite — mine and my unit's only (S1), every filter, the total past the last page."""

from __future__ import annotations

from datetime import date

from engine.handler_lists import ListFilter, done_tasks_page, unit_cases_page
from engine.people.users import get_user
from engine.time.clock import SHANGHAI
from tests.factories import report, step
from tests.pg.conftest import engine_on


def test_both_lists_filter_and_page_on_postgresql(pg_url):  # type: ignore[no-untyped-def]
    jtflow = engine_on(pg_url)
    first = report(jtflow, urgency="urgent", title="海沧大桥伸缩缝破损")
    second = report(jtflow, channel="hotline_12328")
    for case in (first, second):
        step(jtflow, case, "classify", as_user="c_12328")
    step(jtflow, second, "sign_for", as_user="bus_handler")
    today = jtflow.clock.now().astimezone(SHANGHAI).date()  # the lists take Xiamen dates
    with jtflow.sessions() as db:
        me, other = get_user(db, "c_12328"), get_user(db, "transport_handler")
        done = done_tasks_page(db, me, ListFilter(text="伸缩缝", since=today, until=today))
        assert [r.case.case_no for r in done.rows] == [first.case_no]
        assert done_tasks_page(db, me, ListFilter(), page=3, per_page=1).total == 2
        assert done_tasks_page(db, other, ListFilter()).total == 0
        running = unit_cases_page(
            db, me, ListFilter(status="running", process="event_lifecycle", urgency="urgent")
        )
        assert [r.case.case_no for r in running.rows] == [first.case_no]
        assert "sign_for" in [t.element_id for t in running.rows[0].open_steps]
        assert unit_cases_page(db, me, ListFilter(status="ended")).total == 0
        assert unit_cases_page(db, me, ListFilter(until=date(2000, 1, 1))).total == 0
        assert unit_cases_page(db, get_user(db, "bus_leader"), ListFilter()).total == 2
        assert unit_cases_page(db, other, ListFilter()).total == 0
