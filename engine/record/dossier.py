"""A case's dossier (S2): its facts, its steps and its whole history with every event's hash
and the chain's head, for printing or handing over as JSON. Whoever holds the JSON can
recompute the chain (engine.run.history.event_hash) and compare the head with the database.
The newest checkpoint covering the case (engine/record/anchoring.py) says up to which event its
history is anchored outside the database."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..models import Instance
from ..people.visibility import case_tasks
from ..run.history import case_history, first_break, hashed_fields
from .anchoring import last_anchor


def _iso(instant: Any) -> str | None:
    return None if instant is None else instant.isoformat()


def case_dossier(session: Session, instance: Instance) -> dict[str, Any]:
    """Everything on record about the case, as JSON-ready values (instants in UTC ISO 8601)."""
    history = case_history(session, instance.id)
    broken = first_break(history)
    return {
        "case_no": instance.case_no,
        "title": instance.title,
        "channel": instance.channel,
        "urgency": instance.urgency,
        "status": instance.status,
        "location": instance.location,
        "created_at": _iso(instance.created_at),
        "ended_at": _iso(instance.ended_at),
        "definition_id": instance.definition_id,
        "facts": instance.facts or {},
        "tasks": [
            {
                "id": t.id,
                "element_id": t.element_id,
                "name": t.name,
                "unit": t.unit_code,
                "role": t.role,
                "state": t.state,
                "assignee": t.assignee,
                "created_at": _iso(t.created_at),
                "due_at": _iso(t.due_at),
                "completed_at": _iso(t.completed_at),
                "completed_by": t.completed_by,
                "light": t.light,
                "late_seconds": t.late_seconds,
            }
            for t in case_tasks(session, instance)
        ],
        "history": [
            {**hashed_fields(e), "prev_hash": e.prev_hash, "hash": e.hash} for e in history
        ],
        "history_seq": instance.history_seq,
        "history_hash": instance.history_hash,
        "chain": {
            "intact": broken is None and (not history or history[-1].hash == instance.history_hash),
            "first_break": None if broken is None else {"seq": broken[0], "why": broken[1]},
        },
        "anchor": _anchor(session, instance, history),
    }


def _anchor(session: Session, instance: Instance, history: list[Any]) -> dict[str, Any] | None:
    """The newest checkpoint covering the case, None before the first. `holds`: the event at
    the anchored seq still has the anchored hash, as the database recorded it; the proof
    is the anchor file (`jtflow audit verify --since-anchor FILE`)."""
    anchored = last_anchor(session, instance.id)
    if anchored is None:
        return None
    event = history[anchored.seq - 1] if len(history) >= anchored.seq else None
    return {
        "at": _iso(anchored.at),
        "checkpoint": anchored.number,
        "seq": anchored.seq,
        "hash": anchored.hash,
        "holds": event is not None and event.hash == anchored.hash,
    }
