"""Deadlines as people read them: "还剩 3 小时", "已超期 2 天" — counted on the engine's clock."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext


def due_phrase(due_at: datetime | None, now: datetime) -> str:
    """How long is left before ``due_at``, or how long it is overdue, in its largest whole unit."""
    if due_at is None:
        return _("无时限")
    seconds = int((due_at - now).total_seconds())
    span = _span(abs(seconds))
    return _("还剩 %(span)s", span=span) if seconds >= 0 else _("已超期 %(span)s", span=span)


def _span(seconds: int) -> str:
    if seconds >= 86400:
        days = seconds // 86400
        return ngettext("%(num)d 天", "%(num)d 天", days)
    if seconds >= 3600:
        hours = seconds // 3600
        return ngettext("%(num)d 小时", "%(num)d 小时", hours)
    minutes = max(1, seconds // 60)
    return ngettext("%(num)d 分钟", "%(num)d 分钟", minutes)
