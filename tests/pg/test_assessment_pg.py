"""A1 on PostgreSQL: the hand-built cases of tests/assessment_cases.py give exactly the same
figures and lists as on SQLite (working-day arithmetic, percentiles and JSON in SQL)."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine.config import Settings, open_jtflow
from engine.time.clock import SHANGHAI, TickingClock
from tests.assessment_cases import play
from tests.engine.test_assessment_figures import check_a1
from tests.pg.conftest import _OPENED

pytestmark = [pytest.mark.postgres]


def test_a1_figures_on_postgresql(pg_url):  # type: ignore[no-untyped-def]
    clock = TickingClock(datetime(2026, 9, 28, 9, tzinfo=SHANGHAI))
    jtflow = open_jtflow(Settings(database_url=pg_url), clock)
    _OPENED.append(jtflow)  # disposed when the test ends
    check_a1(jtflow, play(jtflow, clock))
