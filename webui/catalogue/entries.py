"""The catalogue's pages (D1, D2, O5): browse and search for everyone signed in, an entry
with its fields by name, change log and overdue badge, the form a unit's data administrator
keeps its entries with, and the center's review. The rules are engine.data.catalogue's;
here the forms (CSRF like every form), errors inline, and the engine's refusals as pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.data import catalogue as service
from engine.data.administrators import PROVIDING_UNITS, administers, is_catalogue_post
from engine.data.catalogue_search import CataloguePage, CatalogueQuery, search
from engine.data.fields import EDITABLE
from engine.data.overdue import freshness, overdue_of_unit
from engine.errors import InvalidInput
from engine.models import Organisation, Resource
from engine.notices import interrupted
from engine.people.access_rule import reads_everything

from ..auth import signed_in
from ..extensions import current_jtflow, request_session
from .blueprint import catalogue

FILTERS = ("q", "category", "unit", "share_type", "status")
PER_PAGE = 20


@catalogue.get("")
@signed_in
def index() -> Any:
    args = request.args
    query = CatalogueQuery(
        **{name: args.get(name) or None for name in FILTERS},
        page=max(1, args.get("page", 1, type=int) or 1),
        per_page=PER_PAGE,
    )
    engine = current_jtflow()
    now = engine.clock.now()
    with request_session() as db:
        late = overdue_of_unit(db, engine.calendar, g.user.unit_code, now)
        try:
            if args.get("overdue"):  # the unit's own entries past their 更新时限
                rows = [(r, g.user.unit_code) for r, _state in late]
                page = CataloguePage(rows, len(rows), 1, max(1, len(rows)))
            else:
                page = search(db, g.user, query)
        except InvalidInput as e:
            flash(str(e), "error")
            return redirect(url_for(".index"))
        units = _providing_units(db)
        stopped = interrupted(db)
        may_add = administers(db, g.user, g.user.unit_code) and not reads_everything(g.user)
    overdue = {
        r.id
        for r, _unit in page.rows
        if _sees_freshness(r) and freshness(engine.calendar, r, now).overdue
    }
    return render_template(
        "catalogue_index.html",
        page=page,
        overdue=overdue,
        interrupted=stopped,
        late_count=len(late),
        overdue_view=bool(args.get("overdue")),
        units=units,
        filters={name: args.get(name, "") for name in FILTERS},
        may_add=may_add,
        reviewer=is_catalogue_post(g.user),
        page_url=lambda n: url_for(".index") + "?" + urlencode({**args.to_dict(), "page": n}),
    )


@catalogue.get("/<int:resource_id>")
@signed_in
def show(resource_id: int) -> Any:
    engine = current_jtflow()
    with request_session() as db:
        resource = service.read_resource(db, g.user, resource_id)
        changes = service.changes_of(db, resource.id)
        maintainer = service.may_maintain(db, g.user, resource)
        notices = interrupted(db).get(resource.id, [])
    state = freshness(engine.calendar, resource, engine.clock.now())
    return render_template(
        "catalogue_show.html",
        resource=resource,
        changes=changes,
        maintainer=maintainer,
        reviewer=is_catalogue_post(g.user) and resource.status == "submitted",
        freshness=state if _sees_freshness(resource) else None,
        other_unit=resource.provider_unit != g.user.unit_code,
        notices=notices,  # the open interface notices interrupting it (O1, O3)
        sees_notices=_sees_freshness(resource),
    )


@catalogue.route("/new", methods=["GET", "POST"])
@signed_in
def new() -> Any:
    engine = current_jtflow()
    with request_session() as db:
        service.check_maintainer(db, g.user, g.user.unit_code, "新增资源")
        if request.method == "GET":
            return _form(None, {"share_modes": []})
        given = _given()
        try:
            resource = service.create(db, g.user, engine.clock.now(), given)
        except InvalidInput as e:
            db.rollback()
            return _form(None, given, e), 422
        db.commit()
        resource_id = resource.id
    flash(_("已保存为草稿；确认无误后请提交审核"), "notice")
    return redirect(url_for(".show", resource_id=resource_id))


@catalogue.route("/<int:resource_id>/edit", methods=["GET", "POST"])
@signed_in
def edit(resource_id: int) -> Any:
    engine = current_jtflow()
    with request_session() as db:
        resource = service.read_resource(db, g.user, resource_id)
        service.check_maintainer(db, g.user, resource.provider_unit, "修改资源")
        if request.method == "GET":
            current = {f: getattr(resource, f) for f in EDITABLE}
            return _form(resource, current)
        given = _given()
        try:
            changed = service.edit(db, g.user, engine.clock.now(), resource_id, given)
        except InvalidInput as e:
            db.rollback()
            return _form(resource, given, e), 422
        db.commit()
    if changed:
        flash(_("已保存修改；修改后的条目须重新提交审核"), "notice")
    else:
        flash(_("没有改动"), "notice")
    return redirect(url_for(".show", resource_id=resource_id))


@catalogue.post("/<int:resource_id>/submit")
@signed_in
def submit(resource_id: int) -> Any:
    return _act(resource_id, service.submit, _("已提交监测中心审核"))


@catalogue.post("/<int:resource_id>/publish")
@signed_in
def publish(resource_id: int) -> Any:
    return _act(resource_id, service.publish, _("已发布到资源目录"))


@catalogue.post("/<int:resource_id>/data-updated")
@signed_in
def data_updated(resource_id: int) -> Any:
    return _act(resource_id, service.record_data_update, _("已登记数据更新"))


@catalogue.post("/<int:resource_id>/return")
@signed_in
def send_back(resource_id: int) -> Any:
    engine = current_jtflow()
    reason = request.form.get("reason", "")
    with request_session() as db:
        try:
            service.send_back(db, g.user, engine.clock.now(), resource_id, reason)
        except InvalidInput as e:
            db.rollback()
            flash(str(e), "error")
            return redirect(url_for(".show", resource_id=resource_id))
        db.commit()
    flash(_("已退回提供单位"), "notice")
    return redirect(url_for(".review"))


@catalogue.get("/review")
@signed_in
def review() -> Any:
    with request_session() as db:
        queue = service.review_queue(db, g.user)
    return render_template("catalogue_review.html", queue=queue)


def _act(resource_id: int, action: Any, done: str) -> Any:
    engine = current_jtflow()
    with request_session() as db:
        action(db, g.user, engine.clock.now(), resource_id)
        db.commit()
    flash(done, "notice")
    return redirect(url_for(".show", resource_id=resource_id))


def _given() -> dict[str, Any]:
    form = request.form
    given: dict[str, Any] = {f: form.get(f, "") for f in EDITABLE if f != "share_modes"}
    given["share_modes"] = form.getlist("share_modes")
    return given


def _form(
    resource: Resource | None, values: dict[str, Any], error: InvalidInput | None = None
) -> str:
    errors = {f.field: f.message for f in error.errors} if error else {}
    if error and not errors:
        errors["name"] = str(error)
    return render_template("catalogue_form.html", resource=resource, values=values, errors=errors)


def _providing_units(db: Any) -> list[Organisation]:
    found = {o.code: o for o in db.query(Organisation) if o.code in PROVIDING_UNITS}
    return [found[code] for code in PROVIDING_UNITS if code in found]


def _sees_freshness(resource: Resource) -> bool:
    """Overdue shows to the providing unit, and to the center's post and auditors."""
    return resource.provider_unit == g.user.unit_code or service.sees_all(g.user)
