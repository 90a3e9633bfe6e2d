"""The interface notice pages (O1, O3, S1): a unit files a notice from its own resources,
the case shows it by name (never codes or rule IDs) with whether it came in time, the
catalogue shows the resources interrupted while it is open; others are refused (403, logged);
the pages read in English."""

from __future__ import annotations

import re

from sqlalchemy import select

from engine.models import AccessLog
from engine.service import CaseRef
from tests.factories import step
from tests.notices import notice_resource
from tests.webui.pages import post, signed_in_as, text

FAULT_FORM = {
    "kind": "fault",
    "interface_name": "公交车辆实时位置推送接口",
    "description": "前置机硬盘故障，推送中断。",
    "discovered_at": "2026-09-28T08:30",
}


def file(client, jtflow, **form):  # type: ignore[no-untyped-def]
    resource_id = notice_resource(jtflow)
    signed_in_as(client, "bus_data")
    page = text(client.get("/notices/new"))
    assert f'value="{resource_id}"' in page and "系统升级等计划停用" in page
    response = post(
        client, "/notices/new", {**FAULT_FORM, "resource_ids": str(resource_id), **form}
    )
    assert response.status_code == 302 and "/cases/TZ" in response.location, text(response)
    return response.location.rsplit("/", 1)[1], resource_id


def test_a_unit_files_a_notice_and_its_resource_shows_interrupted_until_it_ends(client, jtflow):
    case_no, resource_id = file(client, jtflow)
    case_page = text(client.get(f"/cases/{case_no}"))
    assert "系统故障" in case_page and "厦门公交集团有限公司" in case_page
    assert 'id="notice-in-time"' in case_page and 'id="notice-interrupted"' in case_page
    assert "BUS_GROUP" not in case_page and "O1" not in case_page
    listing = text(client.get("/catalogue"))
    assert f'id="interrupted-{resource_id}"' in listing
    entry = text(client.get(f"/catalogue/{resource_id}"))
    assert 'id="interrupted"' in entry and case_no in entry
    notices = text(client.get("/notices"))
    assert case_no in notices and "公交车辆实时位置推送接口" in notices
    ref = CaseRef(jtflow.case(case_no).id, case_no, [])
    step(jtflow, ref, "receive", {"receipt_note": "已登记。"})
    step(jtflow, ref, "restore", {"restore_note": "已修复。", "data_missing": False})
    step(jtflow, ref, "confirm_restore", {"confirmed": True, "confirm_note": "已恢复。"})
    assert f'id="interrupted-{resource_id}"' not in text(client.get("/catalogue"))
    assert 'id="interrupted"' not in text(client.get(f"/catalogue/{resource_id}"))


def test_a_late_notice_is_filed_and_shown_late(client, jtflow):
    case_no, _ = file(client, jtflow, discovered_at="2026-09-24T08:30")
    case_page = text(client.get(f"/cases/{case_no}"))
    assert 'id="notice-late"' in case_page and "逾期通知" in case_page


def test_a_notice_missing_its_discovery_is_shown_again_with_the_error(client, jtflow):
    resource_id = notice_resource(jtflow)
    signed_in_as(client, "bus_data")
    form = {**FAULT_FORM, "resource_ids": str(resource_id), "discovered_at": ""}
    response = post(client, "/notices/new", form)
    assert response.status_code == 422 and "发现时间" in text(response)


def test_others_are_refused_and_the_refusal_logged(client, jtflow):
    notice_resource(jtflow)
    signed_in_as(client, "c_data")  # the center is notified, it files nothing to itself
    assert client.get("/notices/new").status_code == 403
    assert client.get("/notices").status_code == 200  # and reads every unit's
    signed_in_as(client, "xmu_lab")
    assert client.get("/notices").status_code == 403
    signed_in_as(client, "auditor")
    assert client.get("/notices/new").status_code == 403
    with jtflow.sessions() as session:
        paths = list(
            session.scalars(select(AccessLog.target_id).where(AccessLog.allowed.is_(False)))
        )
    assert sum("/notices" in (p or "") for p in paths) >= 3, paths


def test_the_notice_pages_read_in_english(client, jtflow):
    case_no, _ = file(client, jtflow)
    client.get("/?lang=en")
    page = text(client.get("/notices"))
    table = re.search(r'<table class="tasks" id="notices">.*?</table>', page, re.S).group(0)
    headers = re.findall(r"<th>([^<]*)</th>", table)
    assert all(not re.search(r"[\u4e00-\u9fff]", h) for h in headers), headers
    assert "System fault" in table and "Interrupted" in table
    form = text(client.get("/notices/new"))
    assert "Interface notice" in form and "Planned stop" in form
    case_page = text(client.get(f"/cases/{case_no}"))
    assert "Affected catalogue resources" in case_page and "On time" in case_page
