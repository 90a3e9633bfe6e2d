"""The handler's lists beside the inbox (issue 16, S1): 办理过的, the tasks I completed, and
本单位案件, the cases my unit has or had a task in; with the inbox's filters, by process,
case, text and dates, paged. The queries are engine.handler_lists', shared with the API."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from engine.definitions.element_names import process_choices
from engine.errors import JtflowError
from engine.handler_lists import (
    ListFilter,
    ListPage,
    done_steps,
    done_tasks_page,
    unit_cases_page,
)
from engine.record.case_search import parse_date

from .auth import signed_in
from .extensions import request_session

handler_lists = Blueprint("handler_lists", __name__)

FILTERS = ("process", "urgency", "channel", "q", "from", "to", "step", "status")


def list_filter(args: MultiDict[str, str]) -> ListFilter:
    """The filters of a list page's query; a malformed date raises InvalidInput naming it."""
    return ListFilter(
        process=args.get("process") or None,
        urgency=args.get("urgency") or None,
        channel=args.get("channel") or None,
        text=args.get("q") or None,
        since=parse_date(args.get("from"), "from"),
        until=parse_date(args.get("to"), "to"),
        step=args.get("step") or None,
        status=args.get("status") or None,
    )


@handler_lists.get("/done")
@signed_in
def done() -> Any:
    """办理过的: what I completed, the latest first, each linking to its case."""
    return _list("done_tasks.html", "handler_lists.done", done_tasks_page, with_steps=True)


@handler_lists.get("/unit-cases")
@signed_in
def unit_cases() -> Any:
    """本单位案件: the cases my unit has or had work in, where each stands now."""
    return _list("unit_cases.html", "handler_lists.unit_cases", unit_cases_page)


def _list(template: str, endpoint: str, query: Any, *, with_steps: bool = False) -> Any:
    args = request.args
    error = None
    with request_session() as db:
        try:
            page = query(
                db,
                g.user,
                list_filter(args),
                page=args.get("page", 1, type=int) or 1,
                per_page=args.get("per_page", 25, type=int) or 25,
            )
        except JtflowError as e:  # a bad date or page: said on the page, the form kept
            error, page = str(e), ListPage(rows=[], total=0, page=1, per_page=25)
        processes = process_choices(db)
        steps = done_steps(db, g.user) if with_steps else []
    filters = {name: args.get(name, "") for name in FILTERS}
    kept = {name: value for name, value in filters.items() if value}
    html = render_template(
        template,
        page=page,
        error=error,
        filters=filters,
        processes=processes,
        process_names=dict(processes),
        steps=steps,
        page_url=lambda n: url_for(endpoint, **{**kept, "page": n}),
    )
    return html, 422 if error else 200
