"""Sending a message to a person outside the app — by 12328's SMS gateway, by SMS, by
e-mail — behind one interface (issue 16), injected where digests are made.

No provider is connected yet, so the one implementation logs each message and reports it
as not sent: nothing here claims a delivery it did not make. A real provider implements
`Delivery.send` and says whether the provider accepted the message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger(__name__)

CHANNELS = ("email", "sms", "12328")  # e-mail, SMS, the 12328 hotline's messages
NOT_SENT = "未发送：未配置{channel}发送服务（no provider configured）"


@dataclass(frozen=True)
class Message:
    username: str
    channel: str
    subject: str
    body: str


@dataclass(frozen=True)
class Outcome:
    delivered: bool  # True only when a provider took the message
    detail: str


class Delivery(Protocol):
    def send(self, message: Message) -> Outcome: ...


CHANNEL_NAMES = {"email": "电子邮件", "sms": "短信", "12328": "12328"}


class LoggedDelivery:
    """No provider: each message is logged as not sent, and its outcome says so."""

    def send(self, message: Message) -> Outcome:
        log.warning(
            "notification not sent: no provider configured for %s (to %s: %s)",
            message.channel,
            message.username,
            message.subject,
        )
        return Outcome(False, NOT_SENT.format(channel=CHANNEL_NAMES.get(message.channel, "")))
