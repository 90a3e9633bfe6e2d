"""The yearly report's months on PostgreSQL: the same buckets at Xiamen's midnights, the
same counts, as on SQLite (tests/engine/test_assessment_yearly.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine.config import Settings, open_jtflow
from engine.time.clock import SHANGHAI, TickingClock
from tests.engine.test_assessment_yearly import check_months, play_months
from tests.pg.conftest import _OPENED

pytestmark = [pytest.mark.postgres]


def test_the_year_month_by_month_on_postgresql(pg_url):  # type: ignore[no-untyped-def]
    clock = TickingClock(datetime(2026, 9, 28, 9, tzinfo=SHANGHAI))
    jtflow = open_jtflow(Settings(database_url=pg_url), clock)
    _OPENED.append(jtflow)  # disposed when the test ends
    play_months(jtflow, clock)
    check_months(jtflow)
