"""S2 on PostgreSQL: the 12328 complaint of tests/walkthrough.py — pressed when red (E12),
returned once (E10), archived — worked through the command line on the real clock and through
the API on a clock that ticks at every read, replays exactly, and the API says
`reproduced: true` at every step."""

from __future__ import annotations

import json
import os
import subprocess
from types import SimpleNamespace

import pytest

from cli.bench_timers import worker_command
from engine.config import PROJECT_ROOT, Settings, open_jtflow
from engine.people.accounts import create_token
from engine.time.clock import TickingClock
from tests.cli.test_replay_cli import report_overdue
from tests.conftest import START
from tests.pg.conftest import engine_on
from tests.walkthrough import (
    REPORT,
    api_reader,
    check_the_record,
    replays_exactly,
    reproduced_at_every_step,
    walk,
)
from tests.webui.api.conftest import Api
from webui import create_app

JTFLOW = worker_command()[:-1]  # the installed `jtflow` command


@pytest.mark.postgres
def test_a_case_worked_on_the_command_line_replays_on_postgresql(pg_url, monkeypatch):
    """Each command a process of its own, as an operator runs them, on the real clock."""
    monkeypatch.setenv("JTFLOW_SECRET_KEY", "test-only")  # a shared database needs one
    env = {**os.environ, "JTFLOW_DATABASE_URL": pg_url}

    def cli(*args: str) -> SimpleNamespace:
        done = subprocess.run(
            [*JTFLOW, *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return SimpleNamespace(exit_code=done.returncode, output=done.stdout, stderr=done.stderr)

    def complete(task, data, username):  # type: ignore[no-untyped-def]
        cli("task", "complete", str(task.id), "--as", username, "--data", json.dumps(data))

    jtflow = engine_on(pg_url)  # reads the rows, on the real clock as the commands do
    case_no = report_overdue(cli)
    done = walk(jtflow, case_no, complete)
    history = check_the_record(jtflow, case_no, done)
    assert "全部一致" in cli("audit", "replay", case_no).output
    replays_exactly(jtflow, case_no)
    reproduced_at_every_step(api_reader(jtflow, pg_url), case_no, len(history))


@pytest.mark.postgres
def test_a_case_worked_through_the_api_replays_on_postgresql(pg_url, monkeypatch):
    monkeypatch.setenv("JTFLOW_SECRET_KEY", "test-only")  # a shared database needs one
    clock = TickingClock(START)
    jtflow = open_jtflow(Settings(database_url=pg_url), clock)
    try:
        client = create_app(
            Settings(database_url=pg_url), jtflow=jtflow, config={"TESTING": True}
        ).test_client()

        def api_as(username: str) -> Api:
            with jtflow.sessions() as session:
                token = create_token(session, username, clock.now())
                session.commit()
            return Api(client, token)

        body = {**REPORT, "discovered_at": START.isoformat()}
        reported = api_as("c_12328").post("/api/events", body)
        assert reported.status_code == 201, reported.get_json()
        case_no = reported.get_json()["case_no"]
        clock.advance(days=1, hours=1)
        jtflow.fire_due_timers()

        def complete(task, data, username):  # type: ignore[no-untyped-def]
            response = api_as(username).post(f"/api/tasks/{task.id}/complete", {"data": data})
            assert response.status_code == 200, response.get_json()

        done = walk(jtflow, case_no, complete, between=lambda: clock.advance(hours=1))
        history = check_the_record(jtflow, case_no, done)
        replays_exactly(jtflow, case_no)
        auditor = api_as("auditor")
        reproduced_at_every_step(lambda p: auditor.get(p).get_json(), case_no, len(history))
    finally:
        jtflow.sessions.kw["bind"].dispose()
