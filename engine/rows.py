"""Mirroring a workflow into the rows inboxes and schedulers query: `task` and `timer`.

The open task rows and waiting timer rows of an instance are always exactly the READY
user tasks and WAITING timers of its saved workflow, so a step diffs the workflow
against its own snapshot from the start of the step instead of querying the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from .clock import parse_instant
from .history import HistoryWriter
from .models import Instance, Task, Timer
from .runner import human_tasks, property_of, waiting_timers
from .tasks import OpenTask

PROVISIONAL = "jtflow_provisional"  # kept in the timer task's internal data


@dataclass
class Snapshot:
    """The open user tasks and waiting timers (Spiff task id → element id) when a step began."""

    tasks: dict[str, str] = field(default_factory=dict)
    timers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, wf: BpmnWorkflow) -> Snapshot:
        return cls(
            {str(t.id): t.task_spec.bpmn_id for t in human_tasks(wf)},
            {str(t.task.id): t.task.task_spec.bpmn_id for t in waiting_timers(wf)},
        )


@dataclass(frozen=True)
class Due:
    at: datetime
    provisional: bool


def sync_timers(
    session: Session,
    instance: Instance,
    wf: BpmnWorkflow,
    before: Snapshot,
    history: HistoryWriter,
    now: datetime,
    is_provisional: Callable[[str], bool],
) -> dict[str, Due]:
    """Insert new timer rows, close the gone ones (fired or cancelled). Returns due by watched element."""
    waiting = {str(t.task.id): t for t in waiting_timers(wf)}
    fired, cancelled = [], []
    for spiff_id, element_id in before.timers.items():
        if spiff_id in waiting:
            continue
        task = wf.get_task_from_id(UUID(spiff_id))
        if task is not None and task.state == TaskState.COMPLETED:
            fired.append(spiff_id)
            history.append(
                "timer_fired",
                at=now,
                actor="system",
                element_id=element_id,
                data={
                    "due_at": parse_instant(task._get_internal_data("event_value")).isoformat(),
                    "provisional": bool(task._get_internal_data(PROVISIONAL, False)),
                },
            )
        else:
            cancelled.append(spiff_id)
    _close(session, Timer, cancelled, state="cancelled")
    _close(session, Timer, fired, state="fired", fired_at=now)
    dues: dict[str, Due] = {}
    new_rows: list[dict[str, Any]] = []
    for spiff_id, timer in waiting.items():
        provisional = bool(timer.task._get_internal_data(PROVISIONAL, False))
        if spiff_id not in before.timers:
            provisional = is_provisional(timer.due)
            timer.task._set_internal_data(**{PROVISIONAL: provisional})
            new_rows.append(
                {
                    "instance_id": instance.id,
                    "spiff_task_id": spiff_id,
                    "element_id": timer.task.task_spec.bpmn_id,
                    "watches": timer.watches,
                    "due_at": parse_instant(timer.due),
                    "provisional": provisional,
                    "state": "waiting",
                }
            )
        if timer.watches:
            dues[timer.watches] = Due(parse_instant(timer.due), provisional)
    _insert(session, Timer, new_rows)
    return dues


def sync_tasks(
    session: Session,
    instance: Instance,
    wf: BpmnWorkflow,
    before: Snapshot,
    completed: set[str],
    history: HistoryWriter,
    now: datetime,
    dues: dict[str, Due],
    evaluate: Callable[[Any, str], Any],
) -> list[OpenTask]:
    """Insert rows for new user tasks; cancel the rows of tasks the workflow moved past."""
    ready = {str(t.id): t for t in human_tasks(wf)}
    gone = [s for s in before.tasks if s not in ready and s not in completed]
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
        due = dues.get(element_id)
        row = {
            "instance_id": instance.id,
            "spiff_task_id": spiff_id,
            "element_id": element_id,
            "name": task.task_spec.bpmn_name or element_id,
            "lane": task.task_spec.lane,
            "unit_code": str(evaluate(task, "unit") or ""),
            "role": property_of(task, "role") or "",
            "form": (property_of(task, "formJsonSchemaFilename") or "").removesuffix(".json"),
            "state": "open",
            "created_at": now,
            "due_at": due.at if due else None,
            "provisional": due.provisional if due else False,
            "defaults": evaluate(task, "form_defaults"),
        }
        new_rows.append(row)
        history.append(
            "task_created",
            at=now,
            actor="system",
            element_id=element_id,
            data={
                "spiff_task_id": spiff_id,
                "unit": row["unit_code"],
                "role": row["role"],
                "due_at": row["due_at"].isoformat() if row["due_at"] else None,
            },
        )
    if not new_rows:
        return []
    table = Task.__table__
    ids = session.connection().scalars(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), new_rows
    )
    return [
        OpenTask(id, r["element_id"], r["name"], r["unit_code"], r["role"])
        for id, r in zip(ids, new_rows, strict=True)
    ]


def _insert(session: Session, table: type[Timer], rows: list[dict[str, Any]]) -> None:
    if rows:
        session.connection().execute(insert(table.__table__), rows)


def _close(
    session: Session, table: type[Task] | type[Timer], spiff_ids: list[str], **values: Any
) -> None:
    if spiff_ids:
        columns = table.__table__.c
        session.connection().execute(
            update(table.__table__).where(columns.spiff_task_id.in_(spiff_ids)).values(**values)
        )
