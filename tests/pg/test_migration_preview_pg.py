"""The grouped migration preview on PostgreSQL: the states streamed from one connection while
each group's first case is previewed on another say what previewing each case says."""

from __future__ import annotations

import pytest

from engine.config import Settings, open_jtflow
from engine.definitions.deploy import collect_files, parse
from engine.migration_preview import DraftPreview, preview_each
from engine.service import LIFECYCLE
from engine.time.clock import TickingClock
from tests.conftest import START
from tests.engine.test_draft_trial import SIGN_FOR_IN_FOUR_HOURS
from tests.engine.test_migration_preview import TRANSFER
from tests.factories import report, step, write_variant


@pytest.mark.postgres
def test_the_grouped_preview_says_what_each_case_says_on_postgresql(pg_url, tmp_path):
    jtflow = open_jtflow(Settings(database_url=pg_url), TickingClock(START))
    try:
        for done in ((), ("sign_for",), (), ("sign_for",)):
            case = report(jtflow)
            step(jtflow, case, "classify", TRANSFER)
            for element in done:
                step(jtflow, case, element)
        files = collect_files(write_variant(tmp_path / "draft", *SIGN_FOR_IN_FOUR_HOURS))
        _, spec, dependencies = parse(files)
        grouped = DraftPreview(jtflow, spec, dependencies).grouped(LIFECYCLE)
        assert grouped.report == preview_each(jtflow, LIFECYCLE, spec, dependencies)
        assert len(grouped.report.migrated) == 4 and grouped.loaded == 2
    finally:
        jtflow.sessions.kw["bind"].dispose()
