"""GET /api/cases/{ref} and its history: for the units (and center posts) that have or had
work in the case, and for auditors (S1, engine/people/visibility.py)."""

from __future__ import annotations

from typing import Any

from flask import g

from engine.errors import NotFound, PermissionDenied
from engine.people.access_rule import reads_everything
from engine.people.visibility import open_steps, readers_of
from engine.replay import replay_case
from engine.run.history import case_history

from ..extensions import current_jtflow
from ..reading import reading_case
from .blueprint import api
from .bodies import Query
from .shapes import case_json, history_json


@api.get("/cases/<ref>")
def case(ref: str) -> Any:
    with reading_case(ref) as (db, instance):
        return case_json(instance, open_steps(db, instance))


@api.get("/cases/<ref>/history")
def history(ref: str) -> Any:
    """Who did what, when, with which data; each event with the hash chaining it (S2)."""
    with reading_case(ref) as (db, instance):
        events = case_history(db, instance.id)
        return {"case_no": instance.case_no, "events": [history_json(e) for e in events]}


@api.get("/cases/<ref>/replay")
def replay(ref: str) -> Any:
    """The case as it stood at step k (S2): re-executed from its recorded inputs and checked
    against its history up to that step; a difference is said in words (`explanation`) and
    field by field, with both events as they are."""
    query = Query()
    step = query.integer("step", 1, 1, about="第几步（历史事件序号，从 1 起）")
    query.check()
    with reading_case(ref, how="replay") as (db, instance):
        case_id, steps = instance.id, instance.history_seq
    if step > steps:  # a step the history does not have yet: not found, like a case
        raise NotFound(f"案件 {instance.case_no} 没有第 {step} 步：它的历史共 {steps} 步")
    result = replay_case(current_jtflow(), case_id, until=step)
    divergence = result.divergence
    return {
        "case_no": result.case_no,
        "step": step,
        "reproduced": divergence is None,
        "divergence": None
        if divergence is None
        else {
            "seq": divergence.seq,
            "explanation": divergence.explanation,
            "differences": [
                {"field": d.field, "recorded": d.recorded, "replayed": d.replayed}
                for d in divergence.differences
            ],
            "recorded": divergence.expected,
            "replayed": divergence.replayed,
        },
        "state": result.state,
    }


@api.get("/cases/<ref>/access")
def access(ref: str) -> Any:
    """Who looked at the case, and when (S1): for auditors."""

    if not reads_everything(g.user):
        raise PermissionDenied(f"{g.user.username} 不是审计员，不能查看案件的查阅记录（S1）")
    with reading_case(ref) as (db, instance):
        return {
            "case_no": instance.case_no,
            "readers": [
                {"at": r.at.isoformat(), "username": r.username, "action": r.action}
                for r in readers_of(db, instance)
            ],
        }
