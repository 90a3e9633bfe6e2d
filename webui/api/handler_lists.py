"""GET /api/tasks/done and GET /api/cases: the handler's lists as JSON (issue 16, S1) — the
tasks the token's user completed, and the cases their unit (center: their post) has or had
a task in; filtered and paged in SQL by engine/handler_lists.py, as the pages are."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import g, request

from engine.errors import FieldError, InvalidInput
from engine.handler_lists import (
    MAX_PAGE,
    MAX_PER_PAGE,
    STATUSES,
    DoneRow,
    ListFilter,
    ListPage,
    UnitCaseRow,
    done_tasks_page,
    unit_cases_page,
)
from engine.record.case_search import parse_date

from ..extensions import current_jtflow, request_session
from .blueprint import api
from .bodies import Query
from .problems import ApiError, allowed_values, fields_json
from .shapes import case_summary, instant, step_json, task_json

DEFAULT_PER_PAGE = 25


@api.get("/tasks/done")
def done_tasks() -> Any:
    filters, page_no, per_page = _query(step=True)
    return _run(done_tasks_page, filters, page_no, per_page, _done_json)


@api.get("/cases")
def unit_cases() -> Any:
    filters, page_no, per_page = _query(status=True)
    return _run(unit_cases_page, filters, page_no, per_page, _case_json)


def _query(*, step: bool = False, status: bool = False) -> tuple[ListFilter, int, int]:
    report = current_jtflow().forms.schema("report_event")
    query = Query()
    filters = ListFilter(
        process=query.text("process"),
        urgency=query.choice("urgency", allowed_values(report, ["urgency"]) or []),
        channel=query.choice("channel", allowed_values(report, ["channel"]) or []),
        text=query.text("q"),
        since=_date(query, "from"),
        until=_date(query, "to"),
        step=query.text("step") if step else None,
        status=query.choice("status", STATUSES) if status else None,
    )
    page_no = query.integer("page", 1, 1, MAX_PAGE)
    per_page = query.integer("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    query.check()
    return filters, page_no, per_page


def _date(query: Query, name: str) -> date | None:
    if request.args.get(name) == "":  # not absent, and not a date either
        query.errors.append(FieldError(name, f"参数 {name} 为空：不筛选时请省略该参数"))
        return None
    try:
        return parse_date(query.text(name), name)
    except InvalidInput as e:
        query.errors.extend(e.errors)
        return None


def _run(
    listing: Any, filters: ListFilter, page_no: int, per_page: int, as_json: Any
) -> dict[str, Any]:
    with request_session() as db:
        try:
            page: ListPage = listing(db, g.user, filters, page=page_no, per_page=per_page)
        except InvalidInput as e:  # the query's own checks: still a bad parameter
            raise ApiError(400, "invalid_parameter", str(e), fields=fields_json(e.errors)) from e
        items = [as_json(row) for row in page.rows]
    return {
        "items": items,
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "pages": page.pages,
    }


def _done_json(row: DoneRow) -> dict[str, Any]:
    return {**task_json(row.task, row.case), "process_id": row.process_id}


def _case_json(row: UnitCaseRow) -> dict[str, Any]:
    case = row.case
    return {
        **case_summary(case),
        "process_id": row.process_id,
        "created_at": instant(case.created_at),
        "ended_at": instant(case.ended_at),
        "open_steps": [step_json(t) for t in row.open_steps],
        "light": row.light,
    }
