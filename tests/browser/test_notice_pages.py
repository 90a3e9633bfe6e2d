"""An interface fault notice in a real browser (O1, O3, E12), every step by the person whose
work it is, each in their own browser: 公交集团's data administrator files it from the start
page for one of its catalogue entries, which then shows 中断 in the catalogue; the center
receives it; the unit reports the repair; the center confirms it, the case ends and the
entry is no longer interrupted. A screenshot per step."""

from __future__ import annotations

from tests.browser.steps import submit_task, work_step
from tests.notices import notice_resource

RESOURCE = "公交车辆实时位置数据"


def test_a_unit_files_a_fault_notice_and_the_center_confirms_the_repair(  # type: ignore[no-untyped-def]
    person, jtflow, clock, shots
):
    shot = shots.take
    resource_id = notice_resource(jtflow, name=RESOURCE)

    # 报送通知: 公交集团's data administrator, from the start page
    page = person("bus_data")
    page.locator("#nav-start").click()
    page.locator("#start-interface_notice a").click()
    page.locator("#f-kind").select_option("fault")
    page.locator("#f-interface_name").fill("公交车辆实时位置推送接口")
    page.locator("#f-resource_ids-1").check()
    page.locator("#f-description").fill("前置机硬盘故障，实时位置推送中断。")
    page.locator("#f-discovered_at").fill("2026-09-28T08:30")
    page.locator("#f-measures").fill("临时由调度中心人工报送重点线路位置。")
    shot(page, "notice-by-bus_data")
    page.locator("#submit-notice").click()
    page.wait_for_url("**/cases/*")
    case_no = page.locator("#case-no").inner_text()
    assert case_no.startswith("TZ")
    assert page.locator("#notice-kind").inner_text() == "系统故障"
    assert page.locator("#notice-unit").inner_text() == "厦门公交集团有限公司"
    assert page.locator("#notice-in-time").inner_text() == "按时"
    assert RESOURCE in page.locator("#notice-resources").inner_text()
    assert "O1" not in page.inner_text("main") and "BUS_GROUP" not in page.inner_text("main")
    shot(page, "notified")
    page.goto(f"/catalogue/{resource_id}")
    assert page.locator("#interrupted").inner_text() == "中断"
    shot(page, "catalogue-entry-interrupted")

    # 中心接收登记
    clock.advance(hours=1)
    page = work_step(
        person, "c_data", case_no, "receive", {"receipt_note": "已登记，已告知使用方。"}
    )
    shot(page, "received-by-c_data")
    submit_task(page)

    # 修复并恢复传输: the unit reports the repair, no data missing
    clock.advance(hours=3)
    page = work_step(
        person, "bus_data", case_no, "restore", {"restore_note": "已更换硬盘，推送恢复正常。"}
    )
    shot(page, "repaired-by-bus_data")
    submit_task(page)

    # 中心确认修复
    clock.advance(hours=1)
    page = work_step(
        person,
        "c_data",
        case_no,
        "confirm_restore",
        {"confirmed": True, "confirm_note": "平台已收到实时位置数据。"},
    )
    shot(page, "confirmed-by-c_data")
    submit_task(page)

    page = person("bus_data")
    page.goto(f"/cases/{case_no}")
    assert page.locator("#case-status").inner_text() == "已办结"
    assert page.locator("#notice-interrupted").count() == 0
    shot(page, "ended-case")
    page.goto("/catalogue")
    assert page.locator(f"#interrupted-{resource_id}").count() == 0
    page.goto("/notices")
    row = page.locator(f"#notice-{case_no}").inner_text()
    assert "系统故障" in row and RESOURCE in row and "已办结" in row
    shot(page, "notices-of-bus_data")
