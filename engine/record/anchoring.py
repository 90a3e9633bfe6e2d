"""Anchoring every case's chain head outside the database (S2): `jtflow audit anchor` and the
scheduler's daily checkpoint.

Whoever can write the database can rewrite a case's events, recompute every hash and the
case's head, and `audit verify` passes. A checkpoint appended to a file the database does
not hold (engine/record/anchor_file.py), signed with a key it does not hold, fixes each case's
head (seq and hash) at a moment; rewriting anything up to it changes the hash stored at
that seq, which `audit verify --since-anchor` finds (engine/record/anchor_check.py).

A head moves in a new checkpoint only forward and only if the event it anchored still
carries the anchored hash: a case rewritten since keeps its old anchored head and is named,
so no checkpoint launders a rewrite. The checkpoint is also recorded in the database, for
the dossier and so that of several processes only one makes the day's checkpoint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ..models import AuditAnchor, AuditAnchorHead, HistoryEvent, Instance, table_of
from .anchor_file import (
    FORMAT,
    GENESIS,
    AnchorLog,
    Checkpoint,
    Heads,
    appending,
    heads_root,
    parse_log,
    signed_line,
)
from .anchor_key import AnchorKey

LOOKUP_BATCH = 2_000  # (case, seq) pairs per query: 4,000 bound values
_EVENTS = table_of(HistoryEvent).name


@dataclass(frozen=True)
class Anchored:
    """A checkpoint just written: where, and the cases whose anchored event was rewritten."""

    checkpoint: Checkpoint
    file: Path
    rewritten: list[tuple[int, str | None]]  # case id, case number


def anchor(
    sessions: sessionmaker[Session],
    key: AnchorKey,
    path: Path,
    *,
    at: datetime,
    made_by: str,
    day: str | None = None,
) -> Anchored | None:
    """Append a checkpoint of every case's chain head to `path` and record it. With `day`
    (the scheduler's), None when that day's checkpoint was made already, here or elsewhere."""
    with appending(path) as file:
        log = parse_log(file.read(), key, path)
        with sessions() as session:
            if day is not None and session.scalar(
                select(AuditAnchor.id).where(AuditAnchor.day == day)
            ):
                return None
            moved, rewritten = _moves(session, log.heads, _current_heads(session))
            checkpoint, line = _next_checkpoint(log, moved, rewritten, key, at, day)
            record = AuditAnchor(
                chain=log.chain or checkpoint.signature,
                number=checkpoint.number,
                at=at,
                day=day,
                cases=checkpoint.cases,
                changed=checkpoint.changed,
                root=checkpoint.root,
                signature=checkpoint.signature,
                file=str(path.resolve()),
                made_by=made_by,
            )
            session.add(record)
            try:
                session.flush()  # the day's key: a process that got there first wins
            except IntegrityError:
                if day is None:
                    raise
                return None
            file.append(line)  # the proof is out of the database before the record commits
            if moved:
                session.execute(
                    insert(table_of(AuditAnchorHead)),
                    [
                        {"instance_id": case_id, "anchor_id": record.id, "seq": seq, "hash": head}
                        for case_id, (seq, head) in moved.items()
                    ],
                )
            names = case_numbers(session, list(checkpoint.rewritten))
            session.commit()
    return Anchored(checkpoint, path, [(c, names.get(c)) for c in checkpoint.rewritten])


def _next_checkpoint(
    log: AnchorLog,
    moved: dict[int, tuple[int, str]],
    rewritten: list[int],
    key: AnchorKey,
    at: datetime,
    day: str | None,
) -> tuple[Checkpoint, bytes]:
    """The checkpoint after the file's newest, and its signed line."""
    number = len(log.checkpoints) + 1
    heads: Heads = dict(log.heads)
    heads.update((case_id, (seq, head, number)) for case_id, (seq, head) in moved.items())
    body: dict[str, Any] = {
        "format": FORMAT,
        "number": number,
        "at": at.isoformat(),
        "day": day,
        "cases": len(heads),
        "heads": [[case_id, seq, head] for case_id, (seq, head) in sorted(moved.items())],
        "rewritten": sorted(rewritten),
        "root": heads_root(heads),
        "key": key.key_id,
        "prev": log.newest.signature if log.newest else GENESIS,
    }
    line, signature = signed_line(body, key)
    checkpoint = Checkpoint(
        number=number,
        at=at,
        day=day,
        cases=len(heads),
        changed=len(moved),
        root=body["root"],
        signature=signature,
        rewritten=tuple(body["rewritten"]),
    )
    return checkpoint, line


def _current_heads(session: Session) -> list[Any]:
    """Every case's head, from the covering index (not the rows behind their state blobs)."""
    query = select(Instance.id, Instance.history_seq, Instance.history_hash).order_by(Instance.id)
    return list(session.connection().execute(query))


def _moves(
    session: Session, anchored: Heads, current: list[Any]
) -> tuple[dict[int, tuple[int, str]], list[int]]:
    """The heads that moved since the last checkpoint, and the cases whose anchored event
    no longer holds its anchored hash (or whose case row is gone)."""
    moved: dict[int, tuple[int, str]] = {}
    rewritten: list[int] = []
    extended: list[tuple[int, int, str, int, str]] = []
    for case_id, seq, head in current:
        old = anchored.get(case_id)
        if old is None:
            if seq:
                moved[case_id] = (seq, head)
        elif (old[0], old[1]) != (seq, head):
            if seq > old[0]:
                extended.append((case_id, old[0], old[1], seq, head))
            else:  # a head never moves back, nor to another hash at the same seq
                rewritten.append(case_id)
    stored = stored_hashes(session, ((case_id, seq) for case_id, seq, *_ in extended))
    for case_id, old_seq, old_head, seq, head in extended:
        if stored.get((case_id, old_seq)) == old_head:
            moved[case_id] = (seq, head)
        else:
            rewritten.append(case_id)
    rewritten.extend(set(anchored) - {row[0] for row in current})
    return moved, rewritten


def stored_hashes(session: Session, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The stored hash of each (case id, seq) event that exists, read through the unique
    (instance_id, seq) index."""
    found: dict[tuple[int, int], str] = {}
    connection = session.connection()
    batch: list[tuple[int, int]] = []
    for pair in pairs:
        batch.append(pair)
        if len(batch) == LOOKUP_BATCH:
            found.update(_lookup(connection, batch))
            batch = []
    if batch:
        found.update(_lookup(connection, batch))
    return found


def _lookup(connection: Any, batch: list[tuple[int, int]]) -> Iterable[tuple[tuple[int, int], str]]:
    """One join of the wanted pairs with the events, each found through the unique index.

    Written as driver SQL: SQLite scans the whole table for `(a, b) IN (VALUES …)`, and
    SQLAlchemy's VALUES construct costs more to compile than the lookups take."""
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    wanted = ", ".join([f"({mark}, {mark})"] * len(batch))
    sql = (
        f"WITH wanted (case_id, seq) AS (VALUES {wanted}) "
        f"SELECT e.instance_id, e.seq, e.hash FROM wanted JOIN {_EVENTS} e "
        "ON e.instance_id = wanted.case_id AND e.seq = wanted.seq"
    )
    rows = connection.exec_driver_sql(sql, tuple(chain.from_iterable(batch)))
    return (((row[0], row[1]), row[2]) for row in rows)


def case_numbers(session: Session, case_ids: list[int]) -> dict[int, str | None]:
    if not case_ids:
        return {}
    query = select(Instance.id, Instance.case_no).where(Instance.id.in_(case_ids))
    return {row[0]: row[1] for row in session.execute(query)}


@dataclass(frozen=True)
class CaseAnchor:
    """The newest checkpoint covering a case, for its dossier (as the database recorded it)."""

    at: datetime
    number: int  # the checkpoint's line in its file
    seq: int  # the case is anchored up to this event
    hash: str


def last_anchor(session: Session, instance_id: int) -> CaseAnchor | None:
    """The case's anchored head (its newest head row) and the newest checkpoint of the same
    file, which carries that head forward."""
    head = session.execute(
        select(AuditAnchorHead.seq, AuditAnchorHead.hash, AuditAnchor.chain)
        .join(AuditAnchor, AuditAnchor.id == AuditAnchorHead.anchor_id)
        .where(AuditAnchorHead.instance_id == instance_id)
        .order_by(AuditAnchorHead.anchor_id.desc())
        .limit(1)
    ).first()
    if head is None:
        return None
    newest = session.execute(
        select(AuditAnchor.at, AuditAnchor.number)
        .where(AuditAnchor.chain == head.chain)
        .order_by(AuditAnchor.number.desc())
        .limit(1)
    ).one()
    return CaseAnchor(at=newest.at, number=newest.number, seq=head.seq, hash=head.hash)
