"""Builders for the notification tests (SQLite and PostgreSQL alike): the rows a user was
told, and a case walked to a return or a red light."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from engine.models import Notification
from engine.service import CaseRef, Jtflow
from tests.factories import report, step, task_at


def told(jtflow: Jtflow, username: str) -> list[tuple[str, str]]:
    """(kind, step name) of every notification of the user, oldest first."""
    with jtflow.sessions() as session:
        return [
            (n.kind, n.step_name)
            for n in session.scalars(
                select(Notification)
                .where(Notification.username == username)
                .order_by(Notification.id)
            )
        ]


def duplicates(jtflow: Jtflow) -> list[tuple[str, str, int | None]]:
    """Notifications written more than once for one person, kind and task."""
    with jtflow.sessions() as session:
        keys = Counter(
            (n.username, n.kind, n.task_id) for n in session.scalars(select(Notification))
        )
    return [key for key, count in keys.items() if count > 1]


def replied(jtflow: Jtflow) -> CaseRef:
    """A case transferred to TRANSPORT_DEV, signed for and answered, at 单位领导审核."""
    case = report(jtflow)
    step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    step(jtflow, case, "sign_for")
    step(jtflow, case, "handle_reply")
    task_at(jtflow, case, "leader_approve")
    return case
