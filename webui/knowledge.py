"""Knowledge base pages (O2): search the entries, read one with every earlier version and the
cases that used it, edit it as a new version (the center's 投诉受理岗), register a change of
duty or policy whose new knowledge is due, and link an entry on an event case. The rules
are engine.knowledge's; here they are forms and names."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from engine import knowledge as service
from engine.errors import FormInvalid, InvalidInput, NotFound, PermissionDenied
from engine.models import Instance
from engine.people.access_rule import CENTER, check_may_change, reads_everything
from engine.people.starting import EXTERNAL, may_report_change

from .auth import signed_in
from .extensions import current_jtflow, request_session
from .form_fields import data_from, fields_for, form_problems

knowledge = Blueprint("knowledge", __name__, url_prefix="/knowledge")
FIELDS = ("title", "category", "question", "answer", "basis", "keywords", "unit_code")


def _check_reader() -> None:
    if g.user.unit_code == EXTERNAL:
        raise PermissionDenied(f"{g.user.username} 不能查看知识库：知识库供政务部门使用（S1）")


def knowledge_links(db: Session, case: Instance) -> dict[str, Any]:
    """What the case and task pages show of an event case's entries, and whether the reader
    may link one (a person who may change things; the case is already visible to them)."""
    if not service.is_event_case(case):
        return {}
    return {
        "knowledge_links": service.links_of_case(db, case.id),
        "may_link_knowledge": not reads_everything(g.user) and g.user.unit_code != EXTERNAL,
    }


@knowledge.get("")
@signed_in
def index() -> Any:
    """检索知识库, and the knowledge cases of the reader's unit (the center, auditors: all)."""
    _check_reader()
    words = request.args.get("q", "").strip()[:200]
    category = request.args.get("category", "").strip()[:100] or None
    everything = reads_everything(g.user) or g.user.unit_code == CENTER
    with request_session() as db:
        found = service.search(db, words, category)
        cases = service.changes_of_unit(
            db, None if everything else g.user.unit_code, current_jtflow().clock.now()
        )
    return render_template(
        "knowledge.html",
        found=found,
        words=words,
        category=category or "",
        cases=cases,
        may_edit=service.may_edit(g.user),
        may_report=may_report_change(g.user),
    )


@knowledge.get("/<int:entry_id>")
@signed_in
def show(entry_id: int) -> Any:
    _check_reader()
    return _entry_page(entry_id, may_edit=service.may_edit(g.user))


def _entry_page(
    entry_id: int, *, may_edit: bool, values: dict[str, str] | None = None, problems: Any = ()
) -> str:
    """An entry at its current version with its cases; the edit form holds `values` (by
    default the current version's)."""
    with request_session() as db:
        versions = service.versions_of(db, entry_id)
        cases = service.cases_of_entry(db, entry_id)
    return render_template(
        "knowledge_entry.html",
        entry_id=entry_id,
        shown=versions[0],
        versions=versions,
        cases=cases,
        may_edit=may_edit,
        values=values or {name: getattr(versions[0], name) for name in FIELDS},
        problems=list(problems),
    )


@knowledge.get("/<int:entry_id>/versions/<int:version>")
@signed_in
def version(entry_id: int, version: int) -> Any:
    """An earlier version, as it was written."""
    _check_reader()
    with request_session() as db:
        versions = service.versions_of(db, entry_id)
    shown = next((v for v in versions if v.version == version), None)
    if shown is None:
        raise NotFound(f"知识条目 {entry_id} 没有第 {version} 版")
    return render_template(
        "knowledge_entry.html",
        entry_id=entry_id,
        shown=shown,
        versions=versions,
        cases=[],
        may_edit=False,
        values={},
        problems=[],
    )


@knowledge.route("/new", methods=["GET", "POST"])
@signed_in
def new() -> Any:
    return _edit(0)


@knowledge.post("/<int:entry_id>")
@signed_in
def edit(entry_id: int) -> Any:
    return _edit(entry_id)


def _edit(entry_id: int) -> Any:
    """修订条目 (or 新增条目): each save is a new version; what was typed stays on a refusal."""
    engine = current_jtflow()
    check_may_change(g.user)
    if not service.may_edit(g.user):
        raise PermissionDenied(f"{g.user.username} 不能修订知识库：由监测中心投诉受理岗维护（O2）")
    values = {name: request.form.get(name, "") for name in FIELDS}
    problems: list[str] = []
    if request.method == "POST":
        try:
            written = service.edit_entry(
                engine,
                entry_id,
                values,
                editor=g.user.username,
                note=request.form.get("note", ""),
            )
        except InvalidInput as e:
            problems = [str(e)]
        else:
            flash(_("已保存为第 %(version)d 版", version=written.version), "notice")
            return redirect(url_for("knowledge.show", entry_id=written.entry_id))
    if entry_id:
        return _entry_page(entry_id, may_edit=True, values=values, problems=problems), 422
    return render_template(
        "knowledge_entry.html",
        entry_id=0,
        shown=None,
        versions=[],
        cases=[],
        may_edit=True,
        values=values,
        problems=problems,
    ), (422 if problems else 200)


@knowledge.route("/changes/new", methods=["GET", "POST"])
@signed_in
def new_change() -> Any:
    """登记职能或政策调整: the unit's new knowledge is then due within 5 working days."""
    engine = current_jtflow()
    check_may_change(g.user)
    if not may_report_change(g.user):
        raise PermissionDenied(
            f"{g.user.username} 不能登记职能或政策调整：由单位的办理人、单位领导、数据资源管理员"
            "或监测中心投诉受理岗登记（S1、O2）"
        )
    schema = engine.forms.schema(service.POLICY_FORM)
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    problems: list[str] = []
    if request.method == "POST":
        values = data_from(schema, request.form)
        try:
            case = service.report_policy_change(engine, values, reporter=g.user.username)
        except FormInvalid as e:
            errors, problems = form_problems(schema, e)
        except InvalidInput as e:
            problems = [str(e)]
        else:
            flash(_("已登记，案件编号 %(case_no)s", case_no=case.case_no), "notice")
            return redirect(url_for("case.show", case_no=case.case_no))
    fields = fields_for(schema, values, errors)
    return render_template("knowledge_change_new.html", fields=fields, problems=problems), (
        422 if problems else 200
    )


@knowledge.post("/link/<case_no>")
@signed_in
def link(case_no: str) -> Any:
    """关联条目 on an event case: back to where the handler was."""
    engine = current_jtflow()
    try:
        entry_id = int(request.form.get("entry_id", ""))
    except ValueError:
        raise InvalidInput("请填写知识库条目编号（数字）") from None
    made = service.link_entry(engine, case_no, entry_id, username=g.user.username)
    flash(_("已关联知识库条目 %(entry)d", entry=made.entry_id), "notice")
    back = request.referrer or url_for("case.show", case_no=case_no)
    return redirect(
        back if back.startswith(request.host_url) else url_for("case.show", case_no=case_no)
    )
