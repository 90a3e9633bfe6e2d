"""The cases behind an A1 figure: the same predicates as the figure (engine.assessment.scope),
listed as cases, each with how many of its steps the figure counted.

A figure is named `received`, `sign_for_on_time`, `sign_for_late`, `feedback_on_time`,
`feedback_late`, `light.<step>.<green|yellow|red>`, `returned`, `repeated_returns`,
`closed`, `unclosed`, `escalations` or `supervised`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import engine.assessment.scope as s  # the module, not the package (no import circle)

from ..errors import FieldError, InvalidInput
from ..models import Instance, Task
from ..time.calendar import WorkingCalendar
from .event_figures import closure_durations, escalated_tasks, return_counts
from .scope import Scope

TASK_FIGURES = (
    "received",
    "sign_for_on_time",
    "sign_for_late",
    "feedback_on_time",
    "feedback_late",
)
CASE_FIGURES = ("returned", "repeated_returns", "closed", "unclosed", "escalations", "supervised")
FIGURES = (*TASK_FIGURES, *CASE_FIGURES, "light.<step>.<green|yellow|red>")
LIGHT_FIGURE = r"^light\.([a-z_][a-z0-9_]{0,119})\.(green|yellow|red)$"
_LIGHT = re.compile(LIGHT_FIGURE)
MAX_ROWS = 1000


@dataclass(frozen=True)
class CaseBehind:
    case_no: str
    title: str
    urgency: str
    channel: str
    reported_at: datetime
    unit: str
    steps: int  # how many of the case's steps the figure counted (1 for case figures)


def check_figure(figure: str) -> None:
    if figure not in TASK_FIGURES and figure not in CASE_FIGURES and not _LIGHT.match(figure):
        how = "可选：" + "、".join(FIGURES)
        raise InvalidInput(f"没有名为 {figure[:60]} 的指标：{how}", [FieldError("figure", how)])


def _task_rows(scope: Scope, figure: str) -> Any:
    now = scope.now
    where = list(s.counted_tasks(scope))
    light = _LIGHT.match(figure)
    if light:
        where += [Task.element_id == light[1], s.light(light[2], now)]
    elif figure == "received":
        where.append(Task.element_id == s.SIGN_FOR)
    else:
        elements = (s.SIGN_FOR,) if figure.startswith("sign_for") else s.FEEDBACK
        when = s.on_time() if figure.endswith("_on_time") else s.late(now)
        where += [Task.element_id.in_(elements), when]
    return (
        select(Task.unit_code.label("unit"), Task.instance_id, func.count().label("steps"))
        .where(*where)
        .group_by(Task.unit_code, Task.instance_id)
        .subquery("behind")
    )


def _case_rows(session: Session, calendar: WorkingCalendar, scope: Scope, figure: str) -> Any:
    if figure in ("returned", "repeated_returns"):
        counts = return_counts(scope)
        least = 2 if figure == "repeated_returns" else 1
        return (
            select(counts.c.unit, counts.c.instance_id, counts.c.returns.label("steps"))
            .where(counts.c.returns >= least)
            .subquery("behind")
        )
    if figure in ("closed", "unclosed"):
        durations = closure_durations(session, calendar, scope)
        closed = durations.c.working_days.is_not(None)
        return (
            select(durations.c.unit, durations.c.instance_id, func.count().label("steps"))
            .where(closed if figure == "closed" else ~closed)
            .group_by(durations.c.unit, durations.c.instance_id)
            .subquery("behind")
        )
    escalated = escalated_tasks(scope)
    where = [escalated.c.urgency.in_(s.URGENT)] if figure == "supervised" else []
    return (
        select(
            escalated.c.unit_code.label("unit"),
            escalated.c.instance_id,
            func.count().label("steps"),
        )
        .where(*where)
        .group_by(escalated.c.unit_code, escalated.c.instance_id)
        .subquery("behind")
    )


def cases_behind(
    session: Session, calendar: WorkingCalendar, scope: Scope, figure: str
) -> list[CaseBehind]:
    """The cases a figure counted, newest report first (at most MAX_ROWS)."""
    check_figure(figure)
    behind = (
        _case_rows(session, calendar, scope, figure)
        if figure in CASE_FIGURES
        else _task_rows(scope, figure)
    )
    rows = session.execute(
        select(
            Instance.case_no,
            Instance.title,
            Instance.urgency,
            Instance.channel,
            Instance.created_at,
            behind.c.unit,
            behind.c.steps,
        )
        .join(behind, behind.c.instance_id == Instance.id)
        .order_by(Instance.created_at.desc(), Instance.id.desc(), behind.c.unit)
        .limit(MAX_ROWS)
    )
    return [CaseBehind(*row) for row in rows]
