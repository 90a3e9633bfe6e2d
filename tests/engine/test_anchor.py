"""S2: chain heads anchored outside the database. A full rewrite — an event changed, every
hash after it and the case's head recomputed, so the plain verify passes — is caught by
`verify --since-anchor`, and a checkpoint never carries a rewritten case's head forward.

The rewriting is done the way an intruder with write access would: Core statements
straight on the tables, bypassing the engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine, select, update

from engine.config import Settings
from engine.errors import AnchorInvalid, ConfigurationError
from engine.models import AuditAnchor, HistoryEvent, Instance, table_of
from engine.record.anchor_check import verify_since_anchor
from engine.record.anchor_file import heads_root
from engine.record.anchor_key import AnchorKey, anchor_file, anchor_key
from engine.record.anchoring import anchor, last_anchor
from engine.record.audit import verify
from engine.record.dossier import case_dossier
from engine.run.history import GENESIS, event_hash, hashed_fields
from tests.factories import report, step, transferred

KEY = AnchorKey(b"k" * 32)


@pytest.fixture
def cases(jtflow):  # type: ignore[no-untyped-def]
    """Three cases with a few steps each; the middle one is the victim."""
    return transferred(jtflow, 3)


@pytest.fixture
def anchors(tmp_path: Path) -> Path:
    return tmp_path / "anchors.jsonl"


def rewrite_history(bind: Engine, instance_id: int, seq: int, **changes: Any) -> None:
    """A full rewrite: change event `seq`, recompute every hash from it on and the case's
    chain head, so the chain proves itself again."""
    events = table_of(HistoryEvent)
    with bind.begin() as connection:
        rows = connection.execute(
            select(events).where(events.c.instance_id == instance_id).order_by(events.c.seq)
        ).all()
        prev = GENESIS
        for row in rows:
            values = {**row._mapping, **(changes if row.seq == seq else {})}
            head = event_hash(prev, hashed_fields(values))
            connection.execute(
                update(events)
                .where(events.c.id == row.id)
                .values(**(changes if row.seq == seq else {}), prev_hash=prev, hash=head)
            )
            prev = head
        connection.execute(
            update(table_of(Instance))
            .where(table_of(Instance).c.id == instance_id)
            .values(history_hash=prev)
        )


def anchor_now(jtflow, path: Path, **kwargs: Any):  # type: ignore[no-untyped-def]
    return anchor(jtflow.sessions, KEY, path, at=jtflow.clock.now(), made_by="test", **kwargs)


def checked(jtflow, path: Path, case_id: int | None = None):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        return verify_since_anchor(session, KEY, path, case_id)


def lines(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_anchored_histories_verify_since_the_anchor(jtflow, cases, anchors):
    made = anchor_now(jtflow, anchors)
    assert made.checkpoint.cases == 3 and made.checkpoint.changed == 3 and not made.rewritten
    result = checked(jtflow, anchors)
    assert result.intact and result.anchored == 3 and result.checkpoints == 1
    assert result.newest.number == 1 and result.lines_lost == 0


def test_a_full_rewrite_passes_the_plain_verify_but_not_since_the_anchor(
    jtflow, db_url, cases, anchors
):
    anchor_now(jtflow, anchors)
    victim = cases[1]
    with jtflow.sessions() as session:
        anchored_seq = session.get(Instance, victim.case_id).history_seq
    rewrite_history(jtflow.sessions.kw["bind"], victim.case_id, 1, actor="intruder")
    with jtflow.sessions() as session:
        assert verify(session).broken == []  # the rewrite holds together
    result = checked(jtflow, anchors)
    assert not result.intact and result.chains.broken == []
    [rewritten] = result.rewritten
    assert (rewritten.case_id, rewritten.case_no) == (victim.case_id, victim.case_no)
    assert rewritten.seq == anchored_seq and rewritten.checkpoint == 1
    assert "哈希与锚定的不符" in rewritten.reason
    assert checked(jtflow, anchors, cases[0].case_id).intact  # one case: only its own head


def test_deleted_anchored_events_are_named_as_missing(jtflow, cases, anchors):
    anchor_now(jtflow, anchors)
    victim = cases[2].case_id
    events = table_of(HistoryEvent)
    with jtflow.sessions.kw["bind"].begin() as connection:
        last = connection.scalar(select(Instance.history_seq).where(Instance.id == victim))
        connection.execute(
            events.delete().where(events.c.instance_id == victim, events.c.seq == last)
        )
        head = connection.scalar(
            select(events.c.hash).where(events.c.instance_id == victim, events.c.seq == last - 1)
        )
        connection.execute(
            update(table_of(Instance))
            .where(table_of(Instance).c.id == victim)
            .values(history_seq=last - 1, history_hash=head)
        )
    [rewritten] = checked(jtflow, anchors).rewritten
    assert rewritten.case_id == victim and "缺失" in rewritten.reason


def test_each_checkpoint_lists_only_the_heads_that_moved(jtflow, cases, anchors):
    first = anchor_now(jtflow, anchors)
    step(jtflow, cases[0], "sign_for")
    report(jtflow)
    second = anchor_now(jtflow, anchors)
    one, two = lines(anchors)
    assert [h[0] for h in one["heads"]] == [c.case_id for c in cases]
    assert sorted(h[0] for h in two["heads"]) == [cases[0].case_id, cases[-1].case_id + 1]
    assert two["prev"] == first.checkpoint.signature == one["sig"] and two["number"] == 2
    assert two["cases"] == 4 and second.checkpoint.changed == 2
    rebuilt = {h[0]: (h[1], h[2], 1) for h in one["heads"]}
    rebuilt.update({h[0]: (h[1], h[2], 2) for h in two["heads"]})
    assert two["root"] == heads_root(rebuilt) == second.checkpoint.root
    unchanged = anchor_now(jtflow, anchors)
    assert unchanged.checkpoint.changed == 0 and lines(anchors)[2]["heads"] == []
    assert checked(jtflow, anchors).intact


def test_a_checkpoint_does_not_carry_a_rewritten_head_forward(jtflow, cases, anchors):
    anchor_now(jtflow, anchors)
    victim = cases[1]
    rewrite_history(jtflow.sessions.kw["bind"], victim.case_id, 2, actor="intruder")
    step(jtflow, victim, "sign_for")  # the case moves on after the rewrite
    made = anchor_now(jtflow, anchors)
    assert made.rewritten == [(victim.case_id, victim.case_no)]
    assert lines(anchors)[1]["rewritten"] == [victim.case_id]
    assert victim.case_id not in [h[0] for h in lines(anchors)[1]["heads"]]
    [rewritten] = checked(jtflow, anchors).rewritten
    assert rewritten.case_id == victim.case_id and rewritten.checkpoint == 1


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (lambda line: line.replace(b'"cases":3', b'"cases":4'), "签名不符"),
        (lambda line: line.replace(b'"sig":"', b'"sig":"0', 1)[:-3] + b'"}', "签名不符"),
        (lambda line: line.replace(b'"format"', b'"formal"'), "不是 jtflow 的锚定检查点"),
        (lambda line: b"{}", "不是 jtflow 的锚定检查点"),
    ],
)
def test_a_line_with_a_wrong_signature_is_refused(jtflow, cases, anchors, edit, says):
    anchor_now(jtflow, anchors)
    anchors.write_bytes(edit(anchors.read_bytes().rstrip(b"\n")) + b"\n")
    with pytest.raises(AnchorInvalid, match=says):
        checked(jtflow, anchors)
    with pytest.raises(AnchorInvalid, match=says):  # and nothing is appended to such a file
        anchor_now(jtflow, anchors)


def test_lines_dropped_from_the_middle_or_signed_by_another_key_are_refused(jtflow, cases, anchors):
    for _ in range(3):
        anchor_now(jtflow, anchors)
    one, _, three = anchors.read_bytes().splitlines()
    anchors.write_bytes(one + b"\n" + three + b"\n")
    with pytest.raises(AnchorInvalid, match="第 2 行与上一行不相连"):
        checked(jtflow, anchors)
    other = AnchorKey(b"o" * 32)
    with jtflow.sessions() as session, pytest.raises(AnchorInvalid, match="另一把密钥"):
        verify_since_anchor(session, other, anchors)


def test_a_file_cut_short_is_said(jtflow, cases, anchors):
    for _ in range(2):
        anchor_now(jtflow, anchors)
    anchors.write_bytes(anchors.read_bytes().splitlines(keepends=True)[0])
    result = checked(jtflow, anchors)
    assert result.intact and result.lines_lost == 1
    anchors.write_bytes(anchors.read_bytes()[:-10])  # a write cut off mid-line
    with pytest.raises(AnchorInvalid, match="最后一行不完整"):
        checked(jtflow, anchors)


def test_the_key_never_reaches_the_file_or_the_database(jtflow, cases, anchors):
    anchor_now(jtflow, anchors)
    assert b"k" * 32 not in anchors.read_bytes()
    with jtflow.sessions() as session:
        record = session.scalars(select(AuditAnchor)).one()
    assert "k" * 32 not in repr(vars(record)) and "k" * 32 not in repr(KEY)


def test_one_checkpoint_a_day(jtflow, cases, anchors, tmp_path):
    assert anchor_now(jtflow, anchors, day="2026-09-28") is not None
    assert anchor_now(jtflow, anchors, day="2026-09-28") is None
    assert anchor_now(jtflow, tmp_path / "elsewhere.jsonl", day="2026-09-28") is None
    assert len(lines(anchors)) == 1 and not (tmp_path / "elsewhere.jsonl").read_bytes()
    assert anchor_now(jtflow, anchors, day="2026-09-29") is not None


def test_the_dossier_names_the_newest_checkpoint_covering_the_case(jtflow, clock, cases, anchors):
    case = cases[0]
    with jtflow.sessions() as session:
        instance = session.get(Instance, case.case_id)
        assert case_dossier(session, instance)["anchor"] is None
        seq = instance.history_seq
    anchor_now(jtflow, anchors)
    step(jtflow, case, "sign_for")
    clock.advance(days=1)
    moved = anchor_now(jtflow, anchors)  # the case moved: anchored further
    step(jtflow, cases[1], "sign_for")
    clock.advance(days=1)
    newest = anchor_now(jtflow, anchors)  # the case did not: covered up to the same event
    with jtflow.sessions() as session:
        instance = session.get(Instance, case.case_id)
        anchored = case_dossier(session, instance)["anchor"]
        assert last_anchor(session, case.case_id).seq == instance.history_seq > seq
    assert anchored["seq"] == instance.history_seq and anchored["checkpoint"] == 3
    assert anchored["at"] == newest.checkpoint.at.isoformat() != moved.checkpoint.at.isoformat()
    assert anchored["holds"]


def test_the_key_comes_from_the_environment_or_an_owner_only_file(tmp_path):
    with pytest.raises(ConfigurationError, match="请设置 JTFLOW_AUDIT_KEY"):
        anchor_key(Settings())
    with pytest.raises(ConfigurationError, match="太短"):
        anchor_key(Settings(audit_key="short"))
    key_file = tmp_path / "audit.key"
    key_file.write_text("f" * 40 + "\n")
    key_file.chmod(0o644)
    with pytest.raises(ConfigurationError, match=f"请运行 chmod 600 {key_file}"):
        anchor_key(Settings(audit_key_file=key_file))
    key_file.chmod(0o600)
    assert anchor_key(Settings(audit_key_file=key_file)).secret == b"f" * 40
    with pytest.raises(ConfigurationError, match="不存在"):
        anchor_key(Settings(audit_key_file=tmp_path / "none"))
    with pytest.raises(ConfigurationError, match="只保留其中一个"):
        anchor_key(Settings(audit_key="a" * 32, audit_key_file=key_file))
    assert "a" * 32 not in repr(Settings(audit_key="a" * 32))


def test_the_anchor_file_is_beside_sqlite_and_required_on_a_shared_database(tmp_path):
    assert anchor_file(Settings(database_url="sqlite:///x/j.sqlite")) == Path("x/j.sqlite.anchors")
    given = tmp_path / "a.jsonl"
    assert anchor_file(Settings(audit_anchor_file=given)) == given
    assert anchor_file(Settings(), tmp_path / "b") == tmp_path / "b"
    with pytest.raises(ConfigurationError, match="JTFLOW_AUDIT_ANCHOR_FILE"):
        anchor_file(Settings(database_url="postgresql://db/jtflow"))
