"""Migration on PostgreSQL (DESIGN.md "Definitions", S2): the version change is appended to
the append-only history, the chain verifies, and the replay reproduces it."""

from __future__ import annotations

import pytest

from engine.case_migration import migrate_running
from engine.config import Settings, open_jtflow
from engine.record.audit import verify
from engine.replay import replay_case
from engine.time.clock import TickingClock
from tests.conftest import START
from tests.engine.test_case_migration import SIGN_FOR_IN_TWO_WORKING_DAYS, waiting_at_sign_for
from tests.factories import deploy_variant, kinds


@pytest.mark.postgres
def test_cases_migrate_verify_and_replay_on_postgresql(pg_url, tmp_path):
    jtflow = open_jtflow(Settings(database_url=pg_url), TickingClock(START))
    try:
        cases = [waiting_at_sign_for(jtflow) for _ in range(3)]
        deploy_variant(jtflow, tmp_path / "v2", *SIGN_FOR_IN_TWO_WORKING_DAYS)
        result = migrate_running(jtflow, "event_lifecycle", from_version=1, actor="owner")
        assert len(result.migrated) == 3 and result.refused == {}
        with jtflow.sessions() as session:
            assert verify(session).broken == []
        for case in cases:
            assert "migrated" in kinds(jtflow, case)
            assert replay_case(jtflow, case.case_id).divergence is None
    finally:
        jtflow.sessions.kw["bind"].dispose()
