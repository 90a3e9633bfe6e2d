"""M1 → M3 on PostgreSQL: an external applicant's application with its four documents, the
provider's opinion and the center's grant, in a schema of its own; the grant is written in
the granting step, the chain verifies and the case replays."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from engine.config import PROJECT_ROOT, Settings, open_jtflow
from engine.models import Attachment, Grant
from engine.record.attachments import AttachmentStore
from engine.record.audit import verify
from engine.replay import replay_case
from engine.time.clock import TickingClock
from tests.conftest import START
from tests.factories import status, step
from tests.market import applied, resource


@pytest.mark.postgres
def test_an_application_is_granted_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    jtflow = open_jtflow(Settings(database_url=pg_url), TickingClock(START))
    try:
        jtflow.deploy(PROJECT_ROOT / "processes" / "market_application.bpmn")
        store = AttachmentStore(tmp_path / "attachments")
        case = applied(jtflow, store, resource(jtflow, "conditional"))
        step(jtflow, case, "check_application")
        step(jtflow, case, "provider_review")
        step(jtflow, case, "grant_access")
        assert status(jtflow, case) == "running"
        with jtflow.sessions() as session:
            [grant] = session.scalars(select(Grant)).all()
            assert (grant.grantee, grant.instance_id) == ("xmu_lab", case.case_id)
            assert len(session.scalars(select(Attachment)).all()) == 4
            assert verify(session, case.case_id).broken == []
        assert replay_case(jtflow, case.case_id).divergence is None
    finally:
        jtflow.sessions.kw["bind"].dispose()
