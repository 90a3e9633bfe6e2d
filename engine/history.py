"""The append-only case history, hash-chained per instance (S2).

Each event stores the hash of the one before it, so editing, deleting or
reordering any row breaks the chain from that row on.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from .models import HistoryEvent, Instance, table_of

GENESIS = "0" * 64


def event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    body = orjson.dumps(fields, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    return hashlib.sha256(prev_hash.encode() + body).hexdigest()


_HASHED = ("seq", "actor", "kind", "element_id", "data", "definition_id")


def _fields(event: HistoryEvent | dict[str, Any]) -> dict[str, Any]:
    """What an event's hash covers: everything but its own hash and the chain link."""
    values = event if isinstance(event, dict) else {n: getattr(event, n) for n in ("at", *_HASHED)}
    return {"at": values["at"].isoformat(), **{name: values[name] for name in _HASHED}}


class HistoryWriter:
    """Collects one step's events for one instance and writes them in one statement.

    The chain's head (last seq and hash) lives on the instance row, so appending needs
    no query and two writers racing on one case meet at the row's version check.
    """

    def __init__(self, session: Session, instance: Instance):
        self.session = session
        self.instance = instance
        self.pending: list[dict[str, Any]] = []

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
        event["hash"] = event_hash(instance.history_hash, _fields(event))
        self.pending.append(event)
        instance.history_seq, instance.history_hash = event["seq"], event["hash"]

    def write(self) -> None:
        if self.pending:
            self.session.connection().execute(insert(table_of(HistoryEvent)), self.pending)
            self.pending = []


def verify_chain(events: list[HistoryEvent]) -> int | None:
    """The seq of the first event whose chain is broken, or None if the whole chain holds."""
    prev = GENESIS
    for expected_seq, event in enumerate(events, start=1):
        if event.seq != expected_seq or event.prev_hash != prev:
            return event.seq
        if event_hash(prev, _fields(event)) != event.hash:
            return event.seq
        prev = event.hash
    return None


def case_history(session: Session, instance_id: int) -> list[HistoryEvent]:
    return list(
        session.scalars(
            select(HistoryEvent)
            .where(HistoryEvent.instance_id == instance_id)
            .order_by(HistoryEvent.seq)
        )
    )
