"""更新时限 on an injected clock: a daily resource counts working days (a holiday moves its
deadline), a monthly one calendar months, 变更时更新 never; a draft is never overdue."""

from __future__ import annotations

from datetime import datetime

from engine.data import catalogue
from engine.data.overdue import add_months, freshness, overdue_of_unit
from engine.people.users import get_user
from engine.time.clock import SHANGHAI
from tests.conftest import CALENDAR
from tests.data_factories import entry, registered


def published(jtflow, **changes):  # type: ignore[no-untyped-def]
    registered(jtflow)
    with jtflow.sessions() as db:
        maker, center = get_user(db, "bus_data"), get_user(db, "c_data")
        resource = catalogue.create(db, maker, jtflow.clock.now(), entry(**changes))
        assert not freshness(CALENDAR, resource, jtflow.clock.now()).overdue  # a draft
        catalogue.submit(db, maker, jtflow.clock.now(), resource.id)
        catalogue.publish(db, center, jtflow.clock.now(), resource.id)
        db.commit()
        return resource


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def test_a_daily_resource_updated_before_national_day_is_due_after_the_holiday(jtflow, clock):  # type: ignore[no-untyped-def]
    clock.set(at(2026, 9, 30, 10, 0))  # Wednesday; 1–7 October are the holiday
    resource = published(jtflow, update_period="每日")
    due = freshness(CALENDAR, resource, clock.now()).due_at
    assert due is not None and due.astimezone(SHANGHAI).date().isoformat() == "2026-10-08"
    assert not freshness(CALENDAR, resource, at(2026, 10, 7, 23, 0)).overdue
    assert freshness(CALENDAR, resource, at(2026, 10, 8, 11, 0)).overdue


def test_recording_a_data_update_restarts_the_time(jtflow, clock):  # type: ignore[no-untyped-def]
    clock.set(at(2026, 9, 28, 9, 0))
    resource = published(jtflow, update_period="实时")
    clock.set(at(2026, 9, 29, 10, 0))
    assert freshness(CALENDAR, resource, clock.now()).overdue
    with jtflow.sessions() as db:
        updated = catalogue.record_data_update(
            db, get_user(db, "bus_data"), clock.now(), resource.id
        )
        db.commit()
        assert not freshness(CALENDAR, updated, clock.now()).overdue


def test_monthly_and_on_change_periods(jtflow, clock):  # type: ignore[no-untyped-def]
    clock.set(at(2026, 1, 31, 9, 0))
    monthly = published(jtflow, update_period="每月")
    assert freshness(CALENDAR, monthly, clock.now()).due_at == add_months(monthly.published_at, 1)
    assert add_months(at(2026, 1, 31, 9, 0), 1) == at(2026, 2, 28, 9, 0)
    assert not freshness(CALENDAR, monthly, at(2026, 2, 28, 8, 59)).overdue
    assert freshness(CALENDAR, monthly, at(2026, 2, 28, 9, 1)).overdue
    on_change = published(jtflow, name="线网", update_period="变更时更新")
    assert not freshness(CALENDAR, on_change, at(2030, 1, 1)).overdue


def test_the_units_overdue_list_most_late_first(jtflow, clock):  # type: ignore[no-untyped-def]
    clock.set(at(2026, 9, 28, 9, 0))
    daily = published(jtflow, update_period="每日")
    clock.set(at(2026, 9, 29, 9, 0))
    realtime = published(jtflow, name="到站", update_period="实时")
    published(jtflow, name="线网", update_period="变更时更新")
    with jtflow.sessions() as db:
        late = overdue_of_unit(db, CALENDAR, "BUS_GROUP", at(2026, 10, 9, 9, 0))
        assert [r.id for r, _ in late] == [daily.id, realtime.id]
        assert overdue_of_unit(db, CALENDAR, "METRO_BRT", at(2026, 10, 9, 9, 0)) == []
