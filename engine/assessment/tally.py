"""A1's running totals: a year of figures from a few thousand rows instead of every task.

Counting a year's million task rows on each request took tens of seconds. A done task's
figures never change again (engine/run/rows.py writes only open rows), so `refresh` counts
each once, as it settles, into

- `assessment_tally`: done lifecycle tasks per Xiamen day of their opening, unit, step,
  timing (on time, late), light and whether their deadline fired, in an urgent case or not;
- `assessment_mark`: one row per task that a case figure reads — the case reached the unit
  (`received`), the unit replied (`handled`), the center closed the case (`closed`) or
  returned a reply (`returned`) — keyed by task id, so counting a task again adds nothing;
- `assessment_case`: the marks of each case a refresh marked, summed up per unit and case
  (engine/assessment/case_summary.py), which the case figures read.

A task is settled when done or cancelled; a closing step without a deadline is settled as it
opens, since all it adds is the closing instant. Every write of a task row clears its
`tallied` flag, so a row that changed is counted again (marks only: the totals count done
tasks, which are never written again). The figures then add the tasks not tallied yet, counted
live with the same predicates (engine.assessment.scope): the open ones, on their own index.

`refresh` runs before the figures are read, in a transaction of its own: on SQLite the first
write holds the database until commit; on PostgreSQL it runs in REPEATABLE READ, so its reads
and its marking see one snapshot, and a concurrent refresh fails to serialize and is retried.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Engine,
    Integer,
    Subquery,
    and_,
    case,
    cast,
    false,
    func,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

import engine.assessment.scope as s  # the module, not the package (no import circle)

from ..models import AssessmentMark, AssessmentTally, Instance, Task
from .case_summary import summarize
from .working_days import day_no, day_number

_ATTEMPTS = 5  # a refresh that failed to serialize against another is tried again
TALLY_KEYS = ["day_no", "unit_code", "element_id", "timing", "light", "fired", "urgent"]


def untallied() -> ColumnElement[bool]:
    """Not in the totals yet: written as ix_task_untallied's condition, so it is used."""
    return Task.tallied == false()


def settled() -> ColumnElement[bool]:
    return or_(
        Task.state.in_(("completed", "cancelled", "closed")),  # closed: a reminder, E12
        and_(Task.state == "open", Task.element_id.in_(s.CLOSED_BY), Task.due_at.is_(None)),
    )


def mark_kind() -> ColumnElement[str | None]:
    """What a task tells the case figures, as engine.assessment.event_figures asks it: a
    transfer not cancelled, any reply of the unit, any closing step, a returned reply."""
    return case(
        (and_(Task.element_id == s.SIGN_FOR, Task.state != "cancelled"), "received"),
        (Task.element_id == "handle_reply", "handled"),
        (Task.element_id.in_(s.CLOSED_BY), "closed"),
        (s.returned(), "returned"),
        else_=None,
    )


def refresh(engine: Engine, now: datetime) -> None:
    """Count the tasks settled since the last refresh (see the module's text); `now` is any
    instant: a done task is judged alike at all of them."""
    dialect = engine.dialect.name
    for attempt in range(_ATTEMPTS):
        options = {"isolation_level": "REPEATABLE READ"} if dialect == "postgresql" else {}
        try:
            with (
                engine.connect().execution_options(**options) as connection,
                connection.begin(),
            ):
                _count_settled(connection, dialect, now)
            return
        except DBAPIError as e:
            if getattr(e.orig, "sqlstate", None) != "40001" or attempt == _ATTEMPTS - 1:
                raise


def _count_settled(connection: Any, dialect: str, now: datetime) -> None:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    fired = s.escalated()
    urgent = Instance.urgency.in_(s.URGENT)
    keys = (
        day_number(Task.created_at, dialect),
        Task.unit_code,
        Task.element_id,
        s.timing_class(now),
        s.light_class(now),
        fired,
        urgent,
    )
    done = (
        select(*keys, func.count())
        .join(Instance, Instance.id == Task.instance_id)
        .where(
            untallied(),
            Task.state.in_(("completed", "closed")),
            Instance.channel.in_(s.EVENT_CHANNELS),
        )
        .group_by(*keys)
    )
    tally = insert(AssessmentTally).from_select([*TALLY_KEYS, "tasks"], done)
    connection.execute(
        tally.on_conflict_do_update(
            index_elements=TALLY_KEYS, set_={"tasks": AssessmentTally.tasks + tally.excluded.tasks}
        )
    )
    kind = mark_kind()
    marked = (
        select(Task.id, kind, Task.instance_id, Task.unit_code, Task.created_at)
        .join(Instance, Instance.id == Task.instance_id)  # from the few untallied tasks
        .where(untallied(), settled(), kind.is_not(None), Instance.channel.in_(s.EVENT_CHANNELS))
    )
    connection.execute(
        insert(AssessmentMark)
        .from_select(["task_id", "kind", "instance_id", "unit_code", "at"], marked)
        .on_conflict_do_nothing(index_elements=["task_id"])
    )
    summarize(connection, marked.with_only_columns(Task.instance_id))
    connection.execute(update(Task).where(untallied(), settled()).values(tallied=True))


def live_marks() -> CTE:
    """The marks of the tasks not tallied yet (the open ones, mostly), computed once."""
    kind = mark_kind()
    return (
        select(
            kind.label("kind"),
            Task.instance_id.label("instance_id"),
            Task.unit_code.label("unit_code"),
            Task.created_at.label("at"),
        )
        .join(Instance, Instance.id == Task.instance_id)
        .where(untallied(), kind.is_not(None), Instance.channel.in_(s.EVENT_CHANNELS))
        .cte("live_marks")
        .prefix_with("MATERIALIZED")
    )


def total(counts: Any) -> ColumnElement[int]:
    """A sum of counts as an integer (PostgreSQL sums a bigint to a numeric: a Decimal)."""
    return cast(func.sum(counts), Integer)


def step_totals(session: Any, scope: s.Scope) -> Subquery:
    """(day_no, unit_code, element_id, timing, light, fired, urgent, tasks) over the period's
    tasks: the totals, and the tasks not tallied yet classed live; sum `tasks` over the keys
    a figure groups by."""
    first, end = day_no(scope.period.first_day), day_no(scope.period.end_day)
    t = AssessmentTally
    where = [t.day_no >= first, t.day_no < end]
    if scope.unit:
        where.append(t.unit_code == scope.unit)
    stored = select(*(getattr(t, key) for key in TALLY_KEYS), t.tasks).where(*where)
    dialect = session.get_bind().dialect.name
    now = scope.now
    keys = (
        day_number(Task.created_at, dialect),
        Task.unit_code,
        Task.element_id,
        s.timing_class(now),
        s.light_class(now),
        s.escalated(),
        Instance.urgency.in_(s.URGENT),
    )
    live = (
        select(*keys, func.count())
        .join(Instance, Instance.id == Task.instance_id)
        .where(untallied(), *s.counted_tasks(scope))
        .group_by(*keys)
    )
    return union_all(stored, live).subquery("steps")
