"""GET /api/cases/{ref} and its history: for the units (and center posts) that have or had
work in the case, and for auditors (S1, engine/visibility.py)."""

from __future__ import annotations

from typing import Any

from flask import g

from engine.history import case_history
from engine.visibility import open_steps, visible_case

from .blueprint import api
from .shapes import case_json, history_json


@api.get("/cases/<ref>")
def case(ref: str) -> Any:
    from webui import current_jtflow

    with current_jtflow().sessions() as db:
        instance = visible_case(db, g.user, ref)
        return case_json(instance, open_steps(db, instance))


@api.get("/cases/<ref>/history")
def history(ref: str) -> Any:
    """Who did what, when, with which data; each event with the hash chaining it (S2)."""
    from webui import current_jtflow

    with current_jtflow().sessions() as db:
        instance = visible_case(db, g.user, ref)
        events = case_history(db, instance.id)
        return {"case_no": instance.case_no, "events": [history_json(e) for e in events]}
