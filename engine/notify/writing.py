"""Who is told what, written in the step that made it (issue 16).

A step's history events say what happened; this write hook (Runtime.on_write) turns four of
them into notification rows in the same transaction: so a crashed or conflicting step
notifies nobody, and a committed one notifies each person once.

- `task_created`: the people whose inbox the new task is in (its assignee, else its unit's
  people in its role), but not the person whose step opened it; told as an urgent transfer
  (E7) when the step recorded `urgent_transfer` for it;
- `returned` (E4, E9, E10): the tasks the return reopened, told as a return to whoever did
  that step last (else the task's people);
- `light_changed` (E12): yellow or red, to the people of the open step it lights;
- `escalated`, `supervised` (催办, 督办, a task's `records_opened`): to the people of the
  overdue step it chases (`overdue_step`, its name or element id).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from ..models import Notification, Task, User, table_of
from ..people.access_rule import AUDITOR
from ..run.runtime import Loaded
from ..run.tasks import OpenTask

ESCALATIONS = ("escalated", "supervised")  # 催办, 督办: the kinds a chased step's people get
URGENT_TRANSFER = "urgent_transfer"  # an urgent event's 签收 opened: the unit is told (E7)


def notify_step(session: Session, loaded: Loaded, now: datetime, actor: str) -> None:
    """The write hook: the step's notifications, from its pending history events."""
    events = loaded.history.pending
    kinds = {e["kind"] for e in events}
    if not kinds & {"task_created", "light_changed", *ESCALATIONS}:
        return
    # the rows the step opened are all a new task's notice needs; a light or an escalation
    # concerns steps opened earlier too
    lights = kinds & {"light_changed", *ESCALATIONS}
    tasks = _open_tasks(session, loaded.instance.id) if lights else loaded.opened
    people = _People(session)
    returned = "returned" in kinds
    urgent = {e["element_id"] for e in events if e["kind"] == URGENT_TRANSFER}
    rows: dict[tuple[str, str, int | None], dict[str, Any]] = {}

    def tell(usernames: Iterable[str], kind: str, task: OpenTask, by: str | None) -> None:
        for username in usernames:
            rows.setdefault(
                (username, kind, task.id),
                {
                    "username": username,
                    "at": now,
                    "kind": kind,
                    "instance_id": loaded.instance.id,
                    "task_id": task.id,
                    "step_name": task.name,
                    "actor": by,
                },
            )

    by_spiff = {t.spiff_task_id: t for t in tasks}
    for event in events:
        kind, data = event["kind"], event["data"]
        if kind == "task_created":
            task = by_spiff.get(str(data.get("spiff_task_id")))
            if task is None:  # opened and done within the step
                continue
            if returned:
                last = _last_done_by(session, loaded.instance.id, task.element_id)
                told = [last] if last and last in people.of(task) else people.of(task)
                tell(told, "returned", task, actor)
            else:
                said = "urgent" if task.element_id in urgent else "task"
                tell([u for u in people.of(task) if u != actor], said, task, actor)
        elif kind == "light_changed":
            for task in tasks:
                if task.element_id == event["element_id"]:
                    tell(people.of(task), str(data.get("light")), task, None)
        elif kind in ESCALATIONS:
            chased = str(data.get("overdue_step") or "")
            for task in tasks:
                if (
                    chased in (task.name, task.element_id)
                    and task.element_id != event["element_id"]
                ):
                    tell(people.of(task), kind, task, None)
    if rows:
        session.connection().execute(_INSERT, list(rows.values()))


# built once: statements run at every step (building one costs several times running it)
_OPEN_TASKS = select(
    Task.id,
    Task.element_id,
    Task.name,
    Task.unit_code,
    Task.role,
    Task.spiff_task_id,
    Task.assignee,
).where(Task.instance_id == bindparam("instance"), Task.state == "open")
_LAST_DONE_BY = (
    select(Task.completed_by)
    .where(
        Task.instance_id == bindparam("instance"),
        Task.element_id == bindparam("element"),
        Task.state == "completed",
    )
    .order_by(Task.completed_at.desc(), Task.id.desc())
    .limit(1)
)
_UNIT_PEOPLE = select(User.username, User.roles).where(
    User.unit_code == bindparam("unit"), User.active.is_(True)
)
_INSERT = insert(table_of(Notification))


def _open_tasks(session: Session, instance_id: int) -> list[OpenTask]:
    rows = session.connection().execute(_OPEN_TASKS, {"instance": instance_id})
    return [OpenTask(*row) for row in rows]


def _last_done_by(session: Session, instance_id: int, element_id: str) -> str | None:
    """Who completed the step last in the case: the person a return sends it back to."""
    return session.connection().scalar(
        _LAST_DONE_BY, {"instance": instance_id, "element": element_id}
    )


class _People:
    """The active people of a unit in a role (S1's inbox rule), read once per unit per step."""

    def __init__(self, session: Session):
        self.session = session
        self._units: dict[str, list[tuple[str, list[str]]]] = {}

    def of(self, task: OpenTask) -> list[str]:
        if task.assignee:
            return [task.assignee]
        members = self._units.get(task.unit_code)
        if members is None:
            rows = self.session.connection().execute(_UNIT_PEOPLE, {"unit": task.unit_code})
            members = self._units[task.unit_code] = [(u, list(r or [])) for u, r in rows]
        return [u for u, roles in members if task.role in roles and AUDITOR not in roles]
