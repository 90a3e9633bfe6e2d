"""Loading a calendar year (SPEC §2): record it, use it at once, recompute provisional deadlines.

A deadline that touched a year nobody knew was computed with Monday–Friday as working
days and flagged provisional. When the year's schedule is loaded, each open provisional
timer's expression is evaluated again against its task's data on the new calendar; the
Spiff timer, the timer row, the watched task row and the case history move together, in
one version-checked transaction per case. Cases whose deadlines do not change are untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy import select

from .errors import Conflict, JtflowError, PermissionDenied
from .models import CalendarYear, Instance, Timer
from .people.users import get_user
from .run.diagram_functions import DiagramFunctions
from .run.runner import waiting_timers, watched_element
from .run.runtime import ENDED, Loaded
from .run.spiff import PROVISIONAL, utc_iso
from .run.step import case_step
from .service import Jtflow
from .time.calendar import WorkingCalendar, YearSchedule
from .time.calendar_years import record_year, schedule_of
from .time.clock import parse_instant

ADMINISTRATOR = "管理员"
_ATTEMPTS = 3


@dataclass(frozen=True)
class Retimed:
    """One timer whose deadline moved (or was confirmed) by the loaded year."""

    case_no: str
    element_id: str
    watches: str | None
    old_due: datetime
    new_due: datetime
    provisional: bool


@dataclass
class LoadReport:
    schedule: YearSchedule
    retimed: list[Retimed] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # case number → why

    @property
    def cases(self) -> int:
        return len({r.case_no for r in self.retimed})


def load_year(jtflow: Jtflow, schedule: YearSchedule, *, actor: str) -> LoadReport:
    """Record the year, switch this process to it, then recompute open provisional deadlines."""
    now = jtflow.clock.now()
    with jtflow.sessions() as session:
        if actor != "system":
            user = get_user(session, actor)
            if ADMINISTRATOR not in user.roles:
                raise PermissionDenied(
                    f"{actor} 不是{ADMINISTRATOR}：载入工作日历需要{ADMINISTRATOR}角色"
                )
        record_year(session, schedule, loaded_by=actor, now=now)
        session.commit()
    functions = jtflow.runtime.functions
    use_calendar(functions, functions.calendar.with_year(schedule))
    return recompute_provisional(jtflow, schedule, actor=actor)


def recompute_provisional(jtflow: Jtflow, schedule: YearSchedule, *, actor: str) -> LoadReport:
    """Recompute every open provisional deadline on the process's calendar, case by case."""
    report = LoadReport(schedule)
    for instance_id in _cases_with_provisional_timers(jtflow):
        try:
            report.retimed += _retime_case(jtflow, instance_id, schedule, actor)
        except (JtflowError, SpiffWorkflowException) as e:  # that case stays as it was
            report.failed[_case_no(jtflow, instance_id)] = str(e)
    return report


class LoadedYears:
    """Keeps a long-running process (web, timer worker) in step with years loaded elsewhere.

    `refresh()` is cheap when nothing changed (one indexed query). When another process
    loaded a year, this one switches to it and recomputes the provisional deadlines it may
    have computed on the old calendar meanwhile; doing that twice changes nothing.
    """

    def __init__(self, jtflow: Jtflow):
        self.jtflow = jtflow
        self.seen = 0  # the first refresh re-applies every loaded year: harmless, and no gap

    def refresh(self) -> list[LoadReport]:
        with self.jtflow.sessions() as session:
            rows = list(
                session.scalars(
                    select(CalendarYear)
                    .where(CalendarYear.id > self.seen)
                    .order_by(CalendarYear.id)
                )
            )
        if not rows:
            return []
        functions = self.jtflow.runtime.functions
        calendar = functions.calendar
        for row in rows:
            calendar = calendar.with_year(schedule_of(row))
        use_calendar(functions, calendar)
        self.seen = rows[-1].id
        newest = {row.year: row for row in rows}.values()
        return [
            recompute_provisional(self.jtflow, schedule_of(row), actor=row.loaded_by)
            for row in newest
        ]


def use_calendar(functions: DiagramFunctions, calendar: WorkingCalendar) -> None:
    """Switch the diagram helpers (and so every live workflow's script engine) to `calendar`."""
    functions.calendar = calendar


def _cases_with_provisional_timers(jtflow: Jtflow) -> list[int]:
    """Every case with an open provisional timer; recomputing one that the year does not
    touch gives the same deadline, and such a case is left untouched."""
    with jtflow.sessions() as session:
        return list(
            session.scalars(
                select(Timer.instance_id)
                .where(Timer.state == "waiting", Timer.provisional.is_(True))
                .distinct()
                .order_by(Timer.instance_id)
            )
        )


def _retime_case(
    jtflow: Jtflow, instance_id: int, schedule: YearSchedule, actor: str
) -> list[Retimed]:
    for _ in range(_ATTEMPTS - 1):
        try:
            return _retime_once(jtflow, instance_id, schedule, actor)
        except Conflict:
            continue  # someone stepped the case meanwhile: read it again
    return _retime_once(jtflow, instance_id, schedule, actor)


@dataclass(frozen=True)
class _Change:
    task: Any  # the Spiff timer task
    watches: str | None  # the element id of the step it watches
    old_due: datetime
    new_due: datetime
    provisional: bool


def _retime_once(
    jtflow: Jtflow, instance_id: int, schedule: YearSchedule, actor: str
) -> list[Retimed]:
    runtime = jtflow.runtime
    with case_step(runtime, jtflow.sessions) as step:
        now = step.now
        instance = step.session.get(Instance, instance_id)
        if instance is None or instance.status in ENDED:
            return []
        source = f"{schedule.year} 年：{schedule.source}"

        def act(loaded: Loaded) -> list[_Change]:
            changes = _changes(loaded.workflow, runtime.functions)
            loaded.changed = bool(changes)  # none: the live workflow is still current
            for change in changes:
                change.task._set_internal_data(
                    event_value=utc_iso(change.new_due), **{PROVISIONAL: change.provisional}
                )
                loaded.history.append(
                    "deadline_recomputed",
                    at=now,
                    actor=actor,
                    element_id=change.task.task_spec.bpmn_id,
                    data={
                        "watches": change.watches,
                        "old_due_at": change.old_due.isoformat(),
                        "new_due_at": change.new_due.isoformat(),
                        "old_provisional": True,
                        "provisional": change.provisional,
                        "calendar_year": schedule.year,
                        "calendar_source": source,
                        "loaded_by": actor,
                    },
                )
            return changes

        changes = step.run(  # the write moves the rows, and may fire what is now due
            instance,
            act,
            actor=actor,
            conflict=f"案件 {instance.case_no} 刚被他人更新，时限未重算："
            "请重新运行 `jtflow calendar load`",
        ).value
        return [
            Retimed(
                instance.case_no or str(instance.id),
                change.task.task_spec.bpmn_id,
                change.watches,
                change.old_due,
                change.new_due,
                change.provisional,
            )
            for change in changes
        ]


def _changes(wf: Any, functions: DiagramFunctions) -> list[_Change]:
    """The provisional timers whose deadline or flag differs on the helpers' calendar (the
    year already switched to): each timer's expression evaluated again by the case's own
    script engine."""
    changes = []
    for timer in waiting_timers(wf):
        task = timer.task
        definition = task.task_spec.event_definition
        if not task._get_internal_data(PROVISIONAL, False):
            continue
        if not isinstance(definition, TimeDateEventDefinition):
            continue  # durations are wall-clock: never provisional
        with functions.watching_provisional() as seen:
            value = str(wf.script_engine.evaluate(task, definition.expression))
        old_due, new_due = parse_instant(timer.due), parse_instant(value)
        provisional = seen[0]
        if new_due == old_due and provisional:
            continue
        changes.append(_Change(task, watched_element(task), old_due, new_due, provisional))
    return changes


def _case_no(jtflow: Jtflow, instance_id: int) -> str:
    with jtflow.sessions() as session:
        instance = session.get(Instance, instance_id)
        return str(instance.case_no if instance is not None else instance_id)
