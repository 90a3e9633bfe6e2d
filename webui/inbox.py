"""The handler's inbox (SPEC §1, S1, E12): tabs 全部 / 我的 / 待认领, filters, deadline
order, paging; claim and release. The query is engine.inbox's, shared with GET /api/tasks."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import Conflict
from engine.inbox import SCOPES, open_steps, open_tasks_page
from engine.people.access_rule import check_may_change, may_act

from .auth import signed_in
from .due import due_phrase
from .extensions import current_jtflow, request_session
from .task_page import known_id

inbox = Blueprint("inbox", __name__)

FILTERS = ("urgency", "channel", "light", "step", "q", "sort")


@inbox.route("/")
@signed_in
def index() -> Any:
    engine = current_jtflow()
    args = request.args
    tab = args.get("tab", "all")
    with request_session() as db:
        page = open_tasks_page(
            db,
            g.user,
            scope=tab if tab in SCOPES else "all",
            urgency=args.get("urgency") or None,
            channel=args.get("channel") or None,
            light=args.get("light") or None,
            step=args.get("step") or None,
            text=args.get("q") or None,
            sort=args.get("sort") or "due",
            page=args.get("page", 1, type=int) or 1,
            per_page=args.get("per_page", 25, type=int) or 25,
            group_reminders=True,  # a case's 催办/督办 on one row (issue 16)
        )
        steps = open_steps(db, g.user)
        actions = {task.id: may_act(g.user, task) for task, _case in page.rows}
        for grouped in page.reminders.values():
            actions.update({r.task.id: may_act(g.user, r.task) for r in grouped})
    now = engine.clock.now()
    return render_template(
        "inbox.html",
        page=page,
        rows=page.rows,
        tab=tab,
        steps=steps,
        actions=actions,
        due=lambda task: due_phrase(task.due_at, now),
        filters={name: args.get(name, "") for name in FILTERS},
        page_url=lambda n: _inbox_url({**args.to_dict(), "page": n}),
        sort_url=_inbox_url(
            {**args.to_dict(), "page": 1, "sort": "due" if args.get("sort") == "-due" else "-due"}
        ),
    )


def _inbox_url(query: dict[str, Any]) -> str:
    """The inbox with these filters, tab, sort and page."""
    return url_for("inbox.index", **query)


@inbox.post("/tasks/<int:task_id>/claim")
@signed_in
def claim(task_id: int) -> Any:
    return _change(task_id, claim=True)


@inbox.post("/tasks/<int:task_id>/release")
@signed_in
def release(task_id: int) -> Any:
    return _change(task_id, claim=False)


def _change(task_id: int, *, claim: bool) -> Any:
    """A claim that raced another is said plainly on the inbox; a refusal is a 403 page."""
    from .auth import _safe_next

    engine = current_jtflow()
    known_id(task_id)
    check_may_change(g.user)
    try:
        if claim:
            engine.claim(task_id, g.user.username)
            flash(_("已认领任务 %(id)s", id=task_id), "notice")
        else:
            engine.release(task_id, g.user.username)
            flash(_("已释放任务 %(id)s", id=task_id), "notice")
    except Conflict as e:
        flash(str(e), "error")
    return redirect(_safe_next(request.form.get("next")))
