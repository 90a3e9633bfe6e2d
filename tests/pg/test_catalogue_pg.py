"""The catalogue on PostgreSQL: search (text, filters, paging, visibility) and one data, one
source — found by the check, and by the UNIQUE constraint when two units race."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from engine.catalogue_demo import register_administrators
from engine.data import catalogue
from engine.data.catalogue_search import CatalogueQuery, search
from engine.data.overdue import overdue_of_unit
from engine.errors import InvalidInput
from engine.models import Resource
from engine.people.users import get_user
from tests.conftest import CALENDAR
from tests.data_factories import entry
from tests.pg.conftest import engine_on


@pytest.fixture
def jtflow(pg_url):  # type: ignore[no-untyped-def]
    jtflow = engine_on(pg_url)
    with jtflow.sessions() as db:
        register_administrators(db, jtflow.clock.now())
        db.commit()
    return jtflow


def test_search_on_postgresql(jtflow):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as db:
        maker, center = get_user(db, "bus_data"), get_user(db, "c_data")
        now = jtflow.clock.now()
        for number in range(5):
            made = catalogue.create(db, maker, now, entry(name=f"公交资源_{number}"))
            if number < 3:
                catalogue.submit(db, maker, now, made.id)
                catalogue.publish(db, center, now, made.id)
        db.commit()
        other = get_user(db, "brt_data")
        assert search(db, other, CatalogueQuery()).total == 3
        assert search(db, maker, CatalogueQuery(status="draft")).total == 2
        assert search(db, other, CatalogueQuery(q="资源_1")).total == 1  # _ is text
        assert search(db, other, CatalogueQuery(q="100%")).total == 0
        page = search(db, other, CatalogueQuery(category="transit", per_page=2, page=2))
        assert [r.name for r, _ in page.rows] == ["公交资源_2"]
        assert page.rows[0][1] == "厦门公交集团有限公司"
        later = now + timedelta(days=3)  # the published real-time feeds fall behind
        late = overdue_of_unit(db, CALENDAR, "BUS_GROUP", later)
        assert sorted(r.name for r, _ in late) == ["公交资源_0", "公交资源_1", "公交资源_2"]
        assert overdue_of_unit(db, CALENDAR, "BUS_GROUP", now + timedelta(hours=1)) == []


def test_one_data_one_source_on_postgresql(jtflow):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as db:
        catalogue.create(db, get_user(db, "bus_data"), jtflow.clock.now(), entry())
        db.commit()
    with jtflow.sessions() as db, pytest.raises(InvalidInput, match="已由厦门公交集团有限公司登记"):
        catalogue.create(db, get_user(db, "brt_data"), jtflow.clock.now(), entry())


def test_two_units_racing_for_one_resource_get_the_same_refusal(jtflow):  # type: ignore[no-untyped-def]
    """The second unit's check runs while the first's insert is not committed, so it finds
    nothing; its insert waits on the unique index, and fails once the first commits: the
    UNIQUE constraint's refusal is said as the check's would be."""
    first = jtflow.sessions()
    catalogue.create(first, get_user(first, "bus_data"), jtflow.clock.now(), entry())
    with ThreadPoolExecutor(1) as pool:
        racing = pool.submit(_create_as, jtflow, "brt_data")
        _wait_until_blocked(jtflow)
        first.commit()
        first.close()
        with pytest.raises(InvalidInput, match="已由厦门公交集团有限公司登记"):
            racing.result(timeout=30)
    with jtflow.sessions() as db:
        assert db.scalar(select(func.count(Resource.id))) == 1


def _create_as(jtflow, username):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as db:
        catalogue.create(db, get_user(db, username), jtflow.clock.now(), entry())
        db.commit()


def _wait_until_blocked(jtflow) -> None:  # type: ignore[no-untyped-def]
    """Until a session of this database waits on a lock (the racing insert), polled by
    query; no sleep, and a bound so a mistake fails instead of hanging."""
    with jtflow.sessions() as db:
        for _ in range(100_000):
            waiting = db.scalar(text("SELECT count(*) FROM pg_locks WHERE NOT granted"))
            db.rollback()
            if waiting:
                return
    raise AssertionError("the racing insert never waited on the first one")
