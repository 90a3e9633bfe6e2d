"""The dashboard's series (issue 15 item 4), computed in SQL over the same predicates as A1
(engine.assessment.scope): the closure-time distribution in working days and the cases
still open at each step, grouped in the database (per bin or step); no case is loaded into
Python. The on-time rates per month are the yearly report's month by month
(engine.assessment.yearly), over the dashboard's period and unit.

Lights by unit and the ranking are A1's own figures (engine.assessment.assess): the
dashboard reads them from there rather than counting them a second time.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

import engine.assessment.scope as s  # the module, not the package (no import circle)

from ..models import Task
from ..time.calendar import WorkingCalendar
from .event_figures import CLOSURE_EDGES, EDGE_SLACK_WD, closure_bin, closure_durations
from .overview import Assessment
from .scope import Scope
from .yearly import MonthFigures, month_figures


@dataclass(frozen=True)
class ClosureBin:
    low_wd: int
    high_wd: int | None  # None: the last bin, open above
    cases: int

    @property
    def figure(self) -> str:
        return f"closed_wd.{self.low_wd}-{'' if self.high_wd is None else self.high_wd}"


@dataclass(frozen=True)
class OpenStep:
    step: str  # the lifecycle's element id
    steps: int  # open tasks at that step (a co-handled case counts once per unit)
    cases: int  # distinct cases waiting there


@dataclass(frozen=True)
class Charts:
    months: list[MonthFigures]  # the yearly report's month by month (on-time rates)
    closure: list[ClosureBin]
    open_steps: list[OpenStep]


def charts_of(session: Session, calendar: WorkingCalendar, assessment: Assessment) -> Charts:
    """The series of an assessment's period and unit, as its reader was allowed them
    (engine.assessment.assess checked the access)."""
    scope = Scope(assessment.period, assessment.as_of, assessment.unit)
    closure = _histogram(  # A1 counted them with its closure times: not computed again
        [
            sum(u.events.closure.bins[i] for u in assessment.units if u.events.closure.bins)
            for i in range(len(CLOSURE_EDGES))
        ]
    )
    return Charts(month_figures(session, scope), closure, open_steps(session, scope))


def charts(session: Session, calendar: WorkingCalendar, scope: Scope) -> Charts:
    return Charts(
        month_figures(session, scope),
        closure_histogram(session, calendar, scope),
        open_steps(session, scope),
    )


def closure_histogram(
    session: Session, calendar: WorkingCalendar, scope: Scope
) -> list[ClosureBin]:
    """The closed cases the units handled (A1's closure time), per bin of working days."""
    durations = closure_durations(session, calendar, scope)
    binned = (
        select(closure_bin(durations.c.working_days).label("bin"))
        .where(durations.c.working_days.is_not(None))
        .subquery("binned")
    )
    rows = session.execute(select(binned.c.bin, func.count()).group_by(binned.c.bin))
    counted: dict[int, int] = {index: count for index, count in rows}
    return _histogram([counted.get(index, 0) for index in range(len(CLOSURE_EDGES))])


def _histogram(counts: list[int]) -> list[ClosureBin]:
    edges = CLOSURE_EDGES
    return [
        ClosureBin(low, edges[i + 1] if i + 1 < len(edges) else None, counts[i])
        for i, low in enumerate(edges)
    ]


def open_at(step: str | None = None) -> list[ColumnElement[bool]]:
    """Still open: the case waits at this step (any step when None)."""
    where: list[ColumnElement[bool]] = [Task.state == "open"]
    if step is not None:
        where.append(Task.element_id == step)
    return where


def open_steps(session: Session, scope: Scope) -> list[OpenStep]:
    """The steps opened in the period and still open, per step, most first."""
    rows = session.execute(
        select(Task.element_id, func.count(), func.count(func.distinct(Task.instance_id)))
        .where(*s.counted_tasks(scope), *open_at())
        .group_by(Task.element_id)
    )
    found = [OpenStep(step, steps, cases) for step, steps, cases in rows]
    return sorted(found, key=lambda o: (-o.steps, o.step))


def within(working_days: ColumnElement[float], low: int, high: int | None) -> ColumnElement[bool]:
    """low ≤ working days < high (no upper bound when high is None), as closure_bin bins."""
    slack = working_days + EDGE_SLACK_WD
    if high is None:
        return slack >= low
    return and_(slack >= low, slack < high)
