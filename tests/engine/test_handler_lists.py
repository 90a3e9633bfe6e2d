"""The handler's lists beside the inbox (engine/handler_lists.py, issue 16): the tasks I
completed and my unit's cases — only mine and my unit's (S1), filtered, newest first,
paged and counted in SQL on indexes, fast at 10,000 rows."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from sqlalchemy import event, insert, select, text

from engine.errors import InvalidInput
from engine.handler_lists import (
    ListFilter,
    done_steps,
    done_tasks_page,
    unit_cases_page,
)
from engine.models import Task, User
from tests.factories import report, step

NONE = ListFilter()


def user(session, username):  # type: ignore[no-untyped-def]
    return session.scalar(select(User).where(User.username == username))


def done(jtflow, username, filters=NONE, **kw):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        return done_tasks_page(session, user(session, username), filters, **kw)


def cases(jtflow, username, filters=NONE, **kw):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        return unit_cases_page(session, user(session, username), filters, **kw)


def test_done_by_me_lists_my_completed_tasks_only_latest_first_s1(jtflow, clock):
    first, second = report(jtflow), report(jtflow)
    for case in (first, second):
        step(jtflow, case, "classify", as_user="c_12328")
        clock.advance(minutes=5)
    step(jtflow, second, "sign_for", as_user="bus_handler")
    mine = done(jtflow, "c_12328")
    assert [(r.task.element_id, r.case.case_no) for r in mine.rows] == [
        ("classify", second.case_no),
        ("classify", first.case_no),
    ]
    assert mine.total == 2 and mine.rows[0].process_id == "event_lifecycle"
    assert [r.task.element_id for r in done(jtflow, "bus_handler").rows] == ["sign_for"]
    # a colleague of the same unit did nothing: their list is empty, mine is not theirs
    assert done(jtflow, "bus_leader").total == 0
    # another unit, another post, an auditor: nothing of these tasks
    for other in ("transport_handler", "c_monitor", "auditor"):
        assert done(jtflow, other).total == 0


def test_done_by_me_leaves_out_work_of_a_unit_i_left_s1(jtflow):
    case = report(jtflow)
    step(jtflow, case, "classify", as_user="c_12328")
    with jtflow.sessions() as session:
        moved = user(session, "c_12328")
        moved.unit_code, moved.roles = "TRANSPORT_DEV", ["办理人"]
        assert done_tasks_page(session, moved, NONE).total == 0


def test_my_units_cases_are_those_it_has_or_had_a_task_in_s1(jtflow):
    bus_case = report(jtflow)
    bridge_case = report(jtflow, facility={"type": "bridge", "name": "海沧大桥"})
    for case in (bus_case, bridge_case):
        step(jtflow, case, "classify")
    listed = cases(jtflow, "bus_leader")  # the leader never had a task: the unit had
    assert [r.case.case_no for r in listed.rows] == [bus_case.case_no]
    assert [t.element_id for t in listed.rows[0].open_steps] == ["sign_for"]
    assert listed.rows[0].light == "green"
    bridge_unit = cases(jtflow, "roadbridge_handler")
    assert [r.case.case_no for r in bridge_unit.rows] == [bridge_case.case_no]
    assert cases(jtflow, "transport_handler").total == 0
    # the center by its posts: the classifying post, not the duty desk
    assert cases(jtflow, "c_12328").total == 2 and cases(jtflow, "c_duty").total == 0
    # done steps stay: after sign_for the case is still the unit's, with its next step
    step(jtflow, bus_case, "sign_for")
    (row,) = cases(jtflow, "bus_handler").rows
    assert "sign_for" not in [t.element_id for t in row.open_steps] and row.open_steps


def test_filters_on_process_case_text_dates_step_and_status(jtflow, clock):
    old = report(jtflow, urgency="urgent", title="海沧大桥伸缩缝破损", location="海沧大桥")
    step(jtflow, old, "classify", as_user="c_12328")
    clock.advance(days=3)
    new = report(jtflow, channel="hotline_12328", location="火车站 100%_站")
    step(jtflow, new, "classify", as_user="c_12328")

    def numbers(page):  # type: ignore[no-untyped-def]
        return [r.case.case_no for r in page.rows]

    for listed in (done, cases):
        assert numbers(listed(jtflow, "c_12328", ListFilter(urgency="urgent"))) == [old.case_no]
        assert numbers(listed(jtflow, "c_12328", ListFilter(channel="hotline_12328"))) == [
            new.case_no
        ]
        assert numbers(listed(jtflow, "c_12328", ListFilter(text="伸缩缝"))) == [old.case_no]
        assert numbers(listed(jtflow, "c_12328", ListFilter(text="100%_"))) == [new.case_no]
        assert listed(jtflow, "c_12328", ListFilter(text="%伸")).total == 0
        assert listed(jtflow, "c_12328", ListFilter(process="event_lifecycle")).total == 2
        assert listed(jtflow, "c_12328", ListFilter(process="sharing_request")).total == 0
        assert numbers(listed(jtflow, "c_12328", ListFilter(since=date(2026, 9, 29)))) == [
            new.case_no
        ]
        assert numbers(listed(jtflow, "c_12328", ListFilter(until=date(2026, 9, 28)))) == [
            old.case_no
        ]
    assert done(jtflow, "c_12328", ListFilter(step="classify")).total == 2
    assert done(jtflow, "c_12328", ListFilter(step="sign_for")).total == 0
    assert cases(jtflow, "c_12328", ListFilter(status="running")).total == 2
    assert cases(jtflow, "c_12328", ListFilter(status="ended")).total == 0
    with jtflow.sessions() as session:
        assert done_steps(session, user(session, "c_12328")) == [("classify", "分类转办")]
        assert done_steps(session, user(session, "bus_handler")) == []


def test_paged_with_the_total_told_past_the_last_page(jtflow):
    made = [report(jtflow) for _ in range(5)]
    for case in made:
        step(jtflow, case, "classify", as_user="c_12328")
    second = done(jtflow, "c_12328", page=2, per_page=2)
    assert second.total == 5 and second.pages == 3
    assert [r.case.case_no for r in second.rows] == [made[2].case_no, made[1].case_no]
    past = cases(jtflow, "c_12328", page=4, per_page=2)
    assert past.rows == [] and past.total == 5


@pytest.mark.parametrize(
    "kw",
    [
        {"per_page": 101},
        {"page": 0},
        {"filters": ListFilter(status="closed")},
    ],
)
def test_bad_parameters_name_themselves(jtflow, kw):
    with pytest.raises(InvalidInput) as e:
        cases(jtflow, "c_12328", **kw)
    assert e.value.errors[0].field in {"per_page", "page", "status"}


def test_a_span_ending_before_it_starts_matches_nothing(jtflow):
    step(jtflow, report(jtflow), "classify", as_user="c_12328")
    backwards = ListFilter(since=date(2026, 9, 29), until=date(2026, 9, 27))
    assert done(jtflow, "c_12328").total == 1 and cases(jtflow, "c_12328").total == 1
    assert done(jtflow, "c_12328", backwards).total == 0
    assert cases(jtflow, "c_12328", backwards).total == 0


def test_ten_thousand_done_tasks_page_fast_on_the_indexes(jtflow, clock):
    case = report(jtflow)
    now = clock.now()
    with jtflow.sessions() as session:
        session.execute(
            insert(Task),
            [
                dict(
                    instance_id=case.case_id,
                    spiff_task_id=f"bulk-{i}",
                    element_id="sign_for",
                    name="签收",
                    unit_code="BUS_GROUP",
                    role="办理人",
                    form="sign_for",
                    state="completed",
                    created_at=now,
                    completed_at=now + timedelta(minutes=i),
                    completed_by="bus_handler",
                    light="green",
                    provisional=False,
                    data={"accept": True, "note": "x" * 2000},
                )
                for i in range(10_000)
            ],
        )
        session.commit()
        me = user(session, "bus_handler")
        started = time.perf_counter()
        last = done_tasks_page(session, me, NONE, page=400)
        found = done_tasks_page(session, me, ListFilter(text="漏水", urgency="normal"))
        units = unit_cases_page(session, me, ListFilter(text="漏水", since=date(2026, 9, 28)))
        elapsed = time.perf_counter() - started
        assert last.total == 10_000 and len(last.rows) == 25 and found.total == 10_000
        assert last.rows[-1].task.completed_at == now  # the oldest, on the last page
        assert units.total == 1
        assert elapsed < 1.0
        plans = " ".join(
            str(row[3])
            for statement in _statements(session, me)
            for row in session.execute(text("EXPLAIN QUERY PLAN " + statement))
        )
    assert "COVERING INDEX ix_task_done_by" in plans
    assert "COVERING INDEX ix_task_unit_cases" in plans
    assert "COVERING INDEX ix_instance_inbox" in plans


def _statements(session, me):  # type: ignore[no-untyped-def]
    """The lists' counting queries as SQLite runs them, captured from the engine."""
    captured: list[str] = []
    bind = session.get_bind()

    def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if "count(*) OVER" in statement:
            captured.append(_inline(statement, parameters))

    event.listen(bind, "before_cursor_execute", capture)
    try:
        done_tasks_page(session, me, ListFilter(text="漏水"))
        unit_cases_page(session, me, ListFilter(text="漏水", since=date(2026, 9, 28)))
    finally:
        event.remove(bind, "before_cursor_execute", capture)
    return captured


def _inline(statement: str, parameters) -> str:  # type: ignore[no-untyped-def]
    for value in parameters:
        literal = f"'{value}'" if isinstance(value, str) else str(value)
        statement = statement.replace("?", literal, 1)
    return statement
