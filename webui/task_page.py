"""The task page: the case so far and the step's form, drawn from its JSON Schema and
checked again by the engine (E8, S1). Completing claims the task by itself."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.definitions.element_names import element_names
from engine.errors import Conflict, FormInvalid, InvalidInput, NotFound
from engine.people.access_rule import check_may_change, may_act
from engine.people.visibility import case_tasks, visible_task
from engine.record.attachments import file_fields
from engine.record.returns import return_to
from engine.run.history import case_history

from .attachments import upload_chosen
from .auth import signed_in
from .due import due_phrase
from .extensions import current_jtflow, request_session
from .form_fields import data_from, errors_by_field, fields_for, form_problems
from .knowledge import knowledge_links
from .labels import translated
from .reading import reading_task

task_page = Blueprint("task", __name__)

MAX_ID = 2**31 - 1  # ids are 32-bit on PostgreSQL; a larger one is no task, not a 500


def known_id(task_id: int) -> int:
    """The id as given, or NotFound when no row can have it (SQLite would overflow)."""
    if task_id > MAX_ID:
        raise NotFound(f"任务 {task_id} 不存在：请从待办列表进入")
    return task_id


@task_page.get("/tasks/<int:task_id>")
@signed_in
def show(task_id: int) -> Any:
    return _page(known_id(task_id))


@task_page.post("/tasks/<int:task_id>")
@signed_in
def complete(task_id: int) -> Any:
    """Success goes back to the inbox; a wrong field or a raced completion shows the page
    again with everything typed kept, the reason next to the field or at the top."""
    engine = current_jtflow()
    known_id(task_id)
    check_may_change(g.user)
    schema = engine.forms.schema(_form_of(task_id))
    data = data_from(schema, request.form)
    try:
        data.update(_uploaded_files(schema))
        engine.complete(task_id, data, g.user.username)
    except FormInvalid as e:
        placed, problems = form_problems(schema, e)
        return _page(task_id, values=data, errors=placed, problems=problems, status=422)
    except InvalidInput as e:  # a file refused: empty, too large, not what it claims
        placed, loose = errors_by_field(schema, e.errors)
        return _page(task_id, values=data, errors=placed, problems=[str(e), *loose], status=422)
    except Conflict as e:
        return _page(task_id, values=data, problems=[str(e)], status=409)
    flash(_("「%(name)s」已提交", name=translated(_name_of(task_id))), "notice")
    return redirect(url_for("inbox.index"))


def _uploaded_files(schema: dict[str, Any]) -> dict[str, Any]:
    """Each file chosen for a file field, uploaded as the user's and named by its id; the
    engine binds it to the case with the step (engine.record.attachments.take_files)."""
    chosen = upload_chosen([(name, kind, name) for name, kind in file_fields(schema).items()])
    return {name: {"attachment_id": id} for name, id in chosen.items()}


def _page(
    task_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> Any:
    engine = current_jtflow()
    with reading_task(task_id) as (db, task, case):
        history = case_history(db, case.id)
        tasks = case_tasks(db, case)
        names = element_names(db, case)
        actionable = may_act(g.user, task)
        links = knowledge_links(db, case)
    schema = engine.forms.schema(task.form)
    now = engine.clock.now()
    done = [t for t in tasks if t.state == "completed" and t.id != task.id]
    answers = [  # the latest first: what the person acting now needs most
        (t, _said(engine.forms.schema(t.form), t.data or {}))
        for t in sorted(done, key=lambda t: (t.completed_at, t.id), reverse=True)
    ]
    came_back = return_to(task, tasks, history)
    if values is None and task.state == "completed":
        values = {**(task.data or {})}
    elif values is None:  # a returned reply comes back as it was sent, to be revised
        answer = came_back.answer if came_back else {}
        files = file_fields(schema)  # a file went with the earlier answer: choose it anew
        values = {**(task.defaults or {}), **{k: v for k, v in answer.items() if k not in files}}
    returned_by = came_back.returned_by if came_back else None
    chased = next((t for t in tasks if t.id == task.chased_task_id), None)  # a 催办's step
    return (
        render_template(
            "task.html",
            task=task,
            case=case,
            history=history,
            step_names=names,
            form_title=schema.get("title", task.name),
            form_description=schema.get("description"),
            fields=fields_for(schema, values, errors),
            actionable=actionable,
            answers=answers,
            returned_by=returned_by,
            return_reason=dict(answers).get(returned_by, []) if returned_by else [],
            problems=problems or [],
            due=due_phrase(task.due_at, now) if task.state == "open" else None,
            chased=chased,
            **links,
        ),
        status,
    )


def _said(schema: dict[str, Any], data: dict[str, Any]) -> list[tuple[str, str]]:
    """A finished step's answers as (field title, what was chosen or written) in the
    reader's language, blanks left out: the leader and the center read the reply they
    check (E9, E10), the unit the reason and basis it was returned with."""
    said = []
    for f in _flat(fields_for(schema, data)):
        if f.kind == "checkbox":
            text = _("是") if f.value else _("否")
        elif f.kind in ("select", "checkboxes"):
            chosen = f.value if isinstance(f.value, list) else [f.value]
            text = "、".join(translated(title) for value, title in f.options if value in chosen)
        else:
            text = f.value or ""
        if text:
            said.append((translated(f.title), text))
    return said


def _flat(fields: list[Any]) -> list[Any]:
    return [leaf for f in fields for leaf in (_flat(f.children) if f.kind == "group" else [f])]


def _form_of(task_id: int) -> str:
    """The task's form, once the user may see the task (a 403 or 404 otherwise)."""
    with request_session() as db:
        task, _case = visible_task(db, g.user, task_id)
        return task.form


def _name_of(task_id: int) -> str:
    return current_jtflow().task(task_id).name


@task_page.app_template_filter("local_time_text")
def local_time_text(text: str) -> str:
    """An ISO 8601 instant kept as text in the case facts, in Xiamen's time."""
    from datetime import datetime

    from webui import local_time

    try:
        return local_time(datetime.fromisoformat(text))
    except (TypeError, ValueError):
        return str(text)
