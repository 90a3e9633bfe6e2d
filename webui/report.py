"""Reporting an event (报送): the center's posts on their own channels, a unit's 办理人 for
its patrol (E1, E11); the form is forms/report_event.json, the case number shown after."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import FormInvalid, PermissionDenied
from engine.people.access_rule import check_may_change, report_channels
from engine.time.clock import SHANGHAI

from .auth import signed_in
from .extensions import current_jtflow
from .form_fields import data_from, fields_for, form_problems

report = Blueprint("report", __name__)

FORM = "report_event"
# the order a seat takes an event down in: where it came from and how urgent, when and
# where, which facility, then what happened
ORDER = ("channel", "urgency", "discovered_at", "location", "facility", "title", "description")


@report.route("/report", methods=["GET", "POST"])
@signed_in
def new() -> Any:
    engine = current_jtflow()
    check_may_change(g.user)
    channels = report_channels(g.user)
    if not channels:
        raise PermissionDenied(
            f"{g.user.username} 不能报送事件：事件由监测中心各岗位或业务单位办理人报送（E1、E11）"
        )
    schema = engine.forms.schema(FORM)
    errors: dict[str, str] = {}
    problems: list[str] = []
    if request.method == "POST":
        values = data_from(schema, request.form)
        try:
            case = engine.report_event(values, reporter=g.user.username)
        except FormInvalid as e:
            errors, problems = form_problems(schema, e)
        else:
            flash(_("已报送，案件编号 %(case_no)s", case_no=case.case_no), "notice")
            return redirect(url_for("case.show", case_no=case.case_no))
    else:
        now = engine.clock.now().astimezone(SHANGHAI).replace(second=0, microsecond=0)
        values = {"channel": channels[0], "discovered_at": now.isoformat()}
    fields = fields_for(schema, values, errors, choices={"channel": channels})
    fields.sort(key=lambda f: ORDER.index(f.name) if f.name in ORDER else len(ORDER))
    return render_template(
        "report.html", fields=fields, problems=problems, title=schema.get("title")
    ), (422 if problems else 200)
