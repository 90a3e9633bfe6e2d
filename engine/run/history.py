"""The append-only case history, hash-chained per instance (S2).

Each event stores the hash of the one before it, so editing, deleting or
reordering any row breaks the chain from that row on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..models import HistoryEvent, Instance, table_of

GENESIS = "0" * 64


def event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    body = orjson.dumps(fields, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    return hashlib.sha256(prev_hash.encode() + body).hexdigest()


_HASHED = ("seq", "actor", "kind", "element_id", "data", "definition_id")


def hashed_fields(event: Any) -> dict[str, Any]:
    """What an event's hash covers: everything but its own hash and the chain link.

    `event` is a mapping (an event about to be written) or has the fields as attributes
    (a HistoryEvent, or a Core row: audits hash millions of these, so no mapping is built)."""
    if isinstance(event, Mapping):
        at = event["at"].astimezone(UTC).isoformat()  # stored in UTC, so hashed in UTC
        return {"at": at, **{name: event[name] for name in _HASHED}}
    return {
        "at": event.at.astimezone(UTC).isoformat(),
        "seq": event.seq,
        "actor": event.actor,
        "kind": event.kind,
        "element_id": event.element_id,
        "data": event.data,
        "definition_id": event.definition_id,
    }


_INSERT = insert(table_of(HistoryEvent))  # built once: every step runs it


class HistoryWriter:
    """Collects one step's events for one instance and writes them in one statement.

    The chain's head (last seq and hash) lives on the instance row, so appending needs
    no query and two writers racing on one case meet at the row's version check.
    """

    def __init__(self, session: Session, instance: Instance):
        self.session = session
        self.instance = instance
        self.pending: list[dict[str, Any]] = []
        self.written: list[str] = []  # the kinds of the events written, in order

    def append(
        self,
        kind: str,
        *,
        at: datetime,
        actor: str,
        element_id: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        instance = self.instance
        event: dict[str, Any] = {
            "instance_id": instance.id,
            "seq": instance.history_seq + 1,
            "at": at,
            "actor": actor,
            "kind": kind,
            "element_id": element_id,
            "data": data or {},
            "definition_id": instance.definition_id,
            "prev_hash": instance.history_hash,
        }
        event["hash"] = event_hash(instance.history_hash, hashed_fields(event))
        self.pending.append(event)
        instance.history_seq, instance.history_hash = event["seq"], event["hash"]

    def write(self) -> None:
        if self.pending:
            self.session.connection().execute(_INSERT, self.pending)
            self.written += [event["kind"] for event in self.pending]
            self.pending = []


def append_to_ended_case(
    session: Session, instance_id: int, kind: str, *, at: datetime, actor: str, data: dict[str, Any]
) -> None:
    """One event on a case no step runs any more (a grant revoked, a file removed): its
    chain head moves on the instance row as a step's would. The caller commits."""
    instance = session.get(Instance, instance_id)
    assert instance is not None
    history = HistoryWriter(session, instance)
    history.append(kind, at=at, actor=actor, data=data)
    session.flush()
    history.write()


def first_break(events: Sequence[Any]) -> tuple[int, str] | None:
    """The seq of the first event of one case whose chain is broken, and why; None if it holds.

    `events` are the case's rows in seq order (ORM objects or Core rows)."""
    prev = GENESIS
    for expected, event in enumerate(events, start=1):
        if event.seq != expected:
            missing = "缺失" if event.seq > expected else "重复"
            return expected, f"第 {expected} 条事件{missing}（序号不连续）"
        if event.prev_hash != prev:
            return event.seq, f"第 {event.seq} 条事件与前一条不相连（顺序被调换或前一条被改动）"
        if event_hash(prev, hashed_fields(event)) != event.hash:
            return event.seq, f"第 {event.seq} 条事件的内容与其哈希不符（被改动）"
        prev = event.hash
    return None


def verify_chain(events: Sequence[Any]) -> int | None:
    broken = first_break(events)
    return None if broken is None else broken[0]


def case_history(session: Session, instance_id: int) -> list[HistoryEvent]:
    return list(
        session.scalars(
            select(HistoryEvent)
            .where(HistoryEvent.instance_id == instance_id)
            .order_by(HistoryEvent.seq)
        )
    )
