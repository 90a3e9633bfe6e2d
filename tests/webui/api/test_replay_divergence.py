"""S2 over the API: a replay that differs from the record gives the sentence the step page
shows in Chinese, and each differing field with its recorded and replayed value."""

from __future__ import annotations

from engine.record.divergence import instant_text
from tests.webui.test_replay_divergence import opened_a_second_late


def test_the_api_gives_the_sentence_and_each_differing_field(api_as, jtflow, db_url):
    case, opened, later = opened_a_second_late(jtflow, db_url)
    body = api_as("auditor").get(f"/api/cases/{case.case_no}/replay?step={opened.seq}").get_json()
    assert body["reproduced"] is False
    divergence = body["divergence"]
    assert divergence["seq"] == opened.seq
    assert divergence["explanation"] == (
        f"第 {opened.seq} 条事件（开始步骤：分类转办）的发生时间不同："
        f"记录为 {instant_text(later)}，重放得到 {instant_text(opened.at)}。"
    )
    assert divergence["differences"] == [
        {"field": "at", "recorded": later.isoformat(), "replayed": opened.at.isoformat()}
    ]
    assert divergence["recorded"]["at"] == later.isoformat()  # the raw events stay
    assert divergence["replayed"]["at"] == opened.at.isoformat()
