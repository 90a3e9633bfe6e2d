"""The daily digest (issue 16): once a day, at the time each person chose, their unread
notifications summed up and handed to their delivery channel.

APScheduler only wakes the job (every CHECK_SECONDS), as for the daily anchor. A digest is
claimed before it is sent: its row (person, Xiamen day) is committed under a unique key,
so of several workers sharing the database one makes it, and a crash after the claim
loses that day's digest rather than sending it twice.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import Notification, NotificationDigest, NotificationSetting, User
from ..service import Jtflow
from ..time.clock import SHANGHAI, Clock
from .delivery import Delivery, Message

log = logging.getLogger(__name__)

CHECK_SECONDS = 60.0
CLAIMED = "已认领，发送中"  # a digest row's outcome between its claim and its sending
KIND_NAMES = {
    "task": "新待办",
    "urgent": "紧急转办",
    "returned": "退回",
    "yellow": "黄灯",
    "red": "红灯",
    "escalated": "催办",
    "supervised": "督办",
}
MAX_LINES = 20


class DailyDigest:
    def __init__(self, jtflow: Jtflow, delivery: Delivery, *, clock: Clock | None = None):
        self.jtflow = jtflow
        self.delivery = delivery
        self.clock = clock or jtflow.clock
        self.check_seconds = CHECK_SECONDS

    def run(self) -> int:
        """One wake: make the digests due by now that nobody made today. Returns how many
        this process made. Never raises: the next wake tries again."""
        now = self.clock.now()
        local = now.astimezone(SHANGHAI)
        day, time_of_day = local.date().isoformat(), local.strftime("%H:%M")
        try:
            with self.jtflow.sessions() as session:
                due = _due(session, day, time_of_day)
        except Exception:
            log.exception("reading the digests due failed; trying again at the next wake")
            return 0
        made = 0
        for username, channel in due:
            try:
                made += self._make(username, channel, day, now)
            except Exception:
                log.exception("the daily digest of %s failed", username)
        return made

    def _make(self, username: str, channel: str, day: str, now: datetime) -> int:
        with self.jtflow.sessions() as session:
            notes = _unread(session, username)
            row = NotificationDigest(
                username=username,
                day=day,
                at=now,
                channel=channel,
                items=len(notes),
                delivered=False,
                outcome=CLAIMED if notes else "无未读通知，未发送",
                made_by=self.jtflow.worker_id,
            )
            session.add(row)
            try:
                session.commit()  # the claim: another worker's row for the day refuses ours
            except IntegrityError:
                session.rollback()
                return 0
            if notes:
                outcome = self.delivery.send(_message(username, channel, day, notes))
                row.delivered, row.outcome = outcome.delivered, outcome.detail[:200]
                session.commit()
        return 1


def _due(session: Session, day: str, time_of_day: str) -> list[tuple[str, str]]:
    """Active people whose digest time has come today and whose digest nobody made yet."""
    made = select(NotificationDigest.id).where(
        NotificationDigest.username == NotificationSetting.username, NotificationDigest.day == day
    )
    rows = session.execute(
        select(NotificationSetting.username, NotificationSetting.channel)
        .join(User, and_(User.username == NotificationSetting.username, User.active.is_(True)))
        .where(
            NotificationSetting.digest_at.is_not(None),
            NotificationSetting.digest_at <= time_of_day,
            ~made.exists(),
        )
        .order_by(NotificationSetting.username)
    )
    return [(username, channel) for username, channel in rows]


def _unread(session: Session, username: str) -> list[Notification]:
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.username == username, Notification.read_at.is_(None))
            .order_by(Notification.id.desc())
        )
    )


def _message(username: str, channel: str, day: str, notes: list[Notification]) -> Message:
    kinds = Counter(n.kind for n in notes)
    summary = "，".join(f"{KIND_NAMES.get(k, k)} {c} 条" for k, c in kinds.most_common())
    lines = [f"{KIND_NAMES.get(n.kind, n.kind)}：{n.step_name}" for n in notes[:MAX_LINES]]
    if len(notes) > MAX_LINES:
        lines.append(f"……另有 {len(notes) - MAX_LINES} 条，请登录系统查看")
    subject = f"{day} 每日摘要：未读通知 {len(notes)} 条（{summary}）"
    return Message(username, channel, subject, "\n".join(lines))
