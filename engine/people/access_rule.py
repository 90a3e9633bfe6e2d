"""S1 in one place: who may read a task, whose inbox it is in, who may act on it, and who
may report on which channel (E1, E11).

- A task is read by the people it is addressed to: its unit and one of their roles,
  whether it is open or done. An auditor (审计员) reads every task and changes nothing.
- The external applicants (unit EXTERNAL: universities, institutes, companies, M1) share a
  unit code but are strangers to each other: a task of theirs is addressed to one applicant
  (its assignee, set when it opens) and read and acted on by that applicant alone.
- A person's inbox holds the open tasks they read that they claimed or nobody claimed;
  an auditor's holds every open task, read-only.
- A person acts (claims, releases, submits) on an open task addressed to their unit and
  one of their roles, while their account is active; never an auditor.
- The center's posts report on the channels they take in (投诉受理岗 on any); a handling
  unit's 办理人 reports patrol events.

The task rules have a Python form, for a task in hand (pages, actions), and an SQL form,
a WHERE clause for the queries (inbox, `GET /api/tasks`, `jtflow tasks`);
tests/engine/test_access_rule.py checks that the two agree on a generated population.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, true

from ..errors import PermissionDenied
from ..models import Task, User
from .reference import CENTER_POSTS, HANDLING_UNITS, INTAKE_POST

AUDITOR = "审计员"
CENTER = "CENTER"
PERSONAL_UNIT = "EXTERNAL"  # its people are separate applicants, not colleagues (M1)
HANDLER = "办理人"
ANY_CHANNEL_POST = "投诉受理岗"  # the complaints post takes in every central channel


def reads_everything(user: User) -> bool:
    """An auditor reads every unit's work and changes nothing."""
    return AUDITOR in (user.roles or [])


def check_may_change(user: User) -> None:
    """Auditors only read: every change by one is refused before it is tried."""
    if reads_everything(user):
        raise PermissionDenied(f"{user.username} 是审计员，只能查阅，不能报送、认领或办理（S1）")


# Reading a task: its unit and one of the user's roles, open or done; an auditor every task.


def sees_task(user: User, task: Task) -> bool:
    return reads_everything(user) or (
        task.unit_code == user.unit_code
        and task.role in (user.roles or [])
        and (task.unit_code != PERSONAL_UNIT or task.assignee == user.username)
    )


def seen_tasks(user: User) -> list[ColumnElement[bool]]:
    """`sees_task` as WHERE clauses on Task."""
    if reads_everything(user):
        return []
    where = [Task.unit_code == user.unit_code, Task.role.in_(list(user.roles or []))]
    if user.unit_code == PERSONAL_UNIT:
        where.append(Task.assignee == user.username)
    return where


# The inbox: open tasks the user sees, in one of three scopes — "all" (theirs and nobody's;
# an auditor every open task), "mine" (claimed by them), "unclaimed" (nobody's yet).


def in_inbox(user: User, task: Task, scope: str = "all") -> bool:
    if task.state != "open" or not sees_task(user, task):
        return False
    if scope == "mine":
        return task.assignee == user.username
    if scope == "unclaimed":
        return task.assignee is None
    return reads_everything(user) or task.assignee in (None, user.username)


def inbox_tasks(user: User, scope: str = "all") -> list[ColumnElement[bool]]:
    """`in_inbox` as WHERE clauses on Task, in the order ix_task_inbox serves them."""
    where: list[ColumnElement[bool]] = [Task.state == "open", *seen_tasks(user)]
    if scope == "mine":
        where.append(Task.assignee == user.username)
    elif scope == "unclaimed":
        where.append(Task.assignee.is_(None))
    elif not reads_everything(user):
        where.append(or_(Task.assignee.is_(None), Task.assignee == user.username))
    else:
        where.append(true())
    return where


# Acting on a task.


def may_act_on(user: User, unit_code: str, role: str, assignee: str | None = None) -> bool:
    """Work addressed to the user's own unit and one of their roles, while they are active;
    an applicant's work, to them by name."""
    return (
        user.active
        and user.unit_code == unit_code
        and role in (user.roles or [])
        and (unit_code != PERSONAL_UNIT or assignee == user.username)
    )


def may_act(user: User, task: Task) -> bool:
    """Claim, release and submit: an open task of the user's unit and role; never an auditor.
    (Whose claim it is, is the engine's check: engine.run.tasks.task_for_action.)"""
    return (
        task.state == "open"
        and not reads_everything(user)
        and may_act_on(user, task.unit_code, task.role, task.assignee)
    )


def is_personal(task: Task) -> bool:
    """A task addressed to one applicant by name: it cannot be released to anybody else."""
    return task.unit_code == PERSONAL_UNIT


# Reporting an event (E1, E11).


def report_refusal(user: User, channel: str) -> str | None:
    """Why the user may not report on the channel, or None if they may."""
    roles = user.roles or []
    if channel == "patrol":
        if user.unit_code not in HANDLING_UNITS or HANDLER not in roles:
            return f"巡检事件由业务单位的办理人报送；{user.username} 不是业务单位办理人（E11）"
        return None
    if user.unit_code != CENTER or not set(roles) & set(CENTER_POSTS):
        return f"统一监测事件由监测中心各岗位报送；{user.username} 不在监测中心岗位上（E1）"
    post = INTAKE_POST[channel]
    if post not in roles and ANY_CHANNEL_POST not in roles:
        return f"{channel} 渠道的事件由{post}报送；{user.username} 不在该岗位上"
    return None


def check_reporter(user: User, channel: str) -> None:
    refusal = report_refusal(user, channel)
    if refusal is not None:
        raise PermissionDenied(refusal)


REPORT_CHANNELS = ("patrol", "hotline_12328", *(c for c in INTAKE_POST if c != "hotline_12328"))


def report_channels(user: User) -> list[str]:
    """The channels a page offers the user to report on, 12328 first; none to an auditor."""
    if reads_everything(user):
        return []
    return [channel for channel in REPORT_CHANNELS if report_refusal(user, channel) is None]
