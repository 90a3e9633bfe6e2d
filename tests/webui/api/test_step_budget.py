"""S1 budgets on SQLite: a step running its diagram code to the budget holds no write lock,
so the inbox and a claim on another case answer meanwhile."""

from __future__ import annotations

from tests.over_budget import requests_answer_while_a_step_runs_over_budget


def test_requests_answer_while_a_step_runs_over_budget(jtflow, client, token_for, tmp_path):
    requests_answer_while_a_step_runs_over_budget(
        jtflow, client, token_for("transport_handler"), tmp_path / "probe"
    )
