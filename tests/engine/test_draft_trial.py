"""Trying a draft on history (issue 14, engine/draft_trial.py): on a hand-built history, a
draft that shortens a deadline reports exactly the cases that would have turned red there,
and one that drops a step names it; nothing is written to the real database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.definitions.deploy import collect_files
from engine.draft_trial import prepare, run_trial, start_trial, totals, try_case
from engine.models import HistoryEvent, Instance, TrialRun
from tests.factories import report, status, step, write_variant

SIGN_FOR_IN_FOUR_HOURS = (  # E5 tightened: 签收 within 4 hours of the transfer
    (
        "warn_at(transferred_at, add_working_days(transferred_at, 1))",
        "warn_at(transferred_at, add_hours(transferred_at, 4))",
    ),
    (
        "<bpmn:timeDate>add_working_days(transferred_at, 1)</bpmn:timeDate>",
        "<bpmn:timeDate>add_hours(transferred_at, 4)</bpmn:timeDate>",
    ),
)


def closed_case(jtflow, clock, signed_after_hours):  # type: ignore[no-untyped-def]
    """A 12328 event transferred, signed for after the given hours, then answered and archived."""
    case = report(jtflow, channel="hotline_12328")
    step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "BUS_GROUP"})
    clock.advance(hours=signed_after_hours)
    step(jtflow, case, "sign_for")
    for element in ("handle_reply", "leader_approve", "center_audit", "revisit", "archive"):
        clock.advance(hours=1)
        step(jtflow, case, element)
    assert status(jtflow, case) == "archived"
    return case


@pytest.fixture
def history(jtflow, clock):  # type: ignore[no-untyped-def]
    """Signed for after 1, 6 and 2 hours (all within the 1 working day in force)."""
    return [closed_case(jtflow, clock, hours) for hours in (1, 6, 2)]


def draft_files(folder: Path, *edits):  # type: ignore[no-untyped-def]
    return collect_files(write_variant(folder, *edits))


def rows(jtflow):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(Instance)),
            session.scalar(select(func.count()).select_from(HistoryEvent)),
        )


def test_a_shorter_deadline_reports_exactly_the_cases_that_would_have_gone_red(
    jtflow, history, tmp_path
):
    before = rows(jtflow)
    files = draft_files(tmp_path, *SIGN_FOR_IN_FOUR_HOURS)
    trial_id = start_trial(jtflow, "event_lifecycle", "owner", files, 200)
    run_trial(jtflow, trial_id, files)
    with jtflow.sessions() as session:
        trial = session.get(TrialRun, trial_id)
        assert trial is not None and trial.finished_at is not None and trial.error is None
        results = trial.results
    assert trial.total == trial.done == 3
    red = {r["case_no"] for r in results if r["turned_red"]}
    assert red == {history[1].case_no}  # only the one signed for after 6 hours
    (late,) = (r for r in results if r["case_no"] == history[1].case_no)
    assert late["turned_red"] == ["签收"]
    assert any("签收」在草稿中会亮红灯" in d for d in late["differences"])
    moved = next(d for d in late["differences"] if "签收」的时限由" in d)  # the deadline moved
    assert re.search(r"由 \d{4}-\d\d-\d\d \d\d:\d\d 变为 \d{4}-\d\d-\d\d \d\d:\d\d$", moved)
    assert totals(results) == {"tried": 3, "diverged": 3, "turned_red_by_step": {"签收": 1}}
    assert rows(jtflow) == before  # nothing written but the trial's own row


def test_the_unchanged_diagram_reports_no_difference(jtflow, history, tmp_path):
    draft = prepare(jtflow, draft_files(tmp_path))
    for case in history:
        trial = try_case(jtflow, draft, case.case_id)
        assert trial.differences == [] and not trial.stopped, trial


def test_a_step_the_draft_does_not_open_ends_the_trial_of_that_case(jtflow, history, tmp_path):
    no_revisit = (  # 12328 answers go straight to archiving: the revisit step is never opened
        (
            '<bpmn:conditionExpression>channel == "hotline_12328"</bpmn:conditionExpression>',
            '<bpmn:conditionExpression>channel == "no_such_channel"</bpmn:conditionExpression>',
        ),
    )
    draft = prepare(jtflow, draft_files(tmp_path, *no_revisit))
    trial = try_case(jtflow, draft, history[0].case_id)
    assert trial.stopped and "「回访」在草稿中不会出现" in trial.differences[0]
    # the archive it opens instead counts its own deadline from the closing (E12)
    assert trial.differences[1:] in (
        [],
        ["「归档」的时限由 2026-09-29 14:00 变为 2026-09-29 13:00"],
    )
