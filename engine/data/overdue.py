"""更新时限: when a resource's data is due to be refreshed, and whether it is late.

The standard asks providers to update shared data "及时" (第三节 4) without figures, so each
period maps to a span (an assumption the bureau confirms):

- 实时 and 每日: 1 working day. A real-time feed that has not moved for a working day is
  the interface fault O1 wants reported within 1 WD; a daily file is due the next working day.
- 每周 7 days, 每月 1 month, 每季度 3 months, 每年 12 months: calendar spans (a monthly
  statistic is monthly whatever the holidays).
- 变更时更新: never overdue; the provider updates when the data changes.

Counted from the last recorded update (`data_updated_at`), or from publication when the
data was never recorded as updated; a draft is not overdue.
"""

from __future__ import annotations

import calendar as month_days
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ..models import Resource
from ..time.calendar import WorkingCalendar
from ..time.clock import SHANGHAI, to_utc

WORKING_DAYS = {"realtime": 1, "daily": 1}
CALENDAR_DAYS = {"weekly": 7}
MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}
# The shortest a period can be: a working day is never less than a day, a month never less
# than 28 days. Entries refreshed more recently than this cannot be late, so the unit's list
# leaves them to SQL and runs the calendar only on the rest.
SHORTEST = {
    **{period: timedelta(days=1) for period in WORKING_DAYS},
    **{period: timedelta(days=days) for period, days in CALENDAR_DAYS.items()},
    **{period: timedelta(days=28 * months) for period, months in MONTHS.items()},
}


@dataclass(frozen=True)
class Freshness:
    due_at: datetime | None  # when the next update is due; None: no deadline
    overdue: bool
    provisional: bool  # the due date crosses a year the calendar does not know (SPEC §2)


def due_after(
    calendar: WorkingCalendar, period: str, since: datetime
) -> tuple[datetime, bool] | None:
    """When data updated at `since` is next due, and whether that is provisional."""
    if period in WORKING_DAYS:
        deadline = calendar.add_working_days(since, WORKING_DAYS[period])
        return deadline.at, deadline.provisional
    if period in CALENDAR_DAYS:
        return to_utc(since) + timedelta(days=CALENDAR_DAYS[period]), False
    if period in MONTHS:
        return add_months(since, MONTHS[period]), False
    return None


def add_months(instant: datetime, months: int) -> datetime:
    """The same Xiamen clock time `months` later, on the month's last day if shorter."""
    local = to_utc(instant).astimezone(SHANGHAI)
    index = local.month - 1 + months
    year, month = local.year + index // 12, index % 12 + 1
    day = min(local.day, month_days.monthrange(year, month)[1])
    return to_utc(local.replace(year=year, month=month, day=day))


def overdue_of_unit(
    session: Session, calendar: WorkingCalendar, unit_code: str, now: datetime
) -> list[tuple[Resource, Freshness]]:
    """The unit's published entries past their 更新时限, most overdue first: what its page
    lists, and what A2's update timeliness counts."""
    since = func.coalesce(Resource.data_updated_at, Resource.published_at)
    maybe_late = or_(
        *(
            and_(Resource.update_period == period, since <= to_utc(now) - span)
            for period, span in SHORTEST.items()
        )
    )
    found = []
    for resource in session.scalars(
        select(Resource).where(
            Resource.provider_unit == unit_code, Resource.status == "published", maybe_late
        )
    ):
        state = freshness(calendar, resource, now)
        if state.overdue:
            found.append((resource, state))
    return sorted(found, key=lambda pair: pair[1].due_at or now)


def freshness(calendar: WorkingCalendar, resource: Resource, now: datetime) -> Freshness:
    since = resource.data_updated_at or resource.published_at
    if resource.status != "published" or since is None:
        return Freshness(None, False, False)
    due = due_after(calendar, resource.update_period, since)
    if due is None:
        return Freshness(None, False, False)
    return Freshness(due[0], to_utc(now) > due[0], due[1])
