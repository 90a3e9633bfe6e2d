"""Jtflow.start_case: a case of a process other than the event lifecycle starts from the
facts its own service checked, is numbered, verified and replayed like an event."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from engine.errors import NotFound
from engine.record.cases import case_number
from engine.replay import replay_case
from tests.engine.test_audit import broken
from tests.factories import answer_for, start_trial, status, step

FACTS = {"title": "试办案件", "channel": "trial", "urgency": "normal", "purpose": "测试"}


@pytest.fixture
def trial(jtflow, tmp_path: Path):  # type: ignore[no-untyped-def]
    return start_trial(jtflow, tmp_path, FACTS)


def test_a_started_case_runs_to_its_end_and_verifies(jtflow, trial):
    assert [t.element_id for t in trial.tasks] == ["archive"]
    assert trial.case_no.startswith("JT")  # a process without letters of its own
    first = jtflow.history(trial.case_id)[0]
    assert first.kind == "case_reported" and first.data == {**FACTS, "process": "trial"}
    step(jtflow, trial, "archive", answer_for("archive", "CENTER"))
    assert status(jtflow, trial) == "completed"
    assert broken(jtflow) == []


def test_a_started_case_replays_from_its_recorded_facts(jtflow, trial):
    step(jtflow, trial, "archive", answer_for("archive", "CENTER"))
    result = replay_case(jtflow, trial.case_id)
    assert result.divergence is None, result.divergence
    assert result.events == len(jtflow.history(trial.case_id))


def test_an_undeployed_process_is_refused_and_nothing_is_saved(jtflow):
    with pytest.raises(NotFound, match="尚未部署"):
        jtflow.start_case("no_such_process", FACTS, starter="c_12328")
    with jtflow.sessions() as session:
        assert (
            session.execute(text("SELECT count(*) FROM instance WHERE channel = 'trial'")).scalar()
            == 0
        )


def test_case_numbers_carry_their_process_letters(clock):
    now = clock.now()
    assert case_number(7, now, "sharing_request").startswith("GX")
    assert case_number(7, now, "market_application").startswith("SC")
    assert case_number(7, now).startswith("JT")
