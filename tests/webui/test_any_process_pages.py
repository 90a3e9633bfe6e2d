"""The case page, its diagram, the auditor's search, step-through and dossier serve a case
of any process, not only the event lifecycle (issue 13: "work for every process")."""

from __future__ import annotations

import pytest

from tests.engine.test_start_case import FACTS
from tests.factories import answer_for, start_trial, step
from tests.webui.pages import signed_in_as, text


@pytest.fixture
def done_trial(jtflow, tmp_path):  # type: ignore[no-untyped-def]
    trial = start_trial(jtflow, tmp_path, FACTS)
    step(jtflow, trial, "archive", answer_for("archive", "CENTER"))
    return trial


@pytest.mark.parametrize(
    "path",
    [
        "/cases/{case_no}",
        "/cases/{case_no}/diagram.bpmn",
        "/audit/cases/{case_no}/steps",
        "/audit/cases/{case_no}/steps/2",
        "/audit/cases/{case_no}/dossier",
    ],
)
def test_an_auditor_reads_every_page_of_another_process_case(client, done_trial, path):
    signed_in_as(client, "auditor")
    response = client.get(path.format(case_no=done_trial.case_no))
    assert response.status_code == 200, text(response)[:500]


def test_the_case_page_shows_the_title_and_history_of_another_process_case(client, done_trial):
    signed_in_as(client, "c_12328")
    page = text(client.get(f"/cases/{done_trial.case_no}"))
    assert "试办案件" in page and 'id="history-1"' in page


def test_the_auditor_finds_another_process_case_by_its_number(client, done_trial):
    signed_in_as(client, "auditor")
    page = text(client.get(f"/audit/cases?case_no={done_trial.case_no}"))
    assert done_trial.case_no in page
