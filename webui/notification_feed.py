"""Notifications as the bell, its page and the API show them, and the bell's look: one
short server-sent-events answer per look (issue 16).

A look is answered at once and the connection closed; its `retry:` field tells the
browser's EventSource when to look again, and its `id:` comes back as Last-Event-ID, so
the next look asks only for what is newer. Nothing is held open between looks: an idle
page costs the server one small request per interval (two index reads), with any number
of server processes, since the rows are the only channel.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response, current_app, request, url_for
from flask_babel import lazy_gettext as _l

from engine.notify.reading import Shown, latest_id, newer_than, unread_count

from .extensions import request_session
from .labels import translated

KIND = {
    "task": _l("新待办"),
    "urgent": _l("紧急转办"),
    "returned": _l("退回"),
    "yellow": _l("黄灯"),
    "red": _l("红灯"),
    "escalated": _l("催办"),
    "supervised": _l("督办"),
}
CHANNEL = {"email": _l("电子邮件"), "sms": _l("短信"), "12328": _l("12328 消息")}
DEFAULT_LOOK_SECONDS = 15.0


def note_json(shown: Shown) -> dict[str, Any]:
    note = shown.note
    return {
        "id": note.id,
        "kind": note.kind,
        "kind_name": str(KIND.get(note.kind, note.kind)),
        "step_name": translated(note.step_name),
        "case_no": shown.case_no,
        "title": shown.title,
        "task_id": note.task_id,
        "at": note.at.isoformat(),
        "read": note.read_at is not None,
        "link": link(shown),
    }


def link(shown: Shown) -> str:
    """Where a notification leads: its step's task page, else its case."""
    if shown.note.task_id is not None:
        return url_for("task.show", task_id=shown.note.task_id)
    return url_for("case.show", case_no=shown.case_no or "")


def bell(username: str) -> dict[str, int]:
    """What the header's bell shows on a page: the unread count, the newest id seen, and
    how long its first look waits."""
    with request_session() as db:
        return {
            "unread": unread_count(db, username),
            "latest": latest_id(db, username),
            "retry_ms": int(look_seconds() * 1000),
        }


def look_seconds() -> float:
    return float(current_app.config.get("BELL_SECONDS", DEFAULT_LOOK_SECONDS))


def look(username: str, after: int) -> Response:
    """One look of the bell: the unread count and what is newer than `after`, or than the
    Last-Event-ID the browser's EventSource sends when it looks again."""
    after = max(after, number(request.headers.get("Last-Event-ID")))
    with request_session() as db:
        unread = unread_count(db, username)
        items = [
            {**note_json(s), "open": url_for("notifications.open_note", note_id=s.note.id)}
            for s in newer_than(db, username, after)
        ]
    newest = max([after, *(item["id"] for item in items)])
    body = orjson.dumps({"unread": unread, "items": items}).decode()
    text = f"retry: {int(look_seconds() * 1000)}\nid: {newest}\nevent: notes\ndata: {body}\n\n"
    response = Response(text, mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    return response


def number(value: str | None) -> int:
    """An id the browser sent back, 0 when it is not one."""
    return int(value) if value and value.isdigit() and len(value) < 12 else 0
