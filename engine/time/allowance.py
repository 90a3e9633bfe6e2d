"""A step's allowance and the share of it used, read back from its row's two instants
(E12), so a page can say why "还剩 23 小时" is green and "还剩 1 天" yellow: each light is
the share of its own step's allowance.

A light turns yellow when `fraction` of the working time from the step's start to its
deadline has passed (engine.time.calendar.warn_instant). The row keeps the warning and
the deadline but not the start; the working time between the two is (1 − fraction) of
the allowance, so the allowance and the share follow from them. Every shipped diagram
warns at the default 80 %; a step whose diagram passes another fraction to `warn_at`
would be shown against 80 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .calendar import WorkingCalendar

DEFAULT_FRACTION = 0.8  # diagram_functions.warn_at's default
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Allowance:
    length: timedelta  # working time from the step's start to its deadline
    in_working_days: bool  # counted on working days (else a span shorter than one)
    used: float  # the share of it passed by now: 0.8 yellow, 1.0 red


def allowance_of(
    calendar: WorkingCalendar,
    warn_at: datetime | None,
    due_at: datetime | None,
    now: datetime,
    fraction: float = DEFAULT_FRACTION,
) -> Allowance | None:
    """The step's allowance and share used; None for a step without both instants."""
    if warn_at is None or due_at is None or due_at <= warn_at:
        return None
    tail = calendar.working_time(warn_at, due_at)
    if tail:
        length = tail / (1 - fraction)
        left = calendar.working_time(now, due_at) if now < due_at else timedelta()
        late = calendar.working_time(due_at, now) if now > due_at else timedelta()
    else:  # no working time in it (30 minutes on a Sunday): split by the wall clock
        length = (due_at - warn_at) / (1 - fraction)
        left, late = max(due_at - now, timedelta()), max(now - due_at, timedelta())
    used = 1 - (left - late) / length
    return Allowance(length, length >= DAY * 0.99, max(0.0, used))
