"""Market applications (M1–M5) for external applicants: the application with its four
documents uploaded in one form, and the applicant's own applications. The steps after
(supplement, real-name registration, usage report) are ordinary tasks on the task page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from engine.data.categories import category_name
from engine.data.market_rules import DOCUMENTS, open_to_applicants, required_documents
from engine.errors import InvalidInput, PermissionDenied
from engine.market import FORM, applications_of, apply
from engine.models import Organisation
from engine.people.access_rule import check_may_change
from engine.people.starting import may_apply_to_market

from .attachments import upload_chosen
from .auth import signed_in
from .extensions import current_jtflow, request_session
from .form_fields import errors_by_field

market = Blueprint("market", __name__, url_prefix="/market")


def _check_applicant() -> None:
    check_may_change(g.user)
    if not may_apply_to_market(g.user):
        raise PermissionDenied(
            f"{g.user.username} 不是外部申请人：市场化应用由高等院校、科研院所等政务部门以外单位申请（M1）"
        )


@market.get("")
@signed_in
def mine() -> Any:
    """The applicant's own applications, newest first."""
    _check_applicant()
    with request_session() as db:
        cases = applications_of(db, g.user.username)
    return render_template("market_mine.html", cases=cases)


@market.route("/new", methods=["GET", "POST"])
@signed_in
def new() -> Any:
    _check_applicant()
    engine = current_jtflow()
    schema = engine.forms.schema(FORM)
    values: dict[str, Any] = {"by_agent": False}
    errors: dict[str, str] = {}
    problems: list[str] = []
    if request.method == "POST":
        values = application_from(request.form)
        try:
            documents = _uploaded_documents()
            case = apply(engine, values, documents, applicant=g.user.username)
        except InvalidInput as e:
            errors, loose = errors_by_field(
                {"properties": {**schema["properties"], "attachments": _documents_schema()}},
                e.errors,
            )
            problems = [_("申请未提交：%(detail)s", detail=str(e)), *loose]
        else:
            flash(_("申请已提交，案件编号 %(case_no)s", case_no=case.case_no), "notice")
            return redirect(url_for("case.show", case_no=case.case_no))
    with request_session() as db:
        resources = open_to_applicants(db)
        providers = {o.code: o.name for o in db.query(Organisation)}
        categories = {r.category: category_name(r.category) for r in resources}
    return render_template(
        "market_new.html",
        schema=schema,
        resources=resources,
        providers=providers,
        categories=categories,
        values=values,
        errors=errors,
        problems=problems,
        documents=DOCUMENTS,
        required={False: required_documents(False), True: required_documents(True)},
    ), (422 if problems else 200)


def application_from(form: MultiDict[str, str]) -> dict[str, Any]:
    """The posted fields as the application the engine checks (forms/market_application.json):
    data items one per line, the resource as its id, the agent box as a boolean."""
    values: dict[str, Any] = {
        name: form.get(name, "").strip()
        for name in (
            "organisation",
            "credit_code",
            "purpose",
            "purpose_detail",
            "scope",
            "period_start",
            "period_end",
        )
    }
    values["data_items"] = [line.strip() for line in form.get("data_items", "").splitlines()]
    values["data_items"] = [item for item in values["data_items"] if item]
    resource = form.get("resource_id", "").strip()
    values["resource_id"] = int(resource) if resource.isdigit() and len(resource) < 10 else resource
    values["by_agent"] = form.get("by_agent") == "true"
    return {k: v for k, v in values.items() if v not in ("", None)}


def _uploaded_documents() -> dict[str, int]:
    """Each chosen document uploaded as the applicant's: kind → attachment id. A refused
    file names its field."""
    chosen = upload_chosen([(f"doc_{kind}", kind, f"attachments.{kind}") for kind in DOCUMENTS])
    return {kind: chosen[f"doc_{kind}"] for kind in DOCUMENTS if f"doc_{kind}" in chosen}


def _documents_schema() -> dict[str, Any]:
    return {"type": "object", "properties": {kind: {} for kind in DOCUMENTS}}
