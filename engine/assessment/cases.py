"""The cases behind an A1 figure: the same predicates as the figure (engine.assessment.scope),
listed as cases, each with how many of its steps the figure counted.

A figure is named `received`, `sign_for_on_time`, `sign_for_late`, `feedback_on_time`,
`feedback_late`, `light.<step>.<green|yellow|red>`, `returned`, `repeated_returns`,
`closed`, `unclosed`, `escalations` or `supervised`; and for the dashboard's bars
(engine.assessment.charts) `lights.<green|yellow|red>` (every watched step's),
`open.<step>` (still open at the step) and `closed_wd.<low>-<high>` (closed in at least low
and under high working days; no high: open above).
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
from .charts import open_at, within
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
FIGURES = (
    *TASK_FIGURES,
    *CASE_FIGURES,
    "light.<step>.<green|yellow|red>",
    "lights.<green|yellow|red>",
    "open.<step>",
    "closed_wd.<low>-<high>",
)
LIGHT_FIGURE = r"^light\.([a-z_][a-z0-9_]{0,119})\.(green|yellow|red)$"
LIGHTS_FIGURE = r"^lights\.(green|yellow|red)$"
OPEN_FIGURE = r"^open\.([a-z_][a-z0-9_]{0,119})$"
CLOSED_WD_FIGURE = r"^closed_wd\.([0-9]{1,3})-([0-9]{1,3})?$"
_LIGHT = re.compile(LIGHT_FIGURE)
_LIGHTS = re.compile(LIGHTS_FIGURE)
_OPEN = re.compile(OPEN_FIGURE)
_CLOSED_WD = re.compile(CLOSED_WD_FIGURE)
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
    named = figure in TASK_FIGURES or figure in CASE_FIGURES
    patterned = any(p.match(figure) for p in (_LIGHT, _LIGHTS, _OPEN))
    if not named and not patterned and _closed_within(figure) is None:
        how = "可选：" + "、".join(FIGURES)
        raise InvalidInput(f"没有名为 {figure[:60]} 的指标：{how}", [FieldError("figure", how)])


def _closed_within(figure: str) -> tuple[int, int | None] | None:
    """closed_wd.<low>-<high>'s bounds (high None: open above); None if not one, or empty."""
    found = _CLOSED_WD.match(figure)
    if found is None:
        return None
    low, high = int(found[1]), None if found[2] is None else int(found[2])
    return None if high is not None and high <= low else (low, high)


def _task_rows(scope: Scope, figure: str) -> Any:
    now = scope.now
    where = list(s.counted_tasks(scope))
    light, lights, waiting = _LIGHT.match(figure), _LIGHTS.match(figure), _OPEN.match(figure)
    if light:
        where += [Task.element_id == light[1], s.light(light[2], now)]
    elif lights:
        where.append(s.light(lights[1], now))
    elif waiting:
        where += open_at(waiting[1])
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
    bounds = _closed_within(figure)
    if figure in ("closed", "unclosed") or bounds is not None:
        durations = closure_durations(session, calendar, scope)
        closed = durations.c.working_days.is_not(None)
        if bounds is not None:
            closed = within(durations.c.working_days, *bounds)
        return (
            select(durations.c.unit, durations.c.instance_id, func.count().label("steps"))
            .where(closed if figure != "unclosed" else ~closed)
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
        if figure in CASE_FIGURES or figure.startswith("closed_wd.")
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
