"""Rows as the API's JSON: tasks, cases, history events. Instants are ISO 8601 in UTC."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from flask import url_for

from engine.models import HistoryEvent, Instance, Task
from engine.run.tasks import OpenTask
from engine.service import CaseRef

LIGHT_ORDER = ("green", "yellow", "red")


def instant(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def started(ref: CaseRef) -> tuple[dict[str, Any], int, dict[str, str]]:
    """A case a POST started: 201 with its number, id and the tasks it opened, and where it is."""
    answer = {
        "case_no": ref.case_no,
        "case_id": ref.case_id,
        "tasks": [opened(t) for t in ref.tasks],
    }
    return answer, 201, {"Location": url_for("api.case", ref=ref.case_no)}


def opened(task: OpenTask) -> dict[str, Any]:
    """A task a step just opened."""
    return {
        "id": task.id,
        "element_id": task.element_id,
        "name": task.name,
        "unit_code": task.unit_code,
        "role": task.role,
    }


def case_summary(instance: Instance) -> dict[str, Any]:
    return {
        "id": instance.id,
        "case_no": instance.case_no,
        "title": instance.title,
        "channel": instance.channel,
        "urgency": instance.urgency,
        "status": instance.status,
    }


def task_json(task: Task, instance: Instance) -> dict[str, Any]:
    return {
        "id": task.id,
        "element_id": task.element_id,
        "name": task.name,
        "unit_code": task.unit_code,
        "role": task.role,
        "state": task.state,
        "assignee": task.assignee,
        "created_at": instant(task.created_at),
        "due_at": instant(task.due_at),
        "warn_at": instant(task.warn_at),
        "light": task.light,
        "provisional": task.provisional,
        "late_seconds": task.late_seconds,
        "completed_at": instant(task.completed_at),
        "completed_by": task.completed_by,
        "case": case_summary(instance),
    }


def task_detail(task: Task, instance: Instance, schema: dict[str, Any]) -> dict[str, Any]:
    """A task with what a client needs to fill it in: its form's schema and default values."""
    return {
        **task_json(task, instance),
        "form": task.form,
        "form_schema": schema,
        "defaults": task.defaults or {},
        "data": task.data,
    }


def step_json(task: Task) -> dict[str, Any]:
    return {
        "task_id": task.id,
        "element_id": task.element_id,
        "name": task.name,
        "unit_code": task.unit_code,
        "role": task.role,
        "assignee": task.assignee,
        "due_at": instant(task.due_at),
        "warn_at": instant(task.warn_at),
        "light": task.light,
        "provisional": task.provisional,
    }


def case_json(instance: Instance, steps: list[Task]) -> dict[str, Any]:
    """A case: its facts, status and the open steps with their owners and lights (E12)."""
    lights = Counter(t.light for t in steps)
    worst = max((t.light for t in steps), key=LIGHT_ORDER.index, default=None)
    return {
        **case_summary(instance),
        "facts": instance.facts,
        "created_at": instant(instance.created_at),
        "updated_at": instant(instance.updated_at),
        "ended_at": instant(instance.ended_at),
        "open_steps": [step_json(t) for t in steps],
        "light": worst,
        "lights": {light: lights.get(light, 0) for light in LIGHT_ORDER},
    }


def history_json(event: HistoryEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": instant(event.at),
        "actor": event.actor,
        "kind": event.kind,
        "element_id": event.element_id,
        "data": event.data,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }
