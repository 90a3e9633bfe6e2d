"""The register of data administrators (O5): everyone signed in reads who keeps each unit's
catalogue and since when, with the history; the center's 数据资源管理岗 registers one, and
a change of staff with its reason (engine.data.administrators)."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.data.administrators import (
    PROVIDING_UNITS,
    check_catalogue_post,
    in_office,
    is_catalogue_post,
    register,
    register_rows,
)
from engine.errors import InvalidInput
from engine.models import Organisation

from ..auth import signed_in
from ..extensions import current_jtflow, request_session
from .blueprint import catalogue


@catalogue.get("/administrators")
@signed_in
def administrators() -> Any:
    return _page()


@catalogue.post("/administrators")
@signed_in
def register_administrator() -> Any:
    check_catalogue_post(g.user, "登记数据资源管理员")
    engine = current_jtflow()
    form = request.form
    given = {k: form.get(k, "").strip() for k in ("unit_code", "username", "phone", "reason")}
    with request_session() as db:
        try:
            register(db, g.user, engine.clock.now(), **given)
        except InvalidInput as e:
            db.rollback()
            return _page(given, {f.field: f.message for f in e.errors}), 422
        db.commit()
    flash(_("已登记 %(username)s 为数据资源管理员", username=given["username"]), "notice")
    return redirect(url_for(".administrators"))


def _page(given: dict[str, str] | None = None, errors: dict[str, str] | None = None) -> str:
    with request_session() as db:
        names = {o.code: o.name for o in db.query(Organisation)}
        rows = register_rows(db)
        current = {code: in_office(db, code) for code in PROVIDING_UNITS}
    return render_template(
        "data_administrators.html",
        rows=rows,
        current=current,
        units=[(code, names.get(code, code)) for code in PROVIDING_UNITS],
        may_register=is_catalogue_post(g.user),
        given=given or {},
        errors=errors or {},
    )
