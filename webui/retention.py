"""The retention page (O4): what is past its class's minimum, removable or kept and why,
and the open audit holds, for administrators and auditors; an administrator removes what is
removable from here as with `jtflow retention apply --execute`. The rules are
engine.record.retention's."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from engine.record.retention import (
    CLASS_NAMES,
    KIND_NAMES,
    apply,
    check_reader,
    open_holds,
    plan,
)

from .attachments import current_store
from .auth import signed_in
from .extensions import current_jtflow, request_session

retention = Blueprint("retention", __name__, url_prefix="/admin/retention")


@retention.get("")
@signed_in
def index() -> Any:
    check_reader(g.user)
    with request_session() as db:
        made = plan(db, current_jtflow().clock.now())
        holds = open_holds(db)
    return render_template(
        "retention.html", plan=made, holds=holds, class_names=CLASS_NAMES, kind_names=KIND_NAMES
    )


@retention.post("/apply")
@signed_in
def remove() -> Any:
    """Remove what is removable now (a plan made at this instant, not the one shown)."""
    with request_session() as db:
        done = apply(db, current_store(), g.user, current_jtflow().clock.now())
    flash(_("已删除 %(count)s 项，每项已记入案件历史或访问日志", count=len(done.removed)))
    return redirect(url_for("retention.index"))
