"""Mirroring a workflow into the rows inboxes and schedulers query: `task` and `timer`.

The open task rows and waiting timer rows of an instance are always exactly the READY
user tasks and WAITING timers of its saved workflow, so a step diffs the workflow
against its own snapshot from the start of the step instead of querying the rows.
Every write of a `task` row is here, and so is the light rule (E12); each clears the row's
`tallied` flag, so the assessment's totals count what changed again (engine/assessment/tally.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Update, bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..models import Instance, Task, Timer, table_of
from ..time.clock import parse_instant
from .history import HistoryWriter
from .runner import (
    TreeView,
    chased_task,
    is_reminder,
    property_of,
    watch_key,
    watched_element,
    watched_task,
)
from .spiff import PROVISIONAL
from .tasks import OpenTask, lateness

DEFINED = ("unit", "form_defaults")  # evaluated properties that are a task row's columns
# properties a new row reads; `assignee` addresses a task to one person by name (an external
# applicant's, access_rule.PERSONAL_UNIT), so it is set once, never redefined by a migration
EVALUATED_ON_OPEN = (*DEFINED, "records_opened", "assignee")
Evaluated = Mapping[tuple[str, str], Any]  # (Spiff task id, property) → its value
Deadline = tuple[str, bool]  # a timer's due instant as Spiff keeps it, and its provisional flag


@dataclass
class Snapshot:
    """What a step began with: open user tasks (Spiff task id → element id), waiting timers
    (Spiff task id → deadline) and the timers that had already fired."""

    tasks: dict[str, str] = field(default_factory=dict)
    timers: dict[str, Deadline] = field(default_factory=dict)
    fired: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, view: TreeView) -> Snapshot:
        return cls(
            {str(t.id): t.task_spec.bpmn_id for t in view.ready_user},
            {str(t.task.id): (t.due, _provisional(t.task)) for t in view.waiting_timers},
            {str(t.id) for t in view.fired_timers},
        )


def _provisional(timer: Any) -> bool:
    return bool(timer._get_internal_data(PROVISIONAL, False))


LIGHTS = ("green", "yellow", "red")  # E12, in order of severity
# in history data: the Spiff id of the watched activity a light or a task belongs to (random
# from run to run like `spiff_task_id`, so a replay leaves it out of its comparison)
WATCH_ID = "watch_id"


@dataclass
class Watch:
    """What the timers on one watched step say: its deadline, its warning and its light."""

    due: datetime | None = None
    warn: datetime | None = None
    provisional: bool = False
    light: str = "green"

    def saw(self, element_id: str, at: datetime, provisional: bool, fired: bool) -> None:
        if is_warning(element_id):
            self.warn = at
        else:
            self.due = at
        self.provisional |= provisional
        if fired:
            self.light = max(self.light, light_of(element_id), key=LIGHTS.index)


def is_warning(timer_element_id: str) -> bool:
    """A `warn_…` timer is a step's yellow light (its warn_at); any other, its deadline."""
    return timer_element_id.startswith("warn_")


def light_of(timer_element_id: str) -> str:
    """A warning timer turns its step yellow; the deadline timer turns it red."""
    return "yellow" if is_warning(timer_element_id) else "red"


def sync_timers(
    session: Session,
    instance: Instance,
    view: TreeView,
    before: Snapshot,
    history: HistoryWriter,
    now: datetime,
) -> dict[str, Watch]:
    """Keep timer rows equal to the workflow's timers; record fired timers and light changes.

    Returns what the timers say about each watched activity (by its Spiff task id, so two open
    reminders of one element keep their own deadlines and lights), for its task rows."""
    waiting = {str(t.task.id): t for t in view.waiting_timers}
    fired_now = {str(t.id): t for t in view.fired_timers if str(t.id) not in before.fired}
    cancelled = [i for i in before.timers if i not in waiting and i not in fired_now]
    _close(session, Timer, cancelled, state="cancelled")
    _close(
        session, Timer, [i for i in fired_now if i in before.timers], state="fired", fired_at=now
    )
    watches: dict[str, Watch] = {}
    new_rows: list[dict[str, Any]] = []
    moved: list[tuple[Any, datetime, bool]] = []  # carried timers whose deadline changed
    for spiff_id, task in fired_now.items():
        value = task._get_internal_data("event_value")
        due, provisional = parse_instant(value), _provisional(task)
        if spiff_id not in before.timers:  # came due in the very step that reached it
            new_rows.append(_timer_row(instance, task, due, provisional, "fired", now))
        elif before.timers[spiff_id] != (value, provisional):
            moved.append((task, due, provisional))
        element_id, watched = task.task_spec.bpmn_id, watched_task(task)
        history.append(
            "timer_fired",
            at=now,
            actor="system",
            element_id=element_id,
            data={"due_at": due.isoformat(), "provisional": provisional},
        )
        if watched is not None:
            watches.setdefault(str(watched.id), Watch()).saw(
                element_id, due, provisional, fired=True
            )
    for spiff_id, timer in waiting.items():
        due, provisional = parse_instant(timer.due), _provisional(timer.task)
        if spiff_id not in before.timers:
            new_rows.append(_timer_row(instance, timer.task, due, provisional, "waiting"))
        elif before.timers[spiff_id] != (timer.due, provisional):
            moved.append((timer.task, due, provisional))
        watched = watched_task(timer.task)
        if watched is not None:
            watches.setdefault(str(watched.id), Watch()).saw(
                timer.task.task_spec.bpmn_id, due, provisional, fired=False
            )
    _insert(session, Timer, new_rows)
    rows_of = watched_rows(view, watches)
    _move_deadlines(session, moved, watches, rows_of)
    _record_lights(session, watches, rows_of, fired_now, history, now)
    return watches


def watched_rows(view: TreeView, watches: Mapping[str, Watch]) -> dict[str, list[str]]:
    """The open user tasks (Spiff ids) each watched activity's lights and deadlines apply to."""
    rows: dict[str, list[str]] = {}
    for task in view.ready_user:
        key = watch_key(task, watches)
        if key is not None:
            rows.setdefault(key, []).append(str(task.id))
    return rows


def _move_deadlines(
    session: Session,
    moved: list[tuple[Any, datetime, bool]],
    watches: dict[str, Watch],
    rows_of: dict[str, list[str]],
) -> None:
    """A deadline recomputed in place (a calendar year loaded, a migration to another
    version): its timer row, and the open rows of the step it watches, move with it."""
    timers, tasks = table_of(Timer), table_of(Task)
    connection = session.connection()
    for timer, due, provisional in moved:
        connection.execute(
            update(timers)
            .where(timers.c.spiff_task_id == str(timer.id))
            .values(due_at=due, provisional=provisional)
        )
        watched = watched_task(timer)
        key = None if watched is None else str(watched.id)
        rows = rows_of.get(key or "", [])
        if key is None or not rows:
            continue
        moved_column = "warn_at" if is_warning(timer.task_spec.bpmn_id) else "due_at"
        connection.execute(
            update(tasks)
            .where(tasks.c.spiff_task_id.in_(rows), tasks.c.state == "open")
            .values(
                {
                    moved_column: due,
                    "provisional": watches[key].provisional,
                    "tallied": False,
                }
            )
        )


def _timer_row(
    instance: Instance,
    task: Any,
    due: datetime,
    provisional: bool,
    state: str,
    fired_at: datetime | None = None,
) -> dict[str, Any]:
    return {
        "instance_id": instance.id,
        "spiff_task_id": str(task.id),
        "element_id": task.task_spec.bpmn_id,
        "watches": watched_element(task),
        "due_at": due,
        "provisional": provisional,
        "state": state,
        "fired_at": fired_at,
    }


def _record_lights(
    session: Session,
    watches: dict[str, Watch],
    rows_of: dict[str, list[str]],
    fired_now: dict[str, Any],
    history: HistoryWriter,
    now: datetime,
) -> None:
    """E12: a fired warning or deadline timer changes its step's light, in the rows and history.

    The event names the watched activity (`watch_id`), so the light reaches the rows of that
    activity only, not another open task of the same element (a second 催办)."""
    for task in fired_now.values():
        watched = watched_task(task)
        if watched is None:
            continue
        light = light_of(task.task_spec.bpmn_id)
        due = parse_instant(task._get_internal_data("event_value"))
        history.append(
            "light_changed",
            at=now,
            actor="system",
            element_id=str(watched.task_spec.bpmn_id),
            data={
                "light": light,
                "changed_at": due.isoformat(),
                "timer": task.task_spec.bpmn_id,
                WATCH_ID: str(watched.id),
            },
        )
    for key, watch in watches.items():
        rows = rows_of.get(key)
        if watch.light != "green" and rows:
            session.connection().execute(_LIGHT, {"ids": rows, "light": watch.light})


_tasks = table_of(Task)
_LIGHT = (
    update(_tasks)
    .where(_tasks.c.spiff_task_id.in_(bindparam("ids", expanding=True)), _tasks.c.state == "open")
    .values(light=bindparam("light"), tallied=False)
)


def sync_tasks(
    session: Session,
    instance: Instance,
    view: TreeView,
    before: Snapshot,
    completed: set[str],
    history: HistoryWriter,
    now: datetime,
    watches: dict[str, Watch],
    evaluated: Evaluated,
) -> list[OpenTask]:
    """Insert rows for new user tasks; close the rows of reminders whose chased step is done;
    cancel the rows of tasks the workflow moved past.

    `evaluated` holds the new tasks' EVALUATED_ON_OPEN properties (Runtime.advance)."""
    ready = {str(t.id): t for t in view.ready_user}
    closed = {str(t.id): t for t in view.closed_reminders if str(t.id) in before.tasks}
    _close_reminders(session, closed, history, now)
    gone = [s for s in before.tasks if s not in ready and s not in completed and s not in closed]
    _close(session, Task, gone, state="cancelled")
    for spiff_id in gone:
        history.append(
            "task_cancelled",
            at=now,
            actor="system",
            element_id=before.tasks[spiff_id],
            data={"spiff_task_id": spiff_id},
        )
    new_rows: list[dict[str, Any]] = []
    for spiff_id, task in ready.items():
        if spiff_id in before.tasks:
            continue
        element_id = task.task_spec.bpmn_id
        key = watch_key(task, watches)
        watch = watches.get(key or "", Watch())
        row = {
            "instance_id": instance.id,
            "spiff_task_id": spiff_id,
            **as_defined(task, {name: evaluated[(spiff_id, name)] for name in DEFINED}),
            "state": "open",
            "assignee": evaluated[(spiff_id, "assignee")] or None,
            "created_at": now,
            "due_at": watch.due,
            "warn_at": watch.warn,
            "light": watch.light,
            "provisional": watch.provisional,
            "chased_task_id": None,
        }
        chased = _chased_row(session, task, ready) if is_reminder(task) else None
        if chased is not None:
            row["chased_task_id"] = chased.id
        new_rows.append(row)
        created = {
            "spiff_task_id": spiff_id,
            "unit": row["unit_code"],
            "role": row["role"],
            "due_at": row["due_at"].isoformat() if row["due_at"] else None,
            "warn_at": row["warn_at"].isoformat() if row["warn_at"] else None,
        }
        if row["assignee"]:
            created["assignee"] = row["assignee"]
        if key is not None and key != spiff_id:  # one instance of a watched activity
            created[WATCH_ID] = key
        history.append("task_created", at=now, actor="system", element_id=element_id, data=created)
        opened_as = evaluated[(spiff_id, "records_opened")]
        if opened_as:  # e.g. "escalated": a 催办 task opened by a red light (E12)
            data = {"unit": row["unit_code"]}
            if "overdue_step" in task.data:  # a reminder names the step it chases
                data = {"overdue_step": task.data["overdue_step"], **data}
            if chased is not None:  # whom it chases: the overdue step's unit
                data["chased_unit"] = chased.unit_code
            history.append(str(opened_as), at=now, actor="system", element_id=element_id, data=data)
    if not new_rows:
        return []
    ids = session.connection().scalars(_INSERT_TASKS, new_rows)
    return [
        OpenTask(
            id,
            r["element_id"],
            r["name"],
            r["unit_code"],
            r["role"],
            r["spiff_task_id"],
            r["assignee"],
        )
        for id, r in zip(ids, new_rows, strict=True)
    ]


_INSERT_TASKS = insert(_tasks).returning(_tasks.c.id, sort_by_parameter_order=True)


def _chased_row(session: Session, reminder: Any, ready: Mapping[str, Any]) -> Task | None:
    """The open row of the step a reminder chases: the chased task itself, or the first open
    instance of a chased multi-instance activity (协办)."""
    chased = chased_task(reminder)
    if chased is None:
        return None
    candidates = [str(chased.id)] + [
        i for i, t in ready.items() if t.parent is not None and t.parent.id == chased.id
    ]
    rows = {
        row.spiff_task_id: row
        for row in session.scalars(select(Task).where(Task.spiff_task_id.in_(candidates)))
    }
    return next((rows[c] for c in candidates if c in rows), None)


def _close_reminders(
    session: Session, closed: Mapping[str, Any], history: HistoryWriter, now: datetime
) -> None:
    """E12: a 催办/督办 ends by itself once the step it chases is done; the history says so."""
    if not closed:
        return
    rows = table_of(Task)
    session.connection().execute(
        update(rows)
        .where(rows.c.spiff_task_id.in_(list(closed)), rows.c.state == "open")
        .values(state="closed", completed_at=now, tallied=False)
    )
    for spiff_id, task in closed.items():
        chased = chased_task(task)
        history.append(
            "reminder_closed",
            at=now,
            actor="system",
            element_id=task.task_spec.bpmn_id,
            data={
                "spiff_task_id": spiff_id,
                "chased_step": None if chased is None else chased.task_spec.bpmn_id,
            },
        )


def as_defined(task: Any, evaluated: Mapping[str, Any]) -> dict[str, Any]:
    """A task row's columns that its diagram element defines (a migration refreshes them);
    `evaluated` holds the task's DEFINED properties."""
    element_id = task.task_spec.bpmn_id
    return {
        "element_id": element_id,
        "name": task.task_spec.bpmn_name or element_id,
        "lane": task.task_spec.lane,
        "unit_code": str(evaluated["unit"] or ""),
        "role": property_of(task, "role") or "",
        "form": (property_of(task, "formJsonSchemaFilename") or "").removesuffix(".json"),
        "defaults": evaluated["form_defaults"],
    }


def redefine_tasks(session: Session, redefined: Mapping[str, dict[str, Any]]) -> None:
    """Open rows of tasks carried to another version keep their id, owner and light and take
    the new version's columns (`as_defined`), by Spiff task id."""
    table = table_of(Task)
    for spiff_id, columns in redefined.items():
        session.connection().execute(
            update(table)
            .where(table.c.spiff_task_id == spiff_id, table.c.state == "open")
            .values(**columns, tallied=False)
        )


def assign_task(task: Task, assignee: str | None) -> None:
    """A claim (the user) or a release (None) of an open task."""
    task.assignee = assignee


def complete_task(task: Task, by: str, at: datetime, data: dict[str, Any]) -> dict[str, Any]:
    """The row of a task done: by whom, when, with what, and how late (E12). The ORM object
    holds the values as committed; the step writes them with its other rows
    (`write_completions`), after all its diagram code. Returns the row's new values."""
    values = {
        "state": "completed",
        "assignee": by,
        "completed_at": at,
        "completed_by": by,
        "data": data,
        "late_seconds": lateness(task.due_at, at),
        "tallied": False,
    }
    for name, value in values.items():
        set_committed_value(task, name, value)
    return {**values, "id_": task.id}


def write_completions(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.connection().execute(_COMPLETE_TASK, rows)


_DONE_COLUMNS = (
    "state",
    "assignee",
    "completed_at",
    "completed_by",
    "data",
    "late_seconds",
    "tallied",
)
_COMPLETE_TASK = (
    update(_tasks)
    .where(_tasks.c.id == bindparam("id_"))
    .values({name: bindparam(name) for name in _DONE_COLUMNS})
)


_INSERT_TIMERS = insert(table_of(Timer))


def _insert(session: Session, table: type[Timer], rows: list[dict[str, Any]]) -> None:
    if rows:
        session.connection().execute(_INSERT_TIMERS, rows)


_CHANGED: dict[type[Task] | type[Timer], dict[str, Any]] = {Task: {"tallied": False}, Timer: {}}


def _close(
    session: Session, table: type[Task] | type[Timer], spiff_ids: list[str], **values: Any
) -> None:
    if spiff_ids:
        values = {**values, **_CHANGED[table]}
        statement = _closing(table, tuple(sorted(values)))
        session.connection().execute(statement, {"ids": spiff_ids, **values})


@cache
def _closing(table: type[Task] | type[Timer], names: tuple[str, ...]) -> Update:
    """UPDATE … WHERE spiff_task_id IN :ids, built once per table and columns: building a
    statement costs several times running it."""
    rows = table_of(table)
    return (
        update(rows)
        .where(rows.c.spiff_task_id.in_(bindparam("ids", expanding=True)))
        .values({name: bindparam(name) for name in names})
    )
