"""GET /api/tasks: the inbox as JSON — the user's open tasks, filtered and paged in SQL by
engine/inbox.py (the same query as the inbox page; an auditor sees every unit's)."""

from __future__ import annotations

from typing import Any

from flask import g

from engine.errors import InvalidInput
from engine.inbox import LIGHTS, MAX_PER_PAGE, SCOPES, SORTS, open_tasks_page

from ..extensions import current_jtflow, request_session
from .blueprint import api
from .bodies import Query
from .problems import ApiError, allowed_values, fields_json
from .shapes import task_json

DEFAULT_PER_PAGE = 25
MAX_PAGE = 100_000  # keeps the SQL offset far from any integer limit


@api.get("/tasks")
def tasks() -> Any:
    engine = current_jtflow()
    report = engine.forms.schema("report_event")
    query = Query()
    scope = query.choice("scope", SCOPES) or "all"
    urgency = query.choice("urgency", allowed_values(report, ["urgency"]) or [])
    channel = query.choice("channel", allowed_values(report, ["channel"]) or [])
    light = query.choice("light", LIGHTS)
    step, text = query.text("step"), query.text("q")
    sort = query.choice("sort", SORTS) or "due"
    page_no = query.integer("page", 1, 1, MAX_PAGE)
    per_page = query.integer("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    query.check()
    with request_session() as db:
        try:
            page = open_tasks_page(
                db,
                g.user,
                scope=scope,
                urgency=urgency,
                channel=channel,
                light=light,
                step=step,
                text=text,
                sort=sort,
                page=page_no,
                per_page=per_page,
            )
        except InvalidInput as e:  # the query's own checks: still a bad parameter
            raise ApiError(400, "invalid_parameter", str(e), fields=fields_json(e.errors)) from e
    return {
        "items": [task_json(task, case) for task, case in page.rows],
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "pages": page.pages,
    }
