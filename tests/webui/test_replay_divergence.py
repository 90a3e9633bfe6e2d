"""S2: where a replay differs from the record, the auditor's step page says why in words, in
Chinese and in English, with both events kept below (the API: tests/webui/api)."""

from __future__ import annotations

import html
from datetime import UTC, timedelta

from engine.record.divergence import instant_text
from tests.engine.test_audit import tamper
from tests.factories import report
from tests.webui.pages import signed_in_as, text


def opened_a_second_late(jtflow, db_url):  # type: ignore[no-untyped-def]
    """A case whose first opened task is recorded a second after the step that opened it."""
    case = report(jtflow)
    [opened] = [e for e in jtflow.history(case.case_id) if e.kind == "task_created"]
    later = opened.at + timedelta(seconds=1)
    stored = later.astimezone(UTC).replace(tzinfo=None).isoformat(" ")  # as SQLite keeps it
    tamper(db_url, "UPDATE history_event SET at = ? WHERE id = ?", stored, opened.id)
    return case, opened, later


def test_the_step_page_says_which_field_differs_in_the_readers_language(client, jtflow, db_url):
    case, opened, later = opened_a_second_late(jtflow, db_url)
    signed_in_as(client, "auditor")
    url = f"/audit/cases/{case.case_no}/steps/{opened.seq}"
    page = html.unescape(text(client.get(url)))
    assert 'id="divergence-said"' in page
    assert (
        f"第 {opened.seq} 条事件（开始步骤：分类转办）的发生时间不同："
        f"记录为 {instant_text(later)}，重放得到 {instant_text(opened.at)}"
    ) in page
    assert 'id="divergence-raw"' in page  # both events as data, folded away

    english = html.unescape(text(client.get(f"{url}?lang=en")))
    assert (
        f"Event {opened.seq} (Step started: Classify and transfer) differs in its time: "
        f"recorded {instant_text(later)}, the replay gives {instant_text(opened.at)}"
    ) in english
    assert "发生时间" not in english
