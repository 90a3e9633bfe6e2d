"""Claiming due timers before firing them, so several workers never fire one timer twice.

Timer rows are the truth (DESIGN.md "Time"). A worker claims a batch of due waiting
timers whose lease is free or expired by writing its id and a lease expiry into them,
in one short transaction, then fires them case by case. On PostgreSQL the claim skips
rows another worker is claiming right now (`FOR UPDATE SKIP LOCKED`); on SQLite the
single UPDATE statement holds the write lock, which is enough for one process. A worker
that dies keeps its lease only until it expires; then any worker claims the timers again.
Exactly-once does not rest on the lease alone: firing is a step, and a step commits only
if the instance row still has the version it loaded.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from ..models import Timer

DEFAULT_LEASE_SECONDS = 60.0
DEFAULT_BATCH = 100


@dataclass(frozen=True)
class Claim:
    timer_id: int
    instance_id: int
    due_at: datetime


def worker_id() -> str:
    """host/pid/random: unique per process start, readable in the timer table."""
    return f"{socket.gethostname()}/{os.getpid()}/{uuid.uuid4().hex[:8]}"


def _claimable(now: datetime, owner: str) -> ColumnElement[bool]:
    return and_(
        Timer.state == "waiting",
        Timer.due_at <= now,
        or_(
            Timer.lease_owner.is_(None),
            Timer.lease_expires_at <= now,
            Timer.lease_owner == owner,
        ),
    )


def claim_due(
    session: Session, *, owner: str, now: datetime, lease_seconds: float, limit: int
) -> list[Claim]:
    """Lease up to `limit` due timers to `owner`, earliest due first; the caller commits."""
    candidates = (
        select(Timer.id)
        .where(_claimable(now, owner))
        .order_by(Timer.due_at, Timer.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = session.execute(
        update(Timer)
        .where(Timer.id.in_(candidates), _claimable(now, owner))
        .values(lease_owner=owner, lease_expires_at=now + timedelta(seconds=lease_seconds))
        .returning(Timer.id, Timer.instance_id, Timer.due_at)
        .execution_options(synchronize_session=False)
    ).all()
    claims = [Claim(id, instance_id, due_at) for id, instance_id, due_at in rows]
    return sorted(claims, key=lambda c: (c.due_at, c.timer_id))


def by_instance(claims: list[Claim]) -> list[tuple[int, list[Claim]]]:
    """Claims grouped by case, cases ordered by their earliest due timer."""
    groups: dict[int, list[Claim]] = {}
    for claim in claims:  # already in due order
        groups.setdefault(claim.instance_id, []).append(claim)
    return list(groups.items())


def waiting_of(session: Session, instance_id: int) -> dict[int, str | None]:
    """A case's waiting timers and who holds each one's lease."""
    rows = session.execute(
        select(Timer.id, Timer.lease_owner).where(
            Timer.instance_id == instance_id, Timer.state == "waiting"
        )
    )
    return {id: owner for id, owner in rows}


def still_mine(waiting: dict[int, str | None], claims: list[Claim], owner: str) -> bool:
    """Whether any claimed timer still waits under our lease (it may have expired and been
    taken, or the case may have been stepped by someone else meanwhile)."""
    return any(waiting.get(c.timer_id, "") == owner for c in claims)


def release(session: Session, claims: list[Claim], owner: str) -> None:
    """Give the lease back at once (after a conflict), so the next wake retries the case."""
    session.execute(
        update(Timer)
        .where(Timer.id.in_([c.timer_id for c in claims]), Timer.lease_owner == owner)
        .values(lease_owner=None, lease_expires_at=None)
        .execution_options(synchronize_session=False)
    )


def cancel(session: Session, claims: list[Claim]) -> None:
    """Timers of a case that has already ended can never fire: close them."""
    session.execute(
        update(Timer)
        .where(Timer.id.in_([c.timer_id for c in claims]), Timer.state == "waiting")
        .values(state="cancelled", lease_owner=None, lease_expires_at=None)
        .execution_options(synchronize_session=False)
    )


def next_claimable(session: Session, *, owner: str, now: datetime) -> datetime | None:
    """The earliest instant a waiting timer can be claimed by `owner`: its due instant, or the
    expiry of a live lease another worker holds on it (so a worker does not spin on timers
    its peers are firing, yet takes them over when a peer dies)."""
    free = session.scalar(
        select(func.min(Timer.due_at)).where(
            Timer.state == "waiting",
            or_(
                Timer.lease_owner.is_(None),
                Timer.lease_expires_at <= now,
                Timer.lease_owner == owner,
            ),
        )
    )
    leased = session.scalar(
        select(func.min(func.coalesce(Timer.lease_expires_at, Timer.due_at))).where(
            Timer.state == "waiting",
            Timer.due_at <= now,  # only due timers are ever leased: the (state, due_at) index
            Timer.lease_owner.is_not(None),
            Timer.lease_owner != owner,
            Timer.lease_expires_at > now,
        )
    )
    candidates = [instant for instant in (free, leased) if instant is not None]
    return min(candidates) if candidates else None
