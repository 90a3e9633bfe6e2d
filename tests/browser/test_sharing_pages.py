"""A conditional sharing request in a real browser (D4, D5, D6), every step by the person whose
work it is, each in their own browser: 公路中心 requests 公交集团's data; 公交集团 refuses
(first without a reason, which the form refuses); the center files it; the requester asks to
negotiate, the provider declines; 局领导 coordinates and shares; the center files the
outcome; the grant shows on the requester's grants page. A screenshot per step."""

from __future__ import annotations

from tests.browser.steps import submit_task, work_step
from tests.factories import resource

RESOURCE = "公交车辆到站数据"


def test_a_refused_request_negotiated_coordinated_and_granted(person, jtflow, clock, shots):  # type: ignore[no-untyped-def]
    shot = shots.take
    resource_id = resource(jtflow, name=RESOURCE)

    # 申请: 公路中心's handler starts from the start page and picks the resource
    page = person("highway_handler")
    page.locator("#nav-start").click()
    page.locator("#start-sharing_request a").click()
    page.locator(f"#request-{resource_id}").click()
    assert page.locator("#resource-provider").inner_text() == "厦门公交集团有限公司"
    assert page.locator("#resource-share-type").inner_text() == "有条件共享"
    page.locator("#f-purpose").fill("公交线网优化分析")
    page.locator("#f-scope").fill("2026 年思明区公交线路")
    page.locator("#f-data_items").fill("线路编号\n站点\n到站时间")
    page.locator("#f-service_mode").select_option("download")
    shot(page, "request-by-highway_handler")
    page.locator("#submit-request").click()
    page.wait_for_url("**/cases/*")
    case_no = page.locator("#case-no").inner_text()
    assert case_no.startswith("GX")
    assert page.locator("#sharing-requester").inner_text() == "市公路事业发展中心"
    assert page.locator("#sharing-mode").inner_text() == "文件下载"
    shot(page, "requested")

    # 答复 (D4): a refusal without its reason is refused by the form, then given
    clock.advance(hours=2)
    page = work_step(person, "bus_leader", case_no, "reply", {"agree": "false"})
    page.locator("#submit-task").click()
    assert "拒绝理由" in page.locator("#form-errors").inner_text()
    shot(page, "refusal-needs-a-reason")
    page.locator("#f-reason").fill("涉及乘客出行轨迹，属个人信息，须脱敏后方可提供。")
    shot(page, "refused-by-bus_leader")
    submit_task(page)

    # 中心审核备案 (D4)
    clock.advance(hours=2)
    page = work_step(
        person, "c_data", case_no, "center_review", {"review_opinion": "拒绝理由充分，备案。"}
    )
    shot(page, "filed-by-c_data")
    submit_task(page)

    # 协商 (D5): the requester asks, the provider declines
    clock.advance(hours=2)
    page = work_step(
        person,
        "highway_handler",
        case_no,
        "negotiate_request",
        {
            "pursue": "true",
            "need": "干线公路接驳公交的线网评估须用到站数据。",
            "proposal": "只提供线路级汇总。",
        },
    )
    shot(page, "negotiation-asked-by-highway_handler")
    submit_task(page)
    clock.advance(hours=2)
    page = work_step(
        person,
        "bus_leader",
        case_no,
        "negotiate_answer",
        {"agreed": "false", "outcome": "线路级汇总仍可推出个人出行，未能达成一致。"},
    )
    shot(page, "negotiation-failed-by-bus_leader")
    submit_task(page)

    # 局领导协调 (D5), then the center files the outcome
    clock.advance(hours=2)
    page = work_step(
        person,
        "deputy",
        case_no,
        "coordinate",
        {"share": "true", "coordination": "按站点级汇总、脱敏后共享。"},
    )
    shot(page, "coordinated-by-deputy")
    submit_task(page)
    clock.advance(hours=2)
    page = work_step(
        person, "c_data", case_no, "file_outcome", {"filing_note": "局领导协调结果已备案。"}
    )
    shot(page, "outcome-filed-by-c_data")
    submit_task(page)

    # the grant (D6): on the requester's case page and grants page, by name
    page = person("highway_handler")
    page.goto(f"/cases/{case_no}")
    assert page.locator("#case-status").inner_text() == "已授权"
    shot(page, "granted-case")
    page.goto("/sharing/grants")
    row = page.locator("#sharing-grants tbody tr").first
    text = row.inner_text()
    assert RESOURCE in text and "市公路事业发展中心" in text and "文件下载" in text
    assert "HIGHWAY_DEV" not in text and "BUS_GROUP" not in text
    shot(page, "grants-of-highway_handler")
