"""Interface notice pages (O1, O3): a unit files a notice for its own interfaces, and lists
its notices (the center and auditors: all), late ones marked. The steps after — the
center's receipt and confirmations, the unit's repair and back-fill — are ordinary tasks
on the task page. The rules are engine.notices'; here they are forms and names."""

from __future__ import annotations

import copy
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine import notices as service
from engine.errors import FormInvalid, InvalidInput, PermissionDenied
from engine.people.access_rule import CENTER, check_may_change, reads_everything
from engine.people.starting import EXTERNAL, may_file_notice

from .auth import signed_in
from .extensions import current_jtflow, request_session
from .form_fields import data_from, fields_for, form_problems

notices = Blueprint("notices", __name__, url_prefix="/notices")


@notices.get("")
@signed_in
def index() -> Any:
    """The unit's notices, newest first; the center and auditors see every unit's."""
    if g.user.unit_code == EXTERNAL:
        raise PermissionDenied(f"{g.user.username} 不能查看接口通知：接口通知属于政务部门（S1）")
    everything = reads_everything(g.user) or g.user.unit_code == CENTER
    with request_session() as db:
        cases = service.notices_of_unit(db, None if everything else g.user.unit_code)
    return render_template(
        "notices.html", cases=cases, notice_kinds=service.KINDS, may_file=may_file_notice(g.user)
    )


@notices.route("/new", methods=["GET", "POST"])
@signed_in
def new() -> Any:
    """报送通知: the form, its resources the unit's own published catalogue entries."""
    engine = current_jtflow()
    check_may_change(g.user)
    if not may_file_notice(g.user):
        raise PermissionDenied(
            f"{g.user.username} 不能报送接口通知：由数据提供单位报送本单位接口的通知（S1、O1）"
        )
    with request_session() as db:
        offered = service.resources_to_notify(db, g.user)
    schema = _with_resources(engine.forms.schema(service.FORM), offered)
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    problems: list[str] = []
    if request.method == "POST":
        values = data_from(schema, request.form)
        try:
            case = service.file_notice(engine, values, filer=g.user.username)
        except FormInvalid as e:
            errors, problems = form_problems(schema, e)
        except InvalidInput as e:
            problems = [str(e)]
        else:
            late = (
                _("（通知逾期，已记录）")
                if engine.case(case.case_id).facts.get("notice_late")
                else ""
            )
            flash(_("已报送通知，案件编号 %(case_no)s", case_no=case.case_no) + late, "notice")
            return redirect(url_for("case.show", case_no=case.case_no))
    fields = fields_for(schema, values, errors)
    return render_template(
        "notice_new.html", fields=fields, problems=problems, resources=offered
    ), (422 if problems else 200)


def _with_resources(schema: dict[str, Any], offered: list[Any]) -> dict[str, Any]:
    """The form with the unit's resources as the choices of 受影响的目录资源."""
    page = copy.deepcopy(schema)
    items = page["properties"]["resource_ids"]["items"]
    items["oneOf"] = [{"const": r.id, "title": r.name} for r in offered]
    return page
