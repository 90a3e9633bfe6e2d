"""A1's cases per unit on PostgreSQL: at every step the summary rows say what the task rows
say, as on SQLite (tests/engine/test_assessment_case_summary.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine.config import Settings, open_jtflow
from engine.time.clock import SHANGHAI, TickingClock
from tests.engine.test_assessment_case_summary import play_again
from tests.pg.conftest import _OPENED

pytestmark = [pytest.mark.postgres]


def test_the_rows_say_what_the_tasks_say_on_postgresql(pg_url):  # type: ignore[no-untyped-def]
    clock = TickingClock(datetime(2026, 9, 28, 9, tzinfo=SHANGHAI))
    jtflow = open_jtflow(Settings(database_url=pg_url), clock)
    _OPENED.append(jtflow)  # disposed when the test ends
    played = play_again(jtflow, clock)
    assert sorted(played) == ["again", "passed", "waiting"]
