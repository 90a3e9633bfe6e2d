"""Recording each firing of a cycle timer in the case's chain, as any fired timer is.

A cycle timer (engine/run/spiff.py ClockedCycle) never completes, so the rows that record
fired timers do not see it fire: its timer row only moves to the next occurrence. This
write hook appends the `timer_fired` event for the occurrence the step fired, so the
history says when a quarterly revision was opened and a replay fires it again (S2).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from ..time.clock import parse_instant
from ..time.cycles import parse_cycle
from .history import HistoryWriter
from .runner import all_tasks
from .runtime import Loaded
from .spiff import CYCLE, ClockedCycle, utc_iso


def record_cycle_fires(session: Session, loaded: Loaded, now: datetime, actor: str) -> None:
    """One `timer_fired` per occurrence the step fired: those from where the timer stood
    when the step began (or first waited, if it did in this step) up to where it stands."""
    before = loaded.before.timers
    for task in all_tasks(loaded.workflow):
        definition = getattr(task.task_spec, "event_definition", None)
        if not isinstance(definition, ClockedCycle) or task.state != TaskState.WAITING:
            continue
        state = task._get_internal_data(CYCLE) or {}
        if "expression" not in state:
            continue
        cycle = parse_cycle(state["expression"])
        known = before.get(str(task.id))
        start = (
            state.get("first", 0)
            if known is None
            else cycle.first_index_at_or_after(parse_instant(known[0]))
        )
        fired = [utc_iso(cycle.occurrence(i)) for i in range(start, state["index"])]
        _first(
            loaded.history,
            [
                {
                    "at": now,
                    "element_id": task.task_spec.bpmn_id,
                    "data": {"due_at": due, "provisional": False, "cycle": True},
                }
                for due in fired
            ],
        )


def _first(history: HistoryWriter, firings: list[dict[str, Any]]) -> None:
    """Append the firing ahead of what it caused (the tasks it opened), as a timer step
    records a fired timer before its effects: a replay meets the input before its outputs.
    In a step some other input drove (a completion), the firing follows that input."""
    if not firings:
        return
    if any(e["kind"] == "task_completed" for e in history.pending):
        for event in firings:
            history.append("timer_fired", actor="system", **event)
        return
    caused, history.pending = history.pending, []
    if caused:
        history.instance.history_seq = caused[0]["seq"] - 1
        history.instance.history_hash = caused[0]["prev_hash"]
    for event in firings:
        history.append("timer_fired", actor="system", **event)
    for e in caused:
        history.append(
            e["kind"], at=e["at"], actor=e["actor"], element_id=e["element_id"], data=e["data"]
        )
