"""GET /api/retention (O4) for administrators and auditors, a logged 403 for others; a file
removed under retention answers 410 with the day it was removed."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from engine.models import AccessLog
from engine.record.attachments import AttachmentStore
from engine.record.retention import apply
from tests.engine.test_retention import attachment_of, case_with_photo, user
from tests.webui.pages import signed_in_as


def test_the_plan_for_an_administrator_and_an_auditor_only(api_as, jtflow, clock, tmp_path: Path):  # type: ignore[no-untyped-def]
    case = case_with_photo(jtflow, AttachmentStore(tmp_path / "files"))
    clock.advance(days=100)
    for reader in ("admin", "auditor"):
        answer = api_as(reader).get("/api/retention")
        assert answer.status_code == 200, answer.json
        (item,) = answer.json["removable"]
        assert (item["kind"], item["retention"], item["case_no"]) == (
            "attachment",
            "media",
            case.case_no,
        )
        assert item["kept_because"] is None and answer.json["kept"] == []
    refused = api_as("bus_handler").get("/api/retention")
    assert refused.status_code == 403
    with jtflow.sessions() as session:
        logged = session.scalars(select(AccessLog.username).where(AccessLog.allowed.is_(False)))
        assert "bus_handler" in list(logged)


def test_a_removed_file_is_gone_with_the_day_it_went(api_as, jtflow, clock, tmp_path: Path):  # type: ignore[no-untyped-def]
    store = AttachmentStore(tmp_path / "files")
    case = case_with_photo(jtflow, store)
    clock.advance(days=100)
    with jtflow.sessions() as session:
        apply(session, store, user(jtflow, "admin"), clock.now())
    answer = api_as("auditor").get(f"/api/attachments/{attachment_of(jtflow, case).id}")
    assert answer.status_code == 410
    assert answer.json["error"] == "gone" and "按保存期限删除" in answer.json["detail"]


def test_the_step_through_page_says_which_files_are_gone(client, jtflow, clock, tmp_path: Path):  # type: ignore[no-untyped-def]
    store = AttachmentStore(tmp_path / "files")
    case = case_with_photo(jtflow, store)
    clock.advance(days=100)
    with jtflow.sessions() as session:
        apply(session, store, user(jtflow, "admin"), clock.now())
    signed_in_as(client, "auditor")
    page = client.get(f"/audit/cases/{case.case_no}/steps/2").get_data(as_text=True)
    assert 'id="removed-files"' in page and "附件「现场.jpg」已于" in page
