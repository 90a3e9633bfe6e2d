"""S1 budgets on PostgreSQL: a step running its diagram code to the budget holds no lock,
so the inbox and a claim on another case answer meanwhile."""

from __future__ import annotations

import pytest

from engine.config import Settings
from engine.people.accounts import create_token
from tests.over_budget import requests_answer_while_a_step_runs_over_budget
from tests.pg.conftest import engine_on
from webui import create_app

pytestmark = [pytest.mark.postgres]


def test_requests_answer_while_a_step_runs_over_budget(pg_url, tmp_path, monkeypatch):
    monkeypatch.setenv("JTFLOW_SECRET_KEY", "test-only")
    jtflow = engine_on(pg_url)
    app = create_app(Settings(database_url=pg_url), jtflow=jtflow, config={"TESTING": True})
    with jtflow.sessions() as session:
        token = create_token(session, "transport_handler", jtflow.clock.now())
        session.commit()
    requests_answer_while_a_step_runs_over_budget(
        jtflow, app.test_client(), token, tmp_path / "probe"
    )
