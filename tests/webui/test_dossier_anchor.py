"""The dossier names the newest checkpoint covering the case (S2): when, and up to which
event; or says that none does yet. Chinese by default, English on request."""

from __future__ import annotations

import re

from sqlalchemy import select

from engine.models import HistoryEvent, Instance, table_of
from engine.record.anchor_key import AnchorKey
from engine.record.anchoring import anchor
from tests.factories import report, step
from tests.webui.pages import signed_in_as, text


def anchor_paragraph(page: str) -> str:
    return re.search(r'<p id="chain-anchor">(.*?)</p>', page, re.S).group(1)  # type: ignore[union-attr]


def test_the_dossier_shows_the_anchor_covering_the_case(client, jtflow, clock, tmp_path):
    case = report(jtflow)
    step(jtflow, case, "classify", {"decision": "transfer"})
    signed_in_as(client, "auditor")
    url = f"/audit/cases/{case.case_no}/dossier"
    assert "尚未锚定" in anchor_paragraph(text(client.get(url)))
    assert client.get(f"{url}.json").get_json()["anchor"] is None
    anchor(jtflow.sessions, AnchorKey(b"w" * 32), tmp_path / "a", at=clock.now(), made_by="t")
    with jtflow.sessions() as session:
        seq = session.get(Instance, case.case_id).history_seq
    step(jtflow, case, "sign_for")  # later events are not anchored yet
    shown = anchor_paragraph(text(client.get(url)))
    assert "最近锚定" in shown and f"覆盖至第 {seq} 条事件" in shown and "第 1 个检查点" in shown
    assert "不符" not in shown
    body = client.get(f"{url}.json").get_json()["anchor"]
    assert (body["seq"], body["checkpoint"], body["holds"]) == (seq, 1, True)
    english = anchor_paragraph(text(client.get(f"{url}?lang=en")))
    assert f"covering events up to no. {seq}" in english and "Last anchored" in english


def test_the_dossier_says_when_the_anchored_event_changed(client, jtflow, clock, tmp_path):
    case = report(jtflow)
    anchor(jtflow.sessions, AnchorKey(b"w" * 32), tmp_path / "a", at=clock.now(), made_by="t")
    events = table_of(HistoryEvent)
    with jtflow.sessions.kw["bind"].begin() as connection:
        last = connection.scalar(select(Instance.history_seq).where(Instance.id == case.case_id))
        connection.execute(
            events.update()
            .where(events.c.instance_id == case.case_id, events.c.seq == last)
            .values(hash="f" * 64)
        )
    signed_in_as(client, "auditor")
    shown = anchor_paragraph(text(client.get(f"/audit/cases/{case.case_no}/dossier")))
    assert "该条事件的哈希已与锚定时不符" in shown
