"""Issue 16: the daily digest is made once per person and day, at their time, honestly."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.errors import InvalidInput
from engine.models import NotificationDigest
from engine.notify.delivery import LoggedDelivery
from engine.notify.digest import DailyDigest
from engine.notify.digest_settings import digest_setting, set_digest
from engine.time.clock import parse_instant
from tests.digests import Recorded
from tests.factories import report


def at(text: str):  # type: ignore[no-untyped-def]
    return parse_instant(text + ":00+08:00")


def choose(jtflow, username: str, digest_at: str | None, channel: str = "sms") -> None:  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        set_digest(session, username, digest_at, channel)
        session.commit()


def test_the_digest_comes_once_a_day_at_the_persons_time(fresh, clock):
    report(fresh())  # c_12328 is told of 分类转办
    choose(fresh(), "c_12328", "17:30")
    delivery = Recorded()
    digest = DailyDigest(fresh(), delivery)
    clock.set(at("2026-09-28T17:29"))
    assert digest.run() == 0
    clock.set(at("2026-09-28T17:30"))
    assert digest.run() == 1
    clock.advance(minutes=10)
    assert digest.run() == 0  # made today already
    assert DailyDigest(fresh(), delivery).run() == 0  # by another worker too
    [message] = delivery.sent
    assert (message.username, message.channel) == ("c_12328", "sms")
    assert "新待办 1 条" in message.subject and "分类转办" in message.body
    clock.set(at("2026-09-29T17:30"))
    assert digest.run() == 1
    assert len(delivery.sent) == 2


def test_the_logging_delivery_says_it_sent_nothing(fresh, clock, caplog):
    report(fresh())
    choose(fresh(), "c_12328", "09:00", "email")
    with caplog.at_level(logging.WARNING):
        assert DailyDigest(fresh(), LoggedDelivery()).run() == 1
    assert "not sent: no provider configured" in caplog.text
    with fresh().sessions() as session:
        row = session.scalars(select(NotificationDigest)).one()
    assert row.delivered is False and "未发送" in row.outcome and row.items == 1


def test_no_digest_when_off_or_nothing_unread(fresh, clock):
    choose(fresh(), "c_12328", None)
    choose(fresh(), "transport_handler", "08:00")  # nothing unread
    delivery = Recorded()
    assert DailyDigest(fresh(), delivery).run() == 1
    assert delivery.sent == []
    clock.advance(timedelta(days=1))
    with fresh().sessions() as session:
        assert digest_setting(session, "c_12328").digest_at is None


def test_a_bad_setting_is_refused_naming_the_field(fresh):
    with pytest.raises(InvalidInput) as refused:
        choose(fresh(), "c_12328", "25:00", "fax")
    assert [e.field for e in refused.value.errors] == ["digest_at", "channel"]
