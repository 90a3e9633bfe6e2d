"""Deadlines as people read them: "还剩 3 小时", "已超期 2 天" — counted on the engine's clock;
and beside a light, the step's allowance and the share used ("时限 1 个工作日，已用 85%")."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _

from engine.time.allowance import allowance_of

from .extensions import current_jtflow


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


def allowance_phrase(task: Any) -> str:
    """An open step's allowance and the share of it used, which its light is the share of
    (E12): why 还剩 23 小时 can be yellow while 还剩 1 天 is green. Empty without both instants."""
    if getattr(task, "state", "open") != "open":
        return ""
    engine = current_jtflow()
    found = allowance_of(engine.calendar, task.warn_at, task.due_at, engine.clock.now())
    if found is None:
        return ""
    if found.in_working_days:
        days = round(found.length / timedelta(days=1))
        length = _("1 个工作日") if days == 1 else _("%(num)d 个工作日", num=days)
    else:
        length = _span(int(found.length.total_seconds()))
    return _("时限 %(length)s，已用 %(share)d%%", length=length, share=round(100 * found.used))
