"""A person's notifications, read and marked read (issue 16): only ever their own.

The bell asks two things on every look — how many are unread, and what is newer than what
the page has shown — each one range of an index led by the username, so a look costs the
same with 10 or 100,000 rows in the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..errors import NotFound
from ..models import Instance, Notification

MAX_PER_PAGE = 100
MAX_NEWER = 20  # what one look hands the page at most; the count says the rest


@dataclass(frozen=True)
class Shown:
    """A notification with its case, as the bell and the page show it."""

    note: Notification
    case_no: str | None
    title: str


@dataclass(frozen=True)
class NotePage:
    rows: list[Shown]
    total: int
    unread: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def unread_count(session: Session, username: str) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.username == username, Notification.read_at.is_(None))
        )
        or 0
    )


def newer_than(session: Session, username: str, after_id: int) -> list[Shown]:
    """The person's notifications after `after_id`, oldest first (what a page has not shown)."""
    return _shown(
        session,
        select(Notification)
        .where(Notification.username == username, Notification.id > after_id)
        .order_by(Notification.id.desc())
        .limit(MAX_NEWER),
    )[::-1]


def latest_id(session: Session, username: str) -> int:
    return (
        session.scalar(select(func.max(Notification.id)).where(Notification.username == username))
        or 0
    )


def notes_page(
    session: Session, username: str, *, unread_only: bool = False, page: int = 1, per_page: int = 25
) -> NotePage:
    """One page of the person's notifications, newest first."""
    page, per_page = max(1, page), min(max(1, per_page), MAX_PER_PAGE)
    where = [Notification.username == username]
    if unread_only:
        where.append(Notification.read_at.is_(None))
    total = session.scalar(select(func.count()).select_from(Notification).where(*where)) or 0
    rows = _shown(
        session,
        select(Notification)
        .where(*where)
        .order_by(Notification.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page),
    )
    return NotePage(rows, total, unread_count(session, username), page, per_page)


def mark_read(session: Session, username: str, note_id: int, now: datetime) -> Shown:
    """Mark one of the person's notifications read; another's is not found (never shown)."""
    note = session.get(Notification, note_id)
    if note is None or note.username != username:
        raise NotFound(f"没有编号为 {note_id} 的通知")
    if note.read_at is None:
        note.read_at = now
    return _shown(session, select(Notification).where(Notification.id == note_id))[0]


def mark_all_read(session: Session, username: str, now: datetime) -> int:
    """Mark every unread notification of the person read; returns how many."""
    result = session.execute(
        update(Notification)
        .where(Notification.username == username, Notification.read_at.is_(None))
        .values(read_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _shown(session: Session, query: object) -> list[Shown]:
    notes: Sequence[Notification] = session.scalars(query).all()  # type: ignore[call-overload]
    ids = {n.instance_id for n in notes}
    cases = {
        id: (no, title)
        for id, no, title in session.execute(
            select(Instance.id, Instance.case_no, Instance.title).where(Instance.id.in_(ids))
        )
    }
    return [Shown(n, *cases.get(n.instance_id, (None, ""))) for n in notes]
