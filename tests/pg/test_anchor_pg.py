"""S2 on PostgreSQL: an intruder who can switch off the append-only trigger and rewrites a
case with every hash and its head recomputed passes `audit verify`, not `--since-anchor`;
and of two processes racing for the day's checkpoint exactly one makes it."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, text

from engine.daily_anchor import DailyAnchor
from engine.models import AuditAnchor, Instance
from engine.record.anchor_check import verify_since_anchor
from engine.record.anchor_key import AnchorKey
from engine.record.anchoring import anchor
from engine.record.audit import verify
from tests.engine.test_anchor import rewrite_history
from tests.factories import report, step
from tests.pg.conftest import engine_on

KEY = AnchorKey(b"p" * 32)


@pytest.mark.postgres
def test_a_full_rewrite_fails_since_the_anchor(pg_url, tmp_path):
    jtflow = engine_on(pg_url)
    cases = [report(jtflow) for _ in range(3)]
    step(jtflow, cases[0], "classify", {"decision": "transfer"})
    path = tmp_path / "anchors.jsonl"
    made = anchor(jtflow.sessions, KEY, path, at=jtflow.clock.now(), made_by="test")
    assert made is not None and made.checkpoint.cases == 3
    with jtflow.sessions() as session:
        assert verify_since_anchor(session, KEY, path).intact
        anchored_seq = session.get(Instance, cases[0].case_id).history_seq
    bind = jtflow.sessions.kw["bind"]
    with bind.begin() as connection:  # what only the table's owner can do
        connection.execute(
            text("ALTER TABLE history_event DISABLE TRIGGER history_event_append_only")
        )
    rewrite_history(bind, cases[0].case_id, 1, actor="intruder")
    with jtflow.sessions() as session:
        assert verify(session).broken == []
        result = verify_since_anchor(session, KEY, path)
    assert [(r.case_no, r.seq) for r in result.rewritten] == [(cases[0].case_no, anchored_seq)]
    again = anchor(jtflow.sessions, KEY, path, at=jtflow.clock.now(), made_by="test")
    assert again is not None and again.rewritten == [(cases[0].case_id, cases[0].case_no)]


@pytest.mark.postgres
def test_of_two_processes_racing_for_the_day_one_anchors(pg_url, tmp_path):
    report(engine_on(pg_url))
    nodes = [DailyAnchor(engine_on(pg_url), KEY, tmp_path / f"node-{n}.jsonl") for n in "ab"]
    start = threading.Barrier(2)

    def run(node: DailyAnchor) -> bool:
        start.wait()
        return node.run() is not None

    with ThreadPoolExecutor(2) as pool:
        made = list(pool.map(run, nodes))
    assert sorted(made) == [False, True]
    assert all(node.done_day == nodes[0].done_day for node in nodes)
    written = [len(node.path.read_bytes().splitlines()) for node in nodes]
    assert sorted(written) == [0, 1]
    with engine_on(pg_url).sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditAnchor)) == 1
