"""The notifications page and the bell's look (issue 16): one's own notifications only,
marked read one by one or all at once, and the daily digest setting."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import InvalidInput
from engine.notify.delivery import CHANNELS
from engine.notify.digest_settings import digest_setting, set_digest
from engine.notify.reading import mark_all_read, mark_read, notes_page

from .auth import signed_in
from .extensions import current_jtflow, request_session
from .labels import said
from .notification_feed import CHANNEL, KIND, link, look, number

notifications = Blueprint("notifications", __name__)


@notifications.get("/notifications")
@signed_in
def index() -> Any:
    unread_only = request.args.get("show") == "unread"
    with request_session() as db:
        page = notes_page(
            db,
            g.user.username,
            unread_only=unread_only,
            page=request.args.get("page", 1, type=int) or 1,
        )
        setting = digest_setting(db, g.user.username)
    show = "unread" if unread_only else "all"
    return render_template(
        "notifications.html",
        page=page,
        show=show,
        kinds=KIND,
        setting=setting,
        channels={code: CHANNEL[code] for code in CHANNELS},
        page_url=lambda n: url_for("notifications.index", show=show, page=n),
    )


@notifications.get("/notifications/look")
def look_page() -> Any:
    """The bell's look for a signed-in page (the API has its own, with a token)."""
    if g.user is None:
        return {"error": "unauthorized"}, 401
    return look(g.user.username, number(request.args.get("after")))


@notifications.get("/notifications/<int:note_id>")
@signed_in
def open_note(note_id: int) -> Any:
    """A notification followed from the bell or the list: read now, on to its task or case."""
    with request_session() as db:
        shown = mark_read(db, g.user.username, note_id, current_jtflow().clock.now())
        db.commit()
    return redirect(link(shown))


@notifications.post("/notifications/<int:note_id>/read")
@signed_in
def read(note_id: int) -> Any:
    """Mark one read and stay on the list."""
    with request_session() as db:
        mark_read(db, g.user.username, note_id, current_jtflow().clock.now())
        db.commit()
    return redirect(url_for("notifications.index", show=request.form.get("show") or None))


@notifications.post("/notifications/read-all")
@signed_in
def read_all() -> Any:
    with request_session() as db:
        marked = mark_all_read(db, g.user.username, current_jtflow().clock.now())
        db.commit()
    flash(_("已将 %(count)d 条通知标为已读", count=marked))
    return redirect(url_for("notifications.index"))


@notifications.post("/notifications/digest")
@signed_in
def digest() -> Any:
    with request_session() as db:
        try:
            set_digest(
                db,
                g.user.username,
                request.form.get("digest_at") if request.form.get("digest") == "daily" else None,
                request.form.get("channel", "email"),
            )
        except InvalidInput as e:
            flash("；".join(said(err) for err in e.errors), "error")
            return redirect(url_for("notifications.index"))
        db.commit()
    flash(_("每日摘要设置已保存"))
    return redirect(url_for("notifications.index"))
