"""The auditor's pages (S1, S2): case search with CSV/XLSX export, a case stepped through
event by event as its replay saw it, and a case's dossier (printable page and JSON).

The search and its exports are for auditors (审计员) only; the step view and the dossier
follow the case's reading rule (engine.people.visibility): an auditor, or a unit the case
involves. Anyone else gets the 403 page, logged. Every export is in the access log as
"export", one row per case exported, so a case's readers list shows who took it away.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from engine.definitions.case_diagram import version_of
from engine.definitions.element_names import element_names
from engine.errors import JtflowError, NotFound, PermissionDenied
from engine.models import HistoryEvent
from engine.people.access_rule import reads_everything
from engine.people.accounts import log_access
from engine.record.case_search import (
    LIGHTS,
    CaseFilter,
    CasePage,
    all_matching,
    parse_date,
    search_cases,
    unit_choices,
)
from engine.record.dossier import case_dossier
from engine.replay import replay_case
from engine.run.history import case_history

from .auth import signed_in
from .case_export import as_csv, as_xlsx
from .diagram import viewer_installed
from .extensions import current_jtflow, request_session
from .labels import LIGHT
from .reading import reading_case

audit = Blueprint("audit", __name__, url_prefix="/audit")

FILTERS = ("case_no", "channel", "unit", "urgency", "light", "from", "to", "q")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _auditors_only() -> None:
    if not reads_everything(g.user):
        raise PermissionDenied(f"{g.user.username} 不是审计员：案件查询与导出仅限审计员（S1）")


def _filters(args: MultiDict[str, str]) -> CaseFilter:
    return CaseFilter(
        case_no=args.get("case_no") or None,
        channel=args.get("channel") or None,
        unit=args.get("unit") or None,
        urgency=args.get("urgency") or None,
        light=args.get("light") or None,
        reported_from=parse_date(args.get("from"), "from"),
        reported_to=parse_date(args.get("to"), "to"),
        text=args.get("q") or None,
    )


@audit.get("/cases")
@signed_in
def cases() -> Any:
    _auditors_only()
    args = request.args
    error = None
    with request_session() as db:
        try:
            page = search_cases(
                db,
                _filters(args),
                page=args.get("page", 1, type=int) or 1,
                per_page=args.get("per_page", 25, type=int) or 25,
            )
        except JtflowError as e:  # a bad date or light: said on the page, the form kept
            error, page = str(e), CasePage(rows=[], total=0, page=1, per_page=25)
        units = unit_choices(db)
    query = {name: args.get(name, "") for name in FILTERS}
    kept: dict[str, Any] = {k: v for k, v in query.items() if v}
    page_html = render_template(
        "audit_cases.html",
        page=page,
        error=error,
        filters=query,
        units=units,
        lights={k: LIGHT[k] for k in LIGHTS},
        page_url=lambda n: url_for("audit.cases", **{**kept, "page": n}),
        export_url=lambda fmt: url_for("audit.export", **{**kept, "fmt": fmt}),
    )
    return page_html, 422 if error else 200


@audit.get("/cases.<any(csv, xlsx):fmt>")
@signed_in
def export(fmt: str) -> Any:
    """The whole search (every page) as a spreadsheet; each case exported is logged."""
    _auditors_only()
    engine = current_jtflow()
    now = engine.clock.now()
    with request_session() as db:
        rows = all_matching(db, _filters(request.args))
        detail = f"{fmt.upper()} 查询导出：{request.query_string.decode()[:300]}"
        for row in rows:
            target = ("case", row.case.case_no or str(row.case.id))
            log_access(
                db, now, g.user.username, "export", allowed=True, target=target, detail=detail
            )
        body = as_csv(rows) if fmt == "csv" else as_xlsx(rows)
        db.commit()
    stamp = now.strftime("%Y%m%d-%H%M%S")
    mimetype = "text/csv; charset=utf-8" if fmt == "csv" else XLSX
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="cases-{stamp}.{fmt}"'},
    )


@audit.get("/cases/<case_no>/steps")
@signed_in
def first_step(case_no: str) -> Any:
    return steps(case_no, 1)


@audit.get("/cases/<case_no>/steps/<int:k>")
@signed_in
def steps(case_no: str, k: int) -> Any:
    """The case at step k: the event, the diagram's tokens, the data and lights as they stood."""
    with reading_case(case_no) as (db, case):
        history = case_history(db, case.id)
        step_names = element_names(db, case)
        if not 1 <= k <= len(history):
            raise NotFound(f"案件 {case.case_no} 只有第 1 至 {len(history)} 步")
        event = history[k - 1]
        version = version_of(db, event.definition_id)  # a migrated case: the version then
    state, divergence, refused = None, None, None
    removed_files: tuple[str, ...] = ()
    try:
        replay = replay_case(current_jtflow(), case.case_no or case.id, until=k)
        state, divergence = replay.state, replay.divergence
        removed_files = replay.removed_files
    except JtflowError as e:  # a history this replay cannot re-execute: said, not a 500
        refused = str(e)
    return render_template(
        "audit_steps.html",
        case=case,
        k=k,
        event=event,
        history=history,
        state=state,
        divergence=divergence,
        refused=refused,
        removed_files=removed_files,
        progress=_progress_at(history[:k], state),
        step_names=step_names,
        viewer=viewer_installed(),
        diagram_url=url_for("diagram.case_diagram", case_no=case.case_no, version=version),
    )


def _progress_at(events: list[HistoryEvent], state: dict[str, Any] | None) -> dict[str, Any]:
    """Diagram markers at step k: passed elements from the history so far, the open tasks
    and waiting timers from the replayed state."""
    now_open = sorted(
        {t["element_id"] for t in (state or {}).get("open_tasks", [])}
        | {t["element_id"] for t in (state or {}).get("waiting_timers", [])}
    )
    done = {
        e.element_id
        for e in events
        if e.element_id and e.kind in ("task_completed", "timer_fired", "case_ended")
    }
    return {"done": sorted(done - set(now_open)), "open": now_open}


@audit.get("/cases/<case_no>/dossier")
@signed_in
def dossier(case_no: str) -> Any:
    """The case's dossier as a printable page (print styles hide the header and links)."""
    with reading_case(case_no, how="export") as (db, case):
        facts = case_dossier(db, case)
        history = case_history(db, case.id)
        names = element_names(db, case)
    return render_template(
        "audit_dossier.html",
        case=case,
        dossier=facts,
        history=history,
        step_names=names,
        printed_at=current_jtflow().clock.now(),
        title=_("案件档案"),
    )


@audit.get("/cases/<case_no>/dossier.json")
@signed_in
def dossier_json(case_no: str) -> Any:
    from flask import jsonify

    with reading_case(case_no, how="export") as (db, case):
        body = case_dossier(db, case)
    response = jsonify(body)
    response.headers["Content-Disposition"] = f'attachment; filename="{case.case_no}.json"'
    return response
