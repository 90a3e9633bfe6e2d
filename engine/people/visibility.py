"""Reading cases and tasks (S1): the task rule is engine/people/access_rule.py's; here, the cases.

- A task is read by the people it is addressed to (access_rule.sees_task).
- A case is read by every unit that has or had a task in it, and by the unit that reported
  it (a patrol, E11). The center is not one reader but its posts (SPEC §1): a center post
  reads the cases that have or had a task for that post, and those reported on a channel
  it takes in (or by the person themself); the center's 数据资源管理岗 reads every sharing
  request and market application.
- An external applicant (unit EXTERNAL) reads only the cases they started or that have or
  had a task addressed to them by name: applicants are strangers to each other (M1).
- An auditor (审计员) reads every case and task and changes nothing: reporting, claiming,
  releasing and completing are refused.

A refusal is PermissionDenied (403, logged by the caller); an unknown id is NotFound.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from ..errors import NotFound, PermissionDenied
from ..models import AccessLog, Instance, Task, User
from .access_rule import CENTER, PERSONAL_UNIT, reads_everything, sees_task
from .accounts import log_access
from .reference import INTAKE_POST

MAX_ID = 2**31 - 1

# The center's post that runs a data process reads all its cases, also those it had no task
# in (an unconditional request is granted at once; SPEC §4: the center records every grant).
OVERSEER = {
    "sharing_request": "数据资源管理岗",
    "market_application": "数据资源管理岗",
}  # ids are 32-bit integers on PostgreSQL


def visible_task(session: Session, user: User, task_id: int) -> tuple[Task, Instance]:
    """The task and its case, if the user may read the task."""
    row = session.execute(
        select(Task, Instance)
        .join(Instance, Instance.id == Task.instance_id)
        .where(Task.id == task_id)
    ).first()
    if row is None:
        raise NotFound(f"任务 {task_id} 不存在")
    task, instance = row
    if not sees_task(user, task):
        raise PermissionDenied(  # naming nothing of a task the user may not read
            f"任务 {task_id} 不是 {user.username} 所在单位和岗位的工作，无权查看（S1）："
            "请从待办列表打开本单位本岗位的任务"
        )
    return task, instance


def find_case(session: Session, ref: str | int) -> Instance:
    """A case by its id (digits) or its case number (JT20261124-000042)."""
    if isinstance(ref, int) or (ref.isascii() and ref.isdigit()):
        number = int(ref)
        instance = session.get(Instance, number) if number <= MAX_ID else None
    else:
        instance = session.scalar(select(Instance).where(Instance.case_no == ref))
    if instance is None:
        raise NotFound(f"案件 {ref} 不存在：请检查案件编号")
    return instance


def sees_case(session: Session, user: User, instance: Instance) -> bool:
    if reads_everything(user):
        return True
    facts = instance.facts or {}
    roles = list(user.roles or [])
    if facts.get("reporter") == user.username:
        return True
    if user.unit_code == CENTER:
        if INTAKE_POST.get(instance.channel) in roles or OVERSEER.get(instance.channel) in roles:
            return True
    elif user.unit_code != PERSONAL_UNIT and facts.get("reporter_unit") == user.unit_code:
        return True
    found = session.scalar(
        select(Task.id).where(Task.instance_id == instance.id, unit_work(user)).limit(1)
    )
    return found is not None


def unit_work(user: User) -> ColumnElement[bool]:
    """The tasks, open or done, that make a case the user's unit's (a WHERE clause on Task):
    its unit's; at the center, its posts'; an applicant's, addressed to them by name. The
    case page reads by it (`sees_case`) and so does the list of the unit's cases
    (engine/handler_lists.py), which therefore never lists a case its page would refuse."""
    if user.unit_code == CENTER:
        return (Task.unit_code == CENTER) & Task.role.in_(list(user.roles or []))
    if user.unit_code == PERSONAL_UNIT:
        return (Task.unit_code == PERSONAL_UNIT) & (Task.assignee == user.username)
    return Task.unit_code == user.unit_code


def visible_case(session: Session, user: User, ref: str | int) -> Instance:
    """The case, if the user's unit (or center post) has or had work in it, or is an auditor."""
    instance = find_case(session, ref)
    if not sees_case(session, user, instance):
        raise PermissionDenied(  # the reference as given: not the number of an id
            f"案件 {ref} 不涉及 {user.username} 所在单位或岗位的工作，无权查看（S1）"
        )
    return instance


def read_case(
    session: Session, user: User, ref: str | int, now: datetime, how: str = "view"
) -> Instance:
    """`visible_case`, and the reading written to the access log (S1): every case anyone opens
    or exports is on record with who and when. The caller commits."""
    instance = visible_case(session, user, ref)
    log_access(
        session, now, user.username, how, allowed=True, target=("case", instance.case_no or "")
    )
    return instance


def readers_of(session: Session, instance: Instance) -> list[AccessLog]:
    """Who opened or exported the case, and when, oldest first (for auditors)."""
    return list(
        session.scalars(
            select(AccessLog)
            .where(AccessLog.target_kind == "case", AccessLog.target_id == instance.case_no)
            .order_by(AccessLog.id)
        )
    )


def open_steps(session: Session, instance: Instance) -> list[Task]:
    """The case's open tasks: where it stands now, who holds it and how late it is."""
    return list(
        session.scalars(
            select(Task)
            .where(Task.instance_id == instance.id, Task.state == "open")
            .order_by(Task.due_at.is_(None), Task.due_at, Task.id)
        )
    )


def case_tasks(session: Session, instance: Instance) -> list[Task]:
    """Every task of the case in the order they opened: the step names its history refers to."""
    return list(
        session.scalars(select(Task).where(Task.instance_id == instance.id).order_by(Task.id))
    )
