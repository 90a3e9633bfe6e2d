"""The handler's inbox: the open tasks of the user's unit and posts (SPEC §1, S1)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template

from .auth import signed_in

inbox = Blueprint("inbox", __name__)


@inbox.route("/")
@signed_in
def index() -> Any:
    from webui import current_jtflow

    rows = current_jtflow().tasks_for(g.user.username)
    return render_template("inbox.html", rows=rows)
