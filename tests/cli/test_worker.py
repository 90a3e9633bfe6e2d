"""`jtflow worker` as a real process on SQLite: it fires what is due at start, and SIGTERM stops
it cleanly; a database or setting that cannot work is one clear line, not a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import UTC, datetime

from click.testing import CliRunner
from sqlalchemy import func, select

from cli.bench_timers import wait_started, worker_command
from cli.main import main
from engine.config import PROJECT_ROOT
from engine.models import Timer
from tests.conftest import build
from tests.factories import report


def test_a_worker_fires_due_timers_and_stops_on_sigterm(db_url, clock):
    case = report(build(db_url, clock))  # reported 2026-09-28: its deadlines passed long ago
    proc = subprocess.Popen(
        worker_command(),
        env={**os.environ, "JTFLOW_DATABASE_URL": db_url},
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_started(proc, timeout=30)
        jtflow = build(db_url, clock)
        deadline = time.monotonic() + 20
        while due_now(jtflow) and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    with jtflow.sessions() as session:
        states = dict(
            session.execute(
                select(Timer.state, func.count())
                .where(Timer.instance_id == case.case_id)
                .group_by(Timer.state)
            ).all()
        )
    assert states.get("fired", 0) >= 1 and not due_now(jtflow)


def due_now(jtflow) -> bool:  # type: ignore[no-untyped-def]
    """A timer is due by the worker's clock, the real one (a 催办's own deadline, E12, is
    later)."""
    due = jtflow.next_timer_due()
    return due is not None and due <= datetime.now(UTC)


def test_a_worker_on_a_missing_database_says_so_in_one_line(tmp_path):
    env = {"JTFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite'}"}
    result = CliRunner(env=env).invoke(main, ["worker"])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("错误：数据库不可用或尚未初始化")


def test_a_bad_lease_setting_says_what_to_write(tmp_path):
    env = {
        "JTFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}",
        "JTFLOW_TIMER_LEASE_SECONDS": "soon",
    }
    result = CliRunner(env=env).invoke(main, ["worker"])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "JTFLOW_TIMER_LEASE_SECONDS=soon 无效" in result.stderr
