"""Deadlines as people read them: "还剩 3 小时", "已超期 2 天" — counted on the engine's clock."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _


def due_phrase(due_at: datetime | None, now: datetime) -> str:
    """How long is left before ``due_at``, or how long it is overdue, in its largest whole unit."""
    if due_at is None:
        return _("无时限")
    seconds = int((due_at - now).total_seconds())
    span = _span(abs(seconds))
    return _("还剩 %(span)s", span=span) if seconds >= 0 else _("已超期 %(span)s", span=span)


def _span(seconds: int) -> str:
    # one message per number form, not ngettext: the catalogue stays plain msgid/msgstr pairs
    if seconds >= 86400:
        days = seconds // 86400
        return _("1 天") if days == 1 else _("%(num)d 天", num=days)
    if seconds >= 3600:
        hours = seconds // 3600
        return _("1 小时") if hours == 1 else _("%(num)d 小时", num=hours)
    minutes = max(1, seconds // 60)
    return _("1 分钟") if minutes == 1 else _("%(num)d 分钟", num=minutes)
