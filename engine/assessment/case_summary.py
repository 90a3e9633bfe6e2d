"""A1's cases per unit (received, returned, closed), read from one summary row per unit and
case instead of regrouping every mark of the year on each request.

`assessment_case` holds, for each unit a case reached, what its tallied marks
(engine/assessment/tally.py) say: when the case first and last reached the unit, whether the
unit replied, and the case's returns and first closing instant (per case, so alike on every
unit's row of it). `summarize` rebuilds the rows of every case a refresh marks, in the
refresh's transaction, so the rows always agree with the marks.

`case_rows` then gives each unit's cases of a period: a row's receipt within the period is its
first receipt, or, for the rare case received again, the earliest of its marks in the period;
the marks of the tasks not tallied yet (the open ones, `live`) are added to the rows they
touch, and a case that reached a unit only through them is read from the marks, as before.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Connection,
    Select,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
)

from ..models import AssessmentCase, AssessmentMark, table_of
from .scope import Scope

CASE_KINDS = ("received", "handled")  # the unit's own marks; returned, closed: the case's


def earlier(a: Any, b: Any) -> ColumnElement[Any]:
    """The earlier of two instants, either of which may be NULL."""
    return case((a.is_(None), b), (b.is_(None), a), (b < a, b), else_=a)


# without statistics SQLite may walk the period index for min(at), a scan per case
_BY_CASE = "INDEXED BY ix_assessment_mark_case"


def _case_marks(kind: str, instance_id: Any) -> Any:
    """The case's tallied marks of one kind: how many (returned) or the first (closed), as a
    scalar subquery on ix_assessment_mark_case (the table itself: a hint names no alias)."""
    mark = table_of(AssessmentMark)
    value = func.count() if kind == "returned" else func.min(mark.c.at)
    return (
        select(value)
        .where(mark.c.kind == kind, mark.c.instance_id == instance_id)
        .with_hint(mark, _BY_CASE, "sqlite")
        .scalar_subquery()
    )


def summarize(connection: Connection, marked: Select[Any]) -> None:
    """Rebuild the rows of the cases whose ids `marked` selects, from all their tallied marks
    (run after the refresh wrote its marks, before it flags the tasks)."""
    table = table_of(AssessmentCase)
    connection.execute(delete(table).where(table.c.instance_id.in_(marked)))
    m = table_of(AssessmentMark).alias("unit_mark")

    def at_of(kind: str) -> ColumnElement[Any]:
        return case((m.c.kind == kind, m.c.at))

    first = func.min(at_of("received"))
    rows = (
        select(
            m.c.instance_id,
            m.c.unit_code,
            first,
            func.max(at_of("received")),
            func.max(case((m.c.kind == "handled", 1), else_=0)) == 1,
            _case_marks("returned", m.c.instance_id),
            _case_marks("closed", m.c.instance_id),
        )
        .where(m.c.kind.in_(CASE_KINDS), m.c.instance_id.in_(marked))
        .group_by(m.c.instance_id, m.c.unit_code)
        .having(first.is_not(None))  # a reply without a receipt reaches no figure
    )
    columns = [
        "instance_id",
        "unit_code",
        "first_received_at",
        "last_received_at",
        "handled",
        "returns",
        "closed_at",
    ]
    connection.execute(insert(table).from_select(columns, rows))


def _tallied_receipt(scope: Scope, instance_id: Any, unit: Any) -> Any:
    """The unit's earliest tallied receipt of the case within the period (or NULL)."""
    m = AssessmentMark
    return (
        select(func.min(m.at))
        .where(
            m.kind == "received",
            m.instance_id == instance_id,
            m.unit_code == unit,
            m.at >= scope.period.start,
            m.at < scope.period.end,
        )
        .with_hint(table_of(m), _BY_CASE, "sqlite")
        .scalar_subquery()
    )


def case_rows(scope: Scope, live: CTE) -> Any:
    """(unit, instance_id, received_at, handled, returns, closed_at) for every case that reached
    a unit in the period: received_at its earliest receipt in the period, handled whether the
    unit replied, returns and closed_at the case's (closed_at NULL while open)."""
    start, end = scope.period.start, scope.period.end
    in_unit = [live.c.unit_code == scope.unit] if scope.unit else []
    received_now = and_(live.c.kind == "received", live.c.at >= start, live.c.at < end)
    unit_live = (
        select(
            live.c.unit_code,
            live.c.instance_id,
            func.min(case((received_now, live.c.at))).label("received_at"),
            func.sum(case((live.c.kind == "handled", 1), else_=0)).label("handled"),
        )
        .where(live.c.kind.in_(CASE_KINDS), *in_unit)
        .group_by(live.c.unit_code, live.c.instance_id)
        .cte("unit_live")
        .prefix_with("MATERIALIZED")
    )
    case_live = (
        select(
            live.c.instance_id,
            func.sum(case((live.c.kind == "returned", 1), else_=0)).label("returns"),
            func.min(case((live.c.kind == "closed", live.c.at))).label("closed_at"),
        )
        .where(live.c.kind.in_(("returned", "closed")))
        .group_by(live.c.instance_id)
        .cte("case_live")
        .prefix_with("MATERIALIZED")
    )
    c = AssessmentCase
    # the rows whose receipts span part of the period: each reached the unit in it unless
    # received before and again after it only (then the marks say none)
    spans = [c.first_received_at < end, c.last_received_at >= start]
    if scope.unit:
        spans.append(c.unit_code == scope.unit)
    tallied = case(
        (c.first_received_at >= start, c.first_received_at),
        else_=_tallied_receipt(scope, c.instance_id, c.unit_code),
    )
    live_handled = func.coalesce(unit_live.c.handled, 0) > 0
    stored = (
        select(
            c.unit_code.label("unit"),
            c.instance_id.label("instance_id"),
            earlier(tallied, unit_live.c.received_at).label("received_at"),
            or_(c.handled, live_handled).label("handled"),
            (c.returns + func.coalesce(case_live.c.returns, 0)).label("returns"),
            earlier(c.closed_at, case_live.c.closed_at).label("closed_at"),
        )
        .outerjoin(
            unit_live,
            and_(
                unit_live.c.instance_id == c.instance_id,
                unit_live.c.unit_code == c.unit_code,
            ),
        )
        .outerjoin(case_live, case_live.c.instance_id == c.instance_id)
        .where(*spans, or_(tallied.is_not(None), unit_live.c.received_at.is_not(None)))
    )
    # a case that reached the unit in the period only by an open step (no row spans it)
    m = AssessmentMark
    handled_before = exists().where(
        m.kind == "handled",
        m.instance_id == unit_live.c.instance_id,
        m.unit_code == unit_live.c.unit_code,
    )
    no_row = ~exists().where(
        c.instance_id == unit_live.c.instance_id, c.unit_code == unit_live.c.unit_code, *spans
    )
    returns = _case_marks("returned", unit_live.c.instance_id)
    closed_at = _case_marks("closed", unit_live.c.instance_id)
    fresh = (
        select(
            unit_live.c.unit_code,
            unit_live.c.instance_id,
            unit_live.c.received_at,
            or_(handled_before, unit_live.c.handled > 0),
            returns + func.coalesce(case_live.c.returns, 0),
            earlier(closed_at, case_live.c.closed_at),
        )
        .outerjoin(case_live, case_live.c.instance_id == unit_live.c.instance_id)
        .where(unit_live.c.received_at.is_not(None), no_row)
    )
    return stored.union_all(fresh).subquery("cases")
