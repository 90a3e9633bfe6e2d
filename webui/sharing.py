"""Sharing pages (D3–D7): request a catalogue entry, my unit's requests, the grants a unit
holds or provides (revoke, use, ask for a 校核). The rules are engine.sharing's; here they
are forms and names."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine import sharing as service
from engine.data import grants
from engine.errors import FormInvalid, InvalidInput
from engine.models import Resource
from engine.people.access_rule import CENTER, check_may_change, reads_everything
from engine.people.starting import may_request_sharing

from .auth import signed_in
from .extensions import current_jtflow, request_session
from .form_fields import Field, data_from, fields_for, form_problems
from .labels import SERVICE_MODE, SHARE_TYPE

sharing = Blueprint("sharing", __name__, url_prefix="/sharing")


@sharing.app_context_processor
def _may_request() -> dict[str, Any]:
    """`may_request_sharing()` for templates: the catalogue entry's request link (D3–D5)."""
    return {
        "may_request_sharing": lambda: g.get("user") is not None and may_request_sharing(g.user)
    }


def _resource_id() -> int:
    raw = request.values.get("resource", "")
    if not raw.isascii() or not raw.isdigit():
        abort(400, _("请从资源目录选择要申请的资源（缺少 resource 参数）"))
    return int(raw)


@sharing.route("/new", methods=["GET", "POST"])
@signed_in
def new() -> Any:
    """共享申请 from a catalogue entry: scope, purpose, data items and service mode (D4)."""
    engine = current_jtflow()
    check_may_change(g.user)
    if "resource" not in request.values:  # from the start page: choose the resource first
        with request_session() as db:
            offered = service.requestable(db, g.user)
        return render_template("sharing_pick.html", resources=offered)
    resource_id = _resource_id()
    with request_session() as db:
        resource = service.find_resource(db, resource_id)
    schema = engine.forms.schema(service.REQUEST_FORM)
    errors: dict[str, str] = {}
    problems: list[str] = []
    values: dict[str, Any] = {}
    if request.method == "POST":
        values = data_from(schema, request.form)
        lines = request.form.get("data_items", "").splitlines()
        values["data_items"] = [line.strip() for line in lines if line.strip()]
        try:
            case = service.request_sharing(engine, resource_id, values, requester=g.user.username)
        except FormInvalid as e:
            errors, problems = form_problems(schema, e)
        except InvalidInput as e:
            problems = [str(e)]
        else:
            flash(_("已提交共享申请，案件编号 %(case_no)s", case_no=case.case_no), "notice")
            return redirect(url_for("case.show", case_no=case.case_no))
    shown = {k: v for k, v in values.items() if k != "data_items"}
    fields = [
        f
        for f in fields_for(schema, shown, errors, choices={"service_mode": resource.share_modes})
        if f.name != "data_items"
    ]
    items = schema["properties"]["data_items"]
    fields.insert(
        2,
        Field(
            name="data_items",
            title=items["title"],
            kind="textarea",
            required=True,
            description=items.get("description"),
            value="\n".join(values.get("data_items", [])),
            error=errors.get("data_items"),
        ),
    )
    return render_template(
        "sharing_new.html",
        resource=resource,
        fields=fields,
        problems=problems,
        share_types=SHARE_TYPE,
    ), (422 if problems else 200)


@sharing.get("/requests")
@signed_in
def requests() -> Any:
    """My unit's requests: those it made and those it must answer (the center sees all)."""
    with request_session() as db:
        if reads_everything(g.user) or g.user.unit_code == CENTER:
            cases = service.requests_of_unit(db, None)
        else:
            cases = service.requests_of_unit(db, g.user.unit_code)
    return render_template("sharing_requests.html", cases=cases, modes=SERVICE_MODE)


@sharing.get("/grants")
@signed_in
def grant_list() -> Any:
    """The grants a unit holds or provides; the center and auditors see all (D6)."""
    with request_session() as db:
        everything = reads_everything(g.user) or g.user.unit_code == CENTER
        rows = grants.grants_of_unit(db, None if everything else g.user.unit_code)
        revocable = {
            grant.id
            for grant, _resource in rows
            if grant.revoked_at is None and grants.may_revoke(db, g.user, grant)
        }
    mine = grants.grantee_of(g.user)
    return render_template(
        "sharing_grants.html",
        rows=rows,
        revocable=revocable,
        mine=mine,
        modes=SERVICE_MODE,
    )


@sharing.post("/grants/<int:grant_id>/revoke")
@signed_in
def revoke(grant_id: int) -> Any:
    check_may_change(g.user)
    try:
        service.revoke(
            current_jtflow(), grant_id, request.form.get("reason", ""), actor=g.user.username
        )
    except InvalidInput as e:
        flash(str(e), "error")
    else:
        flash(_("已撤销授权 %(id)s", id=grant_id), "notice")
    return redirect(url_for("sharing.grant_list"))


@sharing.post("/grants/<int:grant_id>/use")
@signed_in
def use(grant_id: int) -> Any:
    """使用数据 under a grant: checked (and logged) against purpose and service mode."""
    engine = current_jtflow()
    with request_session() as db:
        grant = grants.find_grant(db, grant_id)
        resource_id, mode = grant.resource_id, grant.service_mode
    purpose = request.form.get("purpose", "")
    service.use_data(engine, resource_id, purpose, mode, username=g.user.username)
    flash(_("已核验授权，可按授权用途和服务方式使用数据"), "notice")
    return redirect(url_for("sharing.grant_list"))


@sharing.route("/grants/<int:grant_id>/check", methods=["GET", "POST"])
@signed_in
def check(grant_id: int) -> Any:
    """校核 (D7): the requester's doubt, sent to the provider as a task with a deadline."""
    check_may_change(g.user)
    engine = current_jtflow()
    with request_session() as db:
        grant = grants.find_grant(db, grant_id)
        resource = db.get(Resource, grant.resource_id)
    problem = None
    if request.method == "POST":
        try:
            case = service.request_check(
                engine, grant_id, request.form.get("doubt", ""), requester=g.user.username
            )
        except InvalidInput as e:
            problem = str(e)
        else:
            flash(_("已提交校核申请，案件编号 %(case_no)s", case_no=case.case_no), "notice")
            return redirect(url_for("case.show", case_no=case.case_no))
    return render_template("sharing_check.html", grant=grant, resource=resource, problem=problem), (
        422 if problem else 200
    )
