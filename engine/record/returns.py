"""A step the case came back to (E9, E10: a reply returned for revision): what was answered
there last time, and the step that sent it back, read from the task rows and the history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..models import HistoryEvent, Task


@dataclass(frozen=True)
class Return:
    answer: dict[str, Any]  # the step's last answer, to fill its form again
    returned_by: Task | None  # the step whose answer returned it: its answers say why


def return_to(task: Task, tasks: Sequence[Task], history: Sequence[HistoryEvent]) -> Return | None:
    """For an open task whose step was answered before in the case, that answer and the
    latest `returned` event since; None for a step met for the first time."""
    if task.state != "open":
        return None
    earlier = [
        t
        for t in tasks
        if t.element_id == task.element_id and t.state == "completed" and t.id != task.id
    ]
    if not earlier:
        return None
    last = max(earlier, key=lambda t: (t.completed_at, t.id))
    returning = [
        int(e.data["task_id"])
        for e in history
        if e.kind == "returned"
        and "task_id" in e.data
        and last.completed_at is not None
        and e.at >= last.completed_at
    ]
    by_id = {t.id: t for t in tasks}
    returned_by = by_id.get(returning[-1]) if returning else None
    return Return(dict(last.data or {}), returned_by)
