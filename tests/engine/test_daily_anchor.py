"""The scheduler's daily checkpoint on the fake clock: once a day (Asia/Shanghai), by one of
several processes sharing the database, retried after a failure, and only with a key."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from engine.config import Settings
from engine.daily_anchor import DailyAnchor, daily_anchor_for
from engine.errors import ConfigurationError
from engine.models import AuditAnchor
from engine.record.anchor_key import AnchorKey
from engine.scheduler import ANCHOR_JOB_ID, TimerScheduler
from engine.time.clock import SHANGHAI
from tests.factories import report

KEY = AnchorKey(b"d" * 32)


class Recorder:
    """Stands in for APScheduler: records the jobs it is given, runs none."""

    def __init__(self) -> None:
        self.jobs: dict[str, tuple[Any, str, dict[str, Any]]] = {}

    def start(self) -> None:
        pass

    def shutdown(self, wait: bool = True) -> None:
        pass

    def add_job(self, func: Any, trigger: str, **kwargs: Any) -> None:
        self.jobs[kwargs["id"]] = (func, trigger, kwargs)


def days_anchored(jtflow) -> list[str | None]:  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        return list(session.scalars(select(AuditAnchor.day).order_by(AuditAnchor.id)))


def test_the_heads_are_anchored_once_a_day(jtflow, clock, tmp_path):
    report(jtflow)
    path = tmp_path / "anchors.jsonl"
    daily = DailyAnchor(jtflow, KEY, path)
    made = daily.run()
    assert made is not None and made.checkpoint.cases == 1
    clock.advance(hours=10)
    assert daily.run() is None  # the same day in Xiamen
    midnight = datetime(2026, 9, 29, 0, 5, tzinfo=SHANGHAI)
    clock.set(midnight)
    assert daily.run() is not None
    assert days_anchored(jtflow) == ["2026-09-28", "2026-09-29"]
    assert len(path.read_bytes().splitlines()) == 2


def test_of_several_processes_one_anchors_the_day(fresh, clock, tmp_path):
    report(fresh())
    first = DailyAnchor(fresh(), KEY, tmp_path / "node-a.jsonl")
    second = DailyAnchor(fresh(), KEY, tmp_path / "node-b.jsonl")
    assert first.run() is not None
    assert second.run() is None and second.done_day == "2026-09-28"
    assert not (tmp_path / "node-b.jsonl").read_bytes()
    clock.advance(days=1)
    assert second.run() is not None and first.run() is None
    assert days_anchored(fresh()) == ["2026-09-28", "2026-09-29"]


def test_a_failed_anchor_is_logged_and_tried_again_at_the_next_wake(
    jtflow, clock, tmp_path, caplog
):
    missing = tmp_path / "not-yet" / "anchors.jsonl"
    daily = DailyAnchor(jtflow, KEY, missing)
    with caplog.at_level(logging.ERROR, logger="engine.daily_anchor"):
        assert daily.run() is None
    assert "anchoring the chain heads failed" in caplog.text and daily.done_day is None
    missing.parent.mkdir()
    clock.advance(minutes=10)
    assert daily.run() is not None


def test_the_scheduler_wakes_the_daily_anchor_only_with_a_key(jtflow, clock, tmp_path):
    recorder = Recorder()
    TimerScheduler(jtflow, scheduler=recorder).start()
    assert ANCHOR_JOB_ID not in recorder.jobs
    daily = DailyAnchor(jtflow, KEY, tmp_path / "anchors.jsonl")
    TimerScheduler(jtflow, scheduler=recorder, daily_anchor=daily).start()
    func, trigger, kwargs = recorder.jobs[ANCHOR_JOB_ID]
    assert func == daily.run and trigger == "interval"
    assert kwargs["seconds"] == daily.check_seconds and kwargs["next_run_time"] <= clock.now()
    assert kwargs["max_instances"] == 1


def test_a_daily_anchor_needs_a_key_and_a_place(jtflow, db_url, tmp_path):
    assert daily_anchor_for(Settings(database_url=db_url), jtflow) is None
    daily = daily_anchor_for(Settings(database_url=db_url, audit_key="k" * 32), jtflow)
    assert daily is not None
    assert daily.path == Path(db_url.removeprefix("sqlite:///") + ".anchors")
    assert daily.check_seconds <= timedelta(hours=1).total_seconds()
    with pytest.raises(ConfigurationError, match="太短"):
        daily_anchor_for(Settings(database_url=db_url, audit_key="short"), jtflow)
