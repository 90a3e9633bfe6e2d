"""Human tasks: what a person may see and do, and the form data a completion carries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..errors import CaseArchived, Conflict, NotFound, PermissionDenied
from ..models import Instance, Task, User
from ..people.access_rule import inbox_tasks, may_act_on


def open_tasks_for(session: Session, user: User) -> list[tuple[Task, Instance]]:
    """The user's inbox (access_rule.inbox_tasks), every page at once: `jtflow tasks`."""
    rows = session.execute(
        select(Task, Instance)
        .join(Instance, Instance.id == Task.instance_id)
        .where(*inbox_tasks(user))
        .order_by(Task.due_at.is_(None), Task.due_at, Task.id)
    )
    return [(task, instance) for task, instance in rows]


@dataclass(frozen=True)
class OpenTask:
    """An open task: enough to route the user to it, and to tell whose inbox it is in."""

    id: int
    element_id: str
    name: str
    unit_code: str
    role: str
    spiff_task_id: str = ""
    assignee: str | None = None


_TASK_CASE_USER = (  # built once: every completion, claim and release runs it
    select(Task, Instance, User)
    .join(Instance, Instance.id == Task.instance_id)
    .outerjoin(User, User.username == bindparam("username"))
    .where(Task.id == bindparam("task_id"))
)


def task_for_action(session: Session, task_id: int, username: str) -> tuple[Task, Instance, User]:
    """The task, its case and the user, if this user may act on it now; else the reason why not."""
    row = session.execute(_TASK_CASE_USER, {"task_id": task_id, "username": username}).first()
    if row is None:
        raise NotFound(f"任务 {task_id} 不存在")
    task, instance, user = row
    if user is None or not user.active:
        raise NotFound(f"用户 {username} 不存在或已停用：请用 `jtflow user list` 查看可用用户")
    if not may_act_on(user, task.unit_code, task.role, task.assignee):
        raise PermissionDenied(  # naming nothing of a task the user may not read (S1)
            f"任务 {task_id} 不是 {user.username} 所在单位和岗位的工作，无权操作（S1）"
        )
    if instance.ended_at is not None:
        raise CaseArchived(f"案件 {instance.case_no} 已结束，不能再更改（E13）")
    if task.state == "completed":
        when = task.completed_at.isoformat() if task.completed_at else "?"
        raise Conflict(f"任务 {task_id} 已由 {task.completed_by} 于 {when} 完成，请勿重复提交")
    if task.state != "open":
        raise Conflict(f"任务 {task_id} 已取消（流程已越过此步骤），请刷新待办")
    if task.assignee not in (None, user.username):
        raise Conflict(f"任务 {task_id} 已由 {task.assignee} 认领，请与其联系或等待释放")
    return task, instance, user


def lateness(due_at: datetime | None, done_at: datetime) -> int | None:
    """E12: how many seconds after its deadline a step was finished; None if it was on time."""
    if due_at is None or done_at <= due_at:
        return None
    return int((done_at - due_at).total_seconds())


def fill_form_data(schema: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Every field of the form is present in task data, so diagram expressions can read it."""
    filled = dict(data)
    for name, prop in schema.get("properties", {}).items():
        filled.setdefault(name, prop.get("default"))
    return filled
