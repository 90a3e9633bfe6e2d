"""A1, event handling per unit and period, computed in SQL (standard 第五节 2.1–2.2):
cases received, on-time 签收 and feedback, the lights of every watched step, returns (退件)
and repeated returns, closure time in working days and escalations (催办/督办) received.

Every figure is a count over predicates of engine.assessment.scope, so the cases behind it
are listed with the same predicates (engine.assessment.cases_behind).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import CTE, ColumnElement, Subquery, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

import engine.assessment.scope as s  # the module, not the package (no import circle)

from ..models import AssessmentMark, Instance, Task, table_of
from ..time.calendar import WorkingCalendar
from ..time.clock import SHANGHAI
from .scope import Scope
from .tally import (
    TALLY_KEYS,
    count_marks,
    earlier,
    earliest_marks,
    live_marks,
    marks,
    refresh,
    step_totals,
    total,
)
from .working_days import day_number, days_alias, ensure_days, position


@dataclass
class Ratio:
    """Steps done on time and late (done late, or open past the deadline); open steps not
    yet due are pending and in neither."""

    on_time: int = 0
    late: int = 0

    @property
    def rate(self) -> float | None:
        done = self.on_time + self.late
        return None if done == 0 else self.on_time / done


@dataclass
class Lights:
    green: int = 0
    yellow: int = 0
    red: int = 0


@dataclass
class Closure:
    """Cases the unit handled, from the transfer to it until the center closed the case (办结),
    in working days; cases not closed yet are counted, not timed."""

    closed: int = 0
    unclosed: int = 0
    average_wd: float | None = None
    p90_wd: float | None = None  # nearest rank: 90% of the closed cases took this or less
    within_target: int = 0  # closed within the target (weights: closure_target_wd)
    bins: tuple[int, ...] = ()  # closed cases per bin of CLOSURE_EDGES (the histogram's)


# The closure histogram's bins in working days: [0, 1), [1, 2), … [20, ∞). The cases of a
# bin are listed by the figure closed_wd.<low>-<high> (engine.assessment.cases).
CLOSURE_EDGES = (0, 1, 2, 3, 5, 10, 20)
# A duration is a difference of floating positions on the working-day line (SQLite reads
# instants through julianday()): exactly 4 working days may come out a hair under 4.0. Within
# this slack (under a tenth of a second) a duration counts as reaching the edge.
EDGE_SLACK_WD = 1e-6


def closure_bin(working_days: ColumnElement[float]) -> ColumnElement[int]:
    """The index of a duration's bin in CLOSURE_EDGES (the last bin is open above)."""
    last = len(CLOSURE_EDGES) - 1
    slack = working_days + EDGE_SLACK_WD
    whens = [(slack < CLOSURE_EDGES[i + 1], i) for i in range(last)]
    return case(*whens, else_=last)


@dataclass
class UnitEvents:
    unit: str
    received: int = 0  # cases transferred to the unit (its 签收 tasks' cases)
    sign_for: Ratio = field(default_factory=Ratio)  # E5
    feedback: Ratio = field(default_factory=Ratio)  # E6: replies and co-handling opinions
    steps: dict[str, Lights] = field(default_factory=dict)  # watched step → lights (E12)
    returns: int = 0  # replies the center returned (E10), in the cases received
    returned_cases: int = 0  # cases with at least one return
    repeated_returns: int = 0  # cases returned more than once (第五节 2.3.3)
    closure: Closure = field(default_factory=Closure)
    escalations: int = 0  # 催办: the unit's steps whose deadline passed (E12)
    supervised: int = 0  # 督办 by 局办公室 of those, in urgent cases (E7)


Units = Callable[[str], "UnitEvents"]


def event_figures(
    session: Session, calendar: WorkingCalendar, scope: Scope, closure_target_wd: float
) -> dict[str, UnitEvents]:
    """A1 for every unit with lifecycle work in the period (or the one unit asked for)."""
    refresh(session.get_bind(), scope.now)  # type: ignore[arg-type]
    units: dict[str, UnitEvents] = {}

    def unit(code: str) -> UnitEvents:
        return units.setdefault(code, UnitEvents(code))

    _steps(session, scope, unit)
    _returns(session, scope, unit)
    _closure(session, calendar, scope, closure_target_wd, unit)
    return dict(sorted(units.items()))


def count_of(predicate: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((predicate, 1), else_=0))


def _steps(session: Session, scope: Scope, unit: Units) -> None:
    """Each step counted once by timing (on time, late, pending) and light, per unit and step,
    from the running totals (engine.assessment.tally); the 催办 and 督办 its fired deadline
    opened (E12, E7): a step done late before its timer fired drew neither."""
    steps = step_totals(session, scope)
    keys = [steps.c[key] for key in TALLY_KEYS[1:]]  # all but the day
    rows: Sequence[Any] = session.execute(select(*keys, total(steps.c.tasks)).group_by(*keys)).all()
    for code, element, timed, lit, fired, urgent, count in rows:
        figures = unit(code)
        if element == s.SIGN_FOR:
            ratio = figures.sign_for
        elif element in s.FEEDBACK:
            ratio = figures.feedback
        else:
            ratio = None
        if ratio is not None and timed:
            ratio.on_time += count if timed == 1 else 0
            ratio.late += count if timed == 2 else 0
        if lit:
            lights = figures.steps.setdefault(element, Lights())
            name = ("green", "yellow", "red")[lit - 1]
            setattr(lights, name, getattr(lights, name) + count)
        if fired:
            figures.escalations += count
            figures.supervised += count if urgent else 0
    received = received_cases(scope)
    for code, cases in session.execute(
        select(received.c.unit, func.count()).group_by(received.c.unit)
    ):
        unit(code).received = cases


def received_cases(scope: Scope, live: CTE | None = None) -> Any:
    """(unit, case) for every case transferred to a unit in the period, with when it first
    reached the unit in it: the subquery returns, closure and their lists start from."""
    start, end = scope.period.start, scope.period.end

    def in_scope(c: Any) -> ColumnElement[bool]:
        where = [c.at >= start, c.at < end]
        if scope.unit:
            where.append(c.unit_code == scope.unit)
        return and_(*where)

    found = marks(live_marks() if live is None else live, "received", in_scope)
    return (
        select(
            found.c.unit_code.label("unit"),
            found.c.instance_id.label("instance_id"),
            func.min(found.c.at).label("received_at"),
        )
        .group_by(found.c.unit_code, found.c.instance_id)
        .subquery("received")
    )


def handled_by_unit(received: Subquery, live: CTE) -> ColumnElement[bool]:
    """The received case's reply was the unit's (not passed on to a fallback unit)."""
    mark = AssessmentMark
    return or_(
        *(
            exists().where(
                c.kind == "handled",
                c.instance_id == received.c.instance_id,
                c.unit_code == received.c.unit,
            )
            for c in (table_of(mark).c, live.c)
        )
    )


def return_counts(scope: Scope) -> Any:
    """(unit, case, returns) for the received cases the unit handled that were returned."""
    live = live_marks()
    received = received_cases(scope, live)
    counted = (
        select(
            received.c.unit,
            received.c.instance_id,
            count_marks(live, "returned", received.c.instance_id).label("returns"),
        )
        .where(handled_by_unit(received, live))
        .cte("counted")
        .prefix_with("MATERIALIZED")  # each case's returns counted once
    )
    return select(counted).where(counted.c.returns > 0).subquery("returned")


def _returns(session: Session, scope: Scope, unit: Units) -> None:
    counts = return_counts(scope)
    rows = session.execute(
        select(
            counts.c.unit,
            func.count(),
            func.sum(counts.c.returns),
            count_of(counts.c.returns >= 2),
        ).group_by(counts.c.unit)
    )
    for code, cases, returns, repeated in rows:
        figures = unit(code)
        figures.returned_cases, figures.returns, figures.repeated_returns = cases, returns, repeated


def closure_durations(session: Session, calendar: WorkingCalendar, scope: Scope) -> Any:
    """(unit, case, working_days) for the received cases the unit handled; working_days is
    None while the case is not closed. Closed: the first step opened by the center's close.

    The cases and their two instants are computed once (a materialized CTE), then placed on
    the working-day line by joining the day table on their day numbers."""
    dialect = session.get_bind().dialect.name
    live = live_marks()
    received = received_cases(scope, live)
    timed = (
        select(
            received.c.unit,
            received.c.instance_id,
            received.c.received_at,
            *(
                at.label(name)
                for at, name in zip(
                    earliest_marks(live, "closed", received.c.instance_id),
                    ("stored_closed_at", "live_closed_at"),
                    strict=True,
                )
            ),
        )
        .where(handled_by_unit(received, live))
        .cte("timed")
        .prefix_with("MATERIALIZED")
    )
    closed_at = earlier(timed.c.stored_closed_at, timed.c.live_closed_at)
    numbered = (
        select(
            timed.c.unit,
            timed.c.instance_id,
            timed.c.received_at,
            closed_at.label("closed_at"),
            day_number(timed.c.received_at, dialect).label("start_no"),
            day_number(closed_at, dialect).label("end_no"),
        )
        .cte("numbered")
        .prefix_with("MATERIALIZED")
    )
    first = scope.period.first_day
    last = max(scope.now.astimezone(SHANGHAI).date(), first)
    ensure_days(session.get_bind(), calendar, first, last)  # type: ignore[arg-type]
    start_day, end_day = days_alias("start_day"), days_alias("end_day")
    duration = position(numbered.c.closed_at, end_day, dialect) - position(
        numbered.c.received_at, start_day, dialect
    )
    return (
        select(numbered.c.unit, numbered.c.instance_id, duration.label("working_days"))
        .join(start_day, start_day.day_no == numbered.c.start_no)
        .outerjoin(end_day, end_day.day_no == numbered.c.end_no)
        .subquery("durations")
    )


def _closure(
    session: Session, calendar: WorkingCalendar, scope: Scope, target: float, unit: Units
) -> None:
    durations = closure_durations(session, calendar, scope)
    closed = durations.c.working_days.is_not(None)
    ranked = (
        select(
            durations.c.unit,
            durations.c.working_days,
            func.row_number()
            .over(partition_by=[durations.c.unit, closed], order_by=durations.c.working_days)
            .label("rank"),
            func.count().over(partition_by=[durations.c.unit, closed]).label("of"),
        )
    ).subquery("ranked")
    timed = ranked.c.working_days.is_not(None)
    # nearest rank: the ceil(0.9 n)-th smallest, in integer arithmetic both databases share
    p90_rank = (ranked.c.of * 9 + 9) // 10
    rows = session.execute(
        select(
            ranked.c.unit,
            count_of(timed),
            count_of(~timed),
            func.avg(ranked.c.working_days),
            func.max(case((and_(timed, ranked.c.rank == p90_rank), ranked.c.working_days))),
            count_of(and_(timed, ranked.c.working_days <= target)),
            *(  # the histogram, read with the rest: the durations are computed once
                count_of(and_(timed, closure_bin(ranked.c.working_days) == index))
                for index in range(len(CLOSURE_EDGES))
            ),
        ).group_by(ranked.c.unit)
    )
    for code, closed_count, unclosed, average, p90, within, *bins in rows:
        unit(code).closure = Closure(
            closed_count,
            unclosed,
            None if average is None else round(float(average), 2),
            None if p90 is None else round(float(p90), 2),
            within,
            tuple(int(count or 0) for count in bins),
        )


def escalated_tasks(scope: Scope) -> Any:
    """The unit's watched steps opened in the period whose deadline timer fired: the fired
    deadline turned the open step red (engine/run/rows.py, E12) and opened a 催办 and, in an
    urgent case, a 督办 by 局办公室 (E7). A step done late before its timer fired drew
    neither: red by its lateness, not escalated. Counted on ix_task_assessment; the case
    index gives the urgency."""
    return (
        select(Task.unit_code, Task.instance_id, Instance.urgency)
        .join(Instance, Task.instance_id == Instance.id)
        .where(*s.counted_tasks(scope), s.escalated())
        .subquery("escalated")
    )
