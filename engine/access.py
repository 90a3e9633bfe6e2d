"""What a page may offer a person (S1, E11): act on a task, report on which channels.

Reading is engine/visibility.py's rule; acting is checked again by the engine itself
(engine.tasks.task_for_action, engine.cases.check_reporter) — this only decides which
buttons and choices a page shows.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Instance, Task, User
from .reference import HANDLING_UNITS, INTAKE_POST
from .users import may_act_on
from .visibility import reads_everything


def may_act(user: User, task: Task) -> bool:
    """Claim, release and submit: an open task of the user's unit and role; never an auditor."""
    return (
        task.state == "open"
        and not reads_everything(user)
        and may_act_on(user, task.unit_code, task.role)
    )


def report_channels(user: User) -> list[str]:
    """The channels the user may report on (engine.cases.check_reporter), its own post's first:
    a center post its intake channels (投诉受理岗 any, 12328 first), a unit's 办理人 patrol (E11)."""
    if reads_everything(user):
        return []
    if user.unit_code in HANDLING_UNITS and "办理人" in user.roles:
        return ["patrol"]
    if user.unit_code != "CENTER":
        return []
    if "投诉受理岗" in user.roles:
        return ["hotline_12328", *(c for c in INTAKE_POST if c != "hotline_12328")]
    return [channel for channel, post in INTAKE_POST.items() if post in user.roles]


def case_tasks(session: Session, instance: Instance) -> list[Task]:
    """Every task of the case in the order they opened: the step names its history refers to."""
    return list(
        session.scalars(select(Task).where(Task.instance_id == instance.id).order_by(Task.id))
    )
