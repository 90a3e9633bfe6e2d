"""A person's daily digest setting (issue 16): off, or daily at a time of day in Xiamen,
on one channel of engine/notify/delivery.py."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from ..errors import FieldError, InvalidInput
from ..models import NotificationSetting
from .delivery import CHANNELS

TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def digest_setting(session: Session, username: str) -> NotificationSetting:
    """The person's setting; off (an unsaved row) when they never set one."""
    found = session.get(NotificationSetting, username)
    return found or NotificationSetting(username=username, digest_at=None, channel="email")


def set_digest(
    session: Session, username: str, digest_at: str | None, channel: str
) -> NotificationSetting:
    """Turn the digest off (`digest_at` empty) or on at HH:MM on `channel`."""
    digest_at = (digest_at or "").strip() or None
    errors = []
    if digest_at is not None and not TIME.match(digest_at):
        errors.append(FieldError("digest_at", "摘要时间应为 HH:MM（如 08:30），不发送时留空"))
    if channel not in CHANNELS:
        errors.append(FieldError("channel", f"发送渠道应为 {'、'.join(CHANNELS)} 之一"))
    if errors:
        raise InvalidInput("每日摘要设置有误：" + "；".join(e.message for e in errors), errors)
    setting = session.get(NotificationSetting, username)
    if setting is None:
        setting = NotificationSetting(username=username)
        session.add(setting)
    setting.digest_at, setting.channel = digest_at, channel
    return setting
