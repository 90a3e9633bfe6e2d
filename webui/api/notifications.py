"""GET /api/notifications, POST …/{id}/read, POST …/read-all and GET …/stream: the token
user's own notifications (issue 16); another person's are not found. The stream is the
bell's look (webui/notification_feed.py): one server-sent-events answer, then `retry`."""

from __future__ import annotations

from typing import Any

from flask import g

from engine.notify.reading import MAX_PER_PAGE, mark_all_read, mark_read, notes_page

from ..extensions import current_jtflow, request_session
from ..notification_feed import look, note_json
from .blueprint import MAX_ID, api
from .bodies import Query

SHOWS = ("all", "unread")


@api.get("/notifications")
def list_notifications() -> Any:
    query = Query()
    show = query.choice("show", list(SHOWS)) or "all"
    page_no = query.integer("page", 1, 1, 100_000)
    per_page = query.integer("per_page", 25, 1, MAX_PER_PAGE)
    query.check()
    with request_session() as db:
        page = notes_page(
            db, g.user.username, unread_only=show == "unread", page=page_no, per_page=per_page
        )
        items = [note_json(s) for s in page.rows]
    return {
        "unread": page.unread,
        "items": items,
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "pages": page.pages,
    }


@api.post(f"/notifications/<int(max={MAX_ID}):note_id>/read")
def read_notification(note_id: int) -> Any:
    with request_session() as db:
        shown = mark_read(db, g.user.username, note_id, current_jtflow().clock.now())
        db.commit()
        return note_json(shown)


@api.post("/notifications/read-all")
def read_all_notifications() -> Any:
    with request_session() as db:
        marked = mark_all_read(db, g.user.username, current_jtflow().clock.now())
        db.commit()
    return {"marked": marked}


@api.get("/notifications/stream")
def notification_stream() -> Any:
    query = Query()
    after = query.integer("after", 0, 0, MAX_ID)
    query.check()
    return look(g.user.username, after)
