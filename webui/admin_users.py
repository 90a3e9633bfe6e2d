"""The users page (S1): a 管理员 lists users, adds one with an initial password, resets a
password and disables an account; anyone else gets the logged 403 page. The rules are
engine.people.user_admin's; here the forms (CSRF like every form) and their errors inline."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import InvalidInput
from engine.people.reference import ROLES
from engine.people.user_admin import (
    all_users,
    check_administrator,
    create_user,
    disable,
    reset_password,
    units,
)

from .auth import signed_in
from .extensions import current_jtflow, request_session

admin_users = Blueprint("admin_users", __name__, url_prefix="/admin/users")


@admin_users.get("")
@signed_in
def index() -> Any:
    check_administrator(g.user)
    return _page()


@admin_users.post("")
@signed_in
def add() -> Any:
    check_administrator(g.user)
    engine = current_jtflow()
    form = request.form
    username, display_name = form.get("username", "").strip(), form.get("display_name", "")
    unit_code, roles = form.get("unit_code", ""), form.getlist("roles")
    new: dict[str, Any] = {
        "username": username,
        "display_name": display_name,
        "unit_code": unit_code,
        "roles": roles,
    }
    with request_session() as db:
        try:
            create_user(
                db,
                g.user,
                engine.clock.now(),
                username=username,
                display_name=display_name,
                unit_code=unit_code,
                roles=roles,
                password=form.get("password", ""),
            )
        except InvalidInput as e:
            db.rollback()
            return _page(new=new, errors={f.field: f.message for f in e.errors}), 422
        db.commit()
    flash(_("已添加用户 %(username)s", username=username), "notice")
    return redirect(url_for(".index"))


@admin_users.post("/<username>/password")
@signed_in
def password(username: str) -> Any:
    check_administrator(g.user)
    engine = current_jtflow()
    with request_session() as db:
        try:
            reset_password(
                db, g.user, engine.clock.now(), username, request.form.get("password", "")
            )
        except InvalidInput as e:
            return _page(row_errors={username: str(e)}), 422
        db.commit()
    flash(_("已重设 %(username)s 的密码", username=username), "notice")
    return redirect(url_for(".index"))


@admin_users.post("/<username>/disable")
@signed_in
def disable_account(username: str) -> Any:
    check_administrator(g.user)
    engine = current_jtflow()
    with request_session() as db:
        try:
            disable(db, g.user, engine.clock.now(), username)
        except InvalidInput as e:
            return _page(row_errors={username: str(e)}), 422
        db.commit()
    flash(_("已停用用户 %(username)s，其 API 令牌已撤销", username=username), "notice")
    return redirect(url_for(".index"))


def _page(
    new: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    row_errors: dict[str, str] | None = None,
) -> str:
    with request_session() as db:
        users, organisations = all_users(db), units(db)
    return render_template(
        "admin_users.html",
        users=users,
        units=organisations,
        unit_names={o.code: o.name for o in organisations},
        roles=ROLES,
        new=new or {"roles": []},
        errors=errors or {},
        row_errors=row_errors or {},
    )
