"""One task: read it with its form, claim, release and complete it (S1, E12).

Reading follows engine/people/visibility.py; acting is the engine's check (task_for_action: the
task's unit and role, not archived, not done, not someone else's claim). Auditors only read.
"""

from __future__ import annotations

from typing import Any

from flask import g

from engine.errors import FieldError, FormInvalid
from engine.people.access_rule import check_may_change
from engine.people.visibility import visible_task

from ..extensions import current_jtflow, request_session
from ..reading import reading_task
from .blueprint import MAX_ID, api
from .bodies import json_object
from .problems import with_choices
from .shapes import opened, task_detail, task_json


@api.get(f"/tasks/<int(max={MAX_ID}):task_id>")
def task(task_id: int) -> Any:
    engine = current_jtflow()
    with reading_task(task_id) as (_db, found, instance):
        return task_detail(found, instance, engine.forms.schema(found.form))


@api.post(f"/tasks/<int(max={MAX_ID}):task_id>/claim")
def claim(task_id: int) -> Any:
    check_may_change(g.user)
    current_jtflow().claim(task_id, g.user.username)
    return _current(task_id)


@api.post(f"/tasks/<int(max={MAX_ID}):task_id>/release")
def release(task_id: int) -> Any:
    check_may_change(g.user)
    current_jtflow().release(task_id, g.user.username)
    return _current(task_id)


@api.post(f"/tasks/<int(max={MAX_ID}):task_id>/complete")
def complete(task_id: int) -> Any:
    """Body `{"data": {...}}`, the step's form data; answers with the tasks the step opened."""
    engine = current_jtflow()
    check_may_change(g.user)
    data = _form_data(json_object())
    try:
        opened_tasks = engine.complete(task_id, data, g.user.username)
    except FormInvalid as e:
        raise with_choices(e, engine.forms.schema(engine.task(task_id).form), "data.") from None
    return {"task_id": task_id, "state": "completed", "tasks": [opened(t) for t in opened_tasks]}


def _form_data(body: dict[str, Any]) -> dict[str, Any]:
    errors = [FieldError(k, f"不允许的字段：{k}（请求体只含 data）") for k in body if k != "data"]
    if "data" not in body:
        errors.append(FieldError("data", "「data」为必填项：表单数据放在 data 对象中"))
    elif not isinstance(body["data"], dict):
        errors.append(FieldError("data", "「data」应为对象"))
    if errors:
        raise FormInvalid("请求体有误：" + "；".join(e.message for e in errors), errors)
    data: dict[str, Any] = body["data"]
    return data


def _current(task_id: int) -> Any:
    with request_session() as db:
        found, instance = visible_task(db, g.user, task_id)
    return task_json(found, instance)
