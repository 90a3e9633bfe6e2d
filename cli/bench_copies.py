"""Copies of real cases for the benchmarks' large databases, each a case `audit verify` accepts.

A copy keeps its template's facts, steps and history but gets its own case id, case number,
task row ids and Spiff task ids; the history events that name those ids are rewritten and
the chain rehashed, so a copy is as real to `audit verify` as the case it was copied from
(its rows agree with its chain, engine/record/chain_rows.py). The workflow state is left out:
nothing measured reads it, and 100,000 copies of it would be GBs.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select

from engine.models import HistoryEvent, Instance, Task, table_of
from engine.record.cases import case_number
from engine.run.history import GENESIS, event_hash, hashed_fields

_INSTANCE = [c for c in table_of(Instance).columns if c.name not in ("id", "case_no", "state")]
# a copy is not in the assessment's totals (engine/assessment/tally.py): its flag stays unset
_TASK = [
    c
    for c in table_of(Task).columns
    if c.name not in ("id", "instance_id", "spiff_task_id", "tallied")
]
_EVENT = [c for c in table_of(HistoryEvent).columns if c.name not in ("id", "instance_id")]


@dataclass(frozen=True)
class Template:
    """One real case's rows, read once and copied many times."""

    instance: dict[str, Any]
    tasks: list[dict[str, Any]]  # with their row id and Spiff task id
    events: list[dict[str, Any]]


def templates_of(connection: Connection, case_ids: Sequence[int]) -> list[Template]:
    instances = {
        row.id: row._asdict()
        for row in connection.execute(
            select(Instance.id, *_INSTANCE).where(Instance.id.in_(case_ids))
        )
    }
    tasks: dict[int, list[dict[str, Any]]] = {id: [] for id in instances}
    for row in connection.execute(
        select(Task.id, Task.instance_id, Task.spiff_task_id, *_TASK)
        .where(Task.instance_id.in_(case_ids))
        .order_by(Task.id)
    ):
        tasks[row.instance_id].append(row._asdict())
    events: dict[int, list[dict[str, Any]]] = {id: [] for id in instances}
    for row in connection.execute(
        select(HistoryEvent.instance_id, *_EVENT)
        .where(HistoryEvent.instance_id.in_(case_ids))
        .order_by(HistoryEvent.instance_id, HistoryEvent.seq)
    ):
        events[row.instance_id].append(row._asdict())
    return [Template(instances[id], tasks[id], events[id]) for id in sorted(instances)]


def insert_copies(connection: Connection, templates: Iterable[Template]) -> list[int]:
    """One copy of each template, inserted; returns the new case ids."""
    next_case = int(connection.scalar(select(func.max(Instance.id))) or 0) + 1
    next_task = int(connection.scalar(select(func.max(Task.id))) or 0) + 1
    cases, tasks, events, made = [], [], [], []
    for template in templates:
        case_id = next_case
        next_case += 1
        task_ids, spiff_ids = {}, {}
        for task in template.tasks:
            task_ids[task["id"]], spiff_ids[task["spiff_task_id"]] = next_task, str(uuid.uuid4())
            tasks.append(
                {
                    **task,
                    "id": next_task,
                    "instance_id": case_id,
                    "spiff_task_id": spiff_ids[task["spiff_task_id"]],
                }
            )
            next_task += 1
        for task in tasks[len(tasks) - len(template.tasks) :]:  # a reminder names its copy's step
            task["chased_task_id"] = task_ids.get(task["chased_task_id"], task["chased_task_id"])
        prev = GENESIS
        for event in template.events:
            copied = {
                **event,
                "instance_id": case_id,
                "data": _renamed(event["data"] or {}, task_ids, spiff_ids),
                "prev_hash": prev,
            }
            copied["hash"] = prev = event_hash(prev, hashed_fields(copied))
            events.append(copied)
        instance = template.instance
        cases.append(
            {
                **instance,
                "id": case_id,
                "case_no": case_number(case_id, instance["created_at"]),
                "state": b"",
                "history_hash": prev,
            }
        )
        made.append(case_id)
    for table, rows in ((Instance, cases), (Task, tasks), (HistoryEvent, events)):
        if rows:
            connection.execute(insert(table_of(table)), rows)
    return made


def _renamed(data: dict[str, Any], task_ids: dict[int, int], spiff_ids: dict[str, str]) -> Any:
    """An event's data naming the copy's task rows and Spiff tasks instead of the template's."""
    if "spiff_task_id" not in data and "task_id" not in data and "watch_id" not in data:
        return data
    renamed = dict(data)
    for key in ("spiff_task_id", "watch_id"):  # a watched activity is a task, or its parent's
        if key in renamed:
            renamed[key] = spiff_ids.get(renamed[key], renamed[key])
    if "task_id" in renamed:
        renamed["task_id"] = task_ids.get(renamed["task_id"], renamed["task_id"])
    return renamed
