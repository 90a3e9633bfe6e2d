"""O4 on PostgreSQL: a photo past three months removed by an administrator, its removal an
event of the case's append-only chain, which still verifies, and the case still replays."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from engine.config import Settings, open_jtflow
from engine.record.attachments import AttachmentStore
from engine.record.audit import verify
from engine.record.retention import apply
from engine.replay import replay_case
from engine.time.clock import TickingClock
from tests.conftest import START
from tests.engine.test_retention import attachment_of, case_with_photo, user
from tests.pg.conftest import _OPENED


@pytest.mark.postgres
def test_a_photo_removed_on_postgresql_verifies_and_replays(pg_url, tmp_path: Path):  # type: ignore[no-untyped-def]
    clock = TickingClock(START)
    jtflow = open_jtflow(Settings(database_url=pg_url), clock)
    _OPENED.append(jtflow)
    store = AttachmentStore(tmp_path / "attachments")
    case = case_with_photo(jtflow, store)
    clock.advance(days=100)
    with jtflow.sessions() as session:
        done = apply(session, store, user(jtflow, "admin"), clock.now())
    assert len(done.removed) == 1 and done.files_deleted == 1
    assert attachment_of(jtflow, case).removed_at is not None
    with jtflow.sessions() as session:
        assert verify(session, case.case_id).broken == []
    replayed = replay_case(jtflow, case.case_no)
    assert replayed.divergence is None and len(replayed.removed_files) == 1
    assert clock.now() - START > timedelta(days=99)
