"""The open-task query of the inbox page and `GET /api/tasks` (engine/inbox.py): S1 visibility,
scopes, filters, deadline order and paging in SQL, fast at 10,000 open tasks of one unit."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.dialects import sqlite

from engine.errors import InvalidInput
from engine.inbox import _matching, open_steps, open_tasks_page
from engine.models import Instance, Task, User
from engine.people.access_rule import inbox_tasks
from tests.factories import report, task_at


def user(session, username):  # type: ignore[no-untyped-def]
    return session.scalar(select(User).where(User.username == username))


def test_a_center_post_sees_its_posts_tasks_and_a_unit_only_its_own_s1(jtflow):
    case = report(jtflow)
    with jtflow.sessions() as session:
        page = open_tasks_page(session, user(session, "c_12328"))
        assert [(t.element_id, c.case_no) for t, c in page.rows] == [("classify", case.case_no)]
        assert page.total == 1
        assert open_tasks_page(session, user(session, "c_monitor")).total == 0
        assert open_tasks_page(session, user(session, "bus_handler")).total == 0
        # an auditor reads everything (S1)
        assert open_tasks_page(session, user(session, "auditor")).total == 1


def test_mine_and_unclaimed_split_the_inbox(jtflow):
    first, second = report(jtflow), report(jtflow)
    jtflow.claim(task_at(jtflow, first, "classify").id, "c_12328")
    with jtflow.sessions() as session:
        me = user(session, "c_12328")
        mine = open_tasks_page(session, me, scope="mine")
        unclaimed = open_tasks_page(session, me, scope="unclaimed")
        both = open_tasks_page(session, me)
    assert [c.case_no for _, c in mine.rows] == [first.case_no]
    assert [c.case_no for _, c in unclaimed.rows] == [second.case_no]
    assert both.total == 2


def test_filters_on_urgency_channel_light_step_and_text(jtflow):
    report(jtflow, urgency="urgent", title="海沧大桥伸缩缝破损", location="海沧大桥")
    report(jtflow, channel="hotline_12328", location="火车站 100%_站")
    with jtflow.sessions() as session:
        me = user(session, "c_12328")

        def titles(**kw):  # type: ignore[no-untyped-def]
            return [c.title for _, c in open_tasks_page(session, me, **kw).rows]

        assert titles(urgency="urgent") == ["海沧大桥伸缩缝破损"]
        assert titles(channel="hotline_12328") == ["火车站公交场站候车亭顶棚漏水"]
        assert len(titles(light="green")) == 2 and titles(light="red") == []
        assert len(titles(step="classify")) == 2 and titles(step="sign_for") == []
        assert titles(text="伸缩缝") == ["海沧大桥伸缩缝破损"]  # title
        assert titles(text="100%_") == ["火车站公交场站候车亭顶棚漏水"]  # location, literal % _
        assert len(titles(text="JT2026")) == 2 and titles(text="%伸") == []  # case no.; % literal
        assert open_steps(session, me) == [("classify", "分类转办")]


def test_sorted_by_deadline_and_paged(jtflow, clock):
    cases = []
    for _ in range(5):
        cases.append(report(jtflow))
        clock.advance(minutes=10)
    with jtflow.sessions() as session:
        me = user(session, "c_12328")
        page = open_tasks_page(session, me, page=2, per_page=2)
        latest = open_tasks_page(session, me, sort="-due", per_page=1)
    assert page.total == 5 and page.pages == 3
    assert [c.case_no for _, c in page.rows] == [cases[2].case_no, cases[3].case_no]
    assert [c.case_no for _, c in latest.rows] == [cases[4].case_no]


@pytest.mark.parametrize(
    "kw", [{"per_page": 101}, {"page": 0}, {"scope": "everyone"}, {"light": "blue"}]
)
def test_bad_parameters_name_themselves(jtflow, kw):
    with jtflow.sessions() as session, pytest.raises(InvalidInput) as e:
        open_tasks_page(session, user(session, "c_12328"), **kw)
    assert e.value.errors[0].field == next(iter(kw))


def test_ten_thousand_open_tasks_of_one_unit_page_fast_on_the_index(jtflow, clock):
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
                    state="open",
                    created_at=now,
                    due_at=None if i % 10 == 0 else now + timedelta(minutes=i),
                    light="green",
                    provisional=False,
                )
                for i in range(10_000)
            ],
        )
        session.commit()
        me = user(session, "bus_handler")
        started = time.perf_counter()
        last = open_tasks_page(session, me, page=400, per_page=25)
        first = open_tasks_page(session, me, scope="unclaimed", per_page=100)
        elapsed = time.perf_counter() - started
        assert last.total == 10_000 and len(last.rows) == 25 and len(first.rows) == 100
        assert all(t.due_at is None for t, _ in last.rows)  # no deadline sorts last
        assert first.rows[0][0].due_at == now + timedelta(minutes=1)
        assert elapsed < 1.0
        ids = _matching(select(Task.id), inbox_tasks(me), [])
        sql = str(ids.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
        plan = " ".join(str(r[3]) for r in session.execute(text("EXPLAIN QUERY PLAN " + sql)))
        assert "COVERING INDEX ix_task_inbox" in plan
        assert isinstance(last.rows[0][1], Instance)


def test_past_the_last_page_the_total_is_still_told(jtflow):
    for _ in range(3):
        report(jtflow)
    with jtflow.sessions() as session:
        past = open_tasks_page(session, user(session, "c_12328"), page=3, per_page=2)
    assert past.rows == [] and past.total == 3 and past.pages == 2


def test_case_filters_and_search_read_indexes_not_the_case_rows(jtflow):
    """A case's row holds its workflow state (tens of KB): on SQLite, reading its urgency or
    title from the row walks that blob. The inbox reads both sides from covering indexes."""
    report(jtflow, location="海沧大桥")
    with jtflow.sessions() as session:
        me = user(session, "c_12328")
        assert open_tasks_page(session, me, text="海沧", urgency="normal").total == 1
        on_case = [Instance.urgency == "urgent", Instance.location.like("%海沧%")]
        ids = _matching(select(Task.id), inbox_tasks(me), on_case)
        sql = str(ids.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
        plan = " ".join(str(r[3]) for r in session.execute(text("EXPLAIN QUERY PLAN " + sql)))
    assert "COVERING INDEX ix_task_inbox" in plan
    assert "COVERING INDEX ix_instance_inbox" in plan


def test_the_step_choices_are_the_steps_of_my_open_tasks_each_named_once(jtflow):
    for _ in range(2):
        case = report(jtflow)
        jtflow.complete(task_at(jtflow, case, "classify").id, {"decision": "transfer"}, "c_12328")
    with jtflow.sessions() as session:
        assert open_steps(session, user(session, "bus_handler")) == [("sign_for", "签收")]
        assert open_steps(session, user(session, "c_12328")) == []
