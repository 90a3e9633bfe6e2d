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

from sqlalchemy import CTE, ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

import engine.assessment.scope as s  # the module, not the package (no import circle)

from ..models import Instance, Task
from ..time.calendar import WorkingCalendar
from ..time.clock import SHANGHAI
from .case_summary import case_rows
from .scope import Scope
from .tally import TALLY_KEYS, live_marks, refresh, step_totals, total
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
    _cases(session, calendar, scope, closure_target_wd, unit)
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


def received_cases(scope: Scope, live: CTE | None = None) -> Any:
    """(unit, case) for every case transferred to a unit in the period, with when it first
    reached the unit in it (engine.assessment.case_summary)."""
    cases = case_rows(scope, live_marks() if live is None else live)
    return select(cases.c.unit, cases.c.instance_id, cases.c.received_at).subquery("received")


def return_counts(scope: Scope) -> Any:
    """(unit, case, returns) for the received cases the unit handled that were returned."""
    cases = case_rows(scope, live_marks())
    return (
        select(cases.c.unit, cases.c.instance_id, cases.c.returns)
        .where(cases.c.handled, cases.c.returns > 0)
        .subquery("returned")
    )


def closure_durations(session: Session, calendar: WorkingCalendar, scope: Scope) -> Any:
    """(unit, case, working_days) for the received cases the unit handled; working_days is
    None while the case is not closed. Closed: the first step opened by the center's close."""
    timed = _timed_cases(session, calendar, scope)
    return (
        select(timed.c.unit, timed.c.instance_id, timed.c.working_days)
        .where(timed.c.handled)
        .subquery("durations")
    )


def _timed_cases(session: Session, calendar: WorkingCalendar, scope: Scope) -> Any:
    """(unit, case, handled, returns, working_days) for every received case of the period,
    working_days from the receipt to the close (None while open).

    The cases and their two instants are read once (a materialized CTE), then placed on
    the working-day line by joining the day table on their day numbers."""
    dialect = session.get_bind().dialect.name
    cases = case_rows(scope, live_marks())
    numbered = (
        select(
            cases.c.unit,
            cases.c.instance_id,
            cases.c.handled,
            cases.c.returns,
            cases.c.received_at,
            cases.c.closed_at,
            day_number(cases.c.received_at, dialect).label("start_no"),
            day_number(cases.c.closed_at, dialect).label("end_no"),
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
        select(
            numbered.c.unit,
            numbered.c.instance_id,
            numbered.c.handled,
            numbered.c.returns,
            duration.label("working_days"),
        )
        .join(start_day, start_day.day_no == numbered.c.start_no)
        .outerjoin(end_day, end_day.day_no == numbered.c.end_no)
        .cte("timed")
        .prefix_with("MATERIALIZED")  # each duration computed once, then ranked and binned
    )


def _cases(
    session: Session, calendar: WorkingCalendar, scope: Scope, target: float, unit: Units
) -> None:
    """The case figures in one pass over the period's cases: received; of those the unit
    handled, the returns (E10, 第五节 2.3.3) and the closure times."""
    timed = _timed_cases(session, calendar, scope)
    closed = timed.c.working_days.is_not(None)
    groups = [timed.c.unit, timed.c.handled, closed]
    ranked = (
        select(
            timed.c.unit,
            timed.c.handled,
            timed.c.returns,
            timed.c.working_days,
            func.row_number()
            .over(partition_by=groups, order_by=timed.c.working_days)
            .label("rank"),
            func.count()  # the same window as the rank's (one sort), over all its rows
            .over(partition_by=groups, order_by=timed.c.working_days, rows=(None, None))
            .label("of"),
            closure_bin(timed.c.working_days).label("bin"),  # binned once per case
        )
    ).subquery("ranked")
    handled = ranked.c.handled
    returned = and_(handled, ranked.c.returns > 0)
    days = case((handled, ranked.c.working_days))  # the unit's own replies are timed
    timed_case = and_(handled, ranked.c.working_days.is_not(None))
    # nearest rank: the ceil(0.9 n)-th smallest, in integer arithmetic both databases share
    p90_rank = (ranked.c.of * 9 + 9) // 10
    rows = session.execute(
        select(
            ranked.c.unit,
            func.count(),
            count_of(returned),
            total(case((returned, ranked.c.returns), else_=0)),
            count_of(and_(handled, ranked.c.returns >= 2)),
            count_of(timed_case),
            count_of(and_(handled, ranked.c.working_days.is_(None))),
            func.avg(days),
            func.max(case((and_(timed_case, ranked.c.rank == p90_rank), ranked.c.working_days))),
            count_of(and_(timed_case, ranked.c.working_days <= target)),
            *(  # the histogram, read with the rest: the durations are computed once
                count_of(and_(timed_case, ranked.c.bin == index))
                for index in range(len(CLOSURE_EDGES))
            ),
        ).group_by(ranked.c.unit)
    )
    for (
        code,
        received,
        cases,
        returns,
        repeated,
        closed_count,
        unclosed,
        average,
        p90,
        *rest,
    ) in rows:
        figures = unit(code)
        figures.received = received
        figures.returned_cases, figures.returns, figures.repeated_returns = cases, returns, repeated
        within, *bins = rest
        if closed_count + unclosed == 0:  # no reply of its own to time
            continue
        figures.closure = Closure(
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
