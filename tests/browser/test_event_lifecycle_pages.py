"""A 12328 complaint from report to archive in a real browser, every step by the person whose
post it is, each in their own browser signed in through the login page (E1, E2, E5, E8,
E9, E10, E13, E14), a screenshot per step.

The center's four kinds of step are each done by another 12328 seat (added beside the demo's
黄坐席); the unit's steps by the demo's bus_handler and bus_leader, its only 办理人 and
单位领导. The fake clock moves an hour between steps, as a working day would.
"""

from __future__ import annotations

import pytest

from tests.browser.steps import (
    add_seat,
    inbox_row,
    open_step,
    search_inbox,
    submit_task,
    to_inbox,
)

SEATS = {
    "c_seat_xu": "许坐席（投诉受理岗）",  # transfers (分类转办)
    "c_seat_cai": "蔡坐席（投诉受理岗）",  # audits the first reply and returns it
    "c_seat_guo": "郭坐席（投诉受理岗）",  # audits the resubmitted reply
    "c_seat_zeng": "曾坐席（投诉受理岗）",  # revisits the complainant
    "c_seat_ye": "叶坐席（投诉受理岗）",  # archives
}


@pytest.fixture
def seats(jtflow):  # type: ignore[no-untyped-def]
    for username, name in SEATS.items():
        add_seat(jtflow, username, name)
    return SEATS


def test_a_12328_complaint_from_report_to_archive(person, seats, clock, shots):  # type: ignore[no-untyped-def]
    shot = shots.take

    # 报送: a 12328 seat takes the complaint down on the report page
    page = person("c_12328")
    page.locator("#nav-start").click()
    page.locator("#start-event_lifecycle a").click()
    assert page.locator("#f-channel").input_value() == "hotline_12328"
    page.locator("#f-urgency").select_option("normal")
    page.locator("#f-location").fill("厦门市思明区火车站公交场站")
    page.locator("#f-facility-type").select_option("bus_station")
    page.locator("#f-facility-name").fill("火车站公交场站")
    page.locator("#f-title").fill("火车站公交场站候车亭顶棚漏水")
    page.locator("#f-description").fill("市民来电反映候车亭顶棚破损，雨天漏水。")
    shot(page, "report-by-c_12328")
    page.locator("#submit-report").click()
    page.wait_for_url("**/cases/*")
    case_no = page.locator("#case-no").inner_text()
    assert case_no in page.locator("p.flash.notice").inner_text()
    assert page.locator("#case-channel").inner_text() == "12328热线"
    assert page.locator("#case-reporter").inner_text() == "黄坐席（投诉受理岗）"  # by name
    shot(page, "reported")

    # 分类转办 (E2): another seat finds it with the inbox's search and transfers it
    clock.advance(hours=1)
    page = person("c_seat_xu")
    search_inbox(page, case_no)
    open_step(page, case_no, "classify")
    page.locator("#f-decision").select_option("transfer")
    page.locator("#f-lead_unit").select_option("BUS_GROUP")
    shot(page, "classify-by-c_seat_xu")
    submit_task(page)

    # 签收 (E5): the bus company's handler claims it in the inbox, then signs for it
    clock.advance(hours=1)
    page = person("bus_handler")
    task_id = int(inbox_row(page, case_no, "sign_for").get_attribute("data-task-id"))
    page.locator(f"#claim-{task_id}").click()
    assert page.locator(f"#release-{task_id}").is_visible()
    open_step(page, case_no, "sign_for")
    assert page.locator("#task-assignee").inner_text() == "bus 办理人"
    page.locator("#f-accept").select_option("true")
    shot(page, "sign-for-by-bus_handler")
    submit_task(page)

    # 办理答复 (E8): verification and disposal, both given
    clock.advance(hours=1)
    _reply(
        person, case_no, "经现场核实，顶棚两块板材破损。", "已临时遮挡。", "reply-by-bus_handler"
    )

    # 单位领导审核 (E9)
    clock.advance(hours=1)
    _approve(person, case_no, "approve-by-bus_leader")

    # 中心审核答复 (E10): returned once, with reason and basis
    clock.advance(hours=1)
    page = person("c_seat_cai")
    open_step(page, case_no, "center_audit")
    assert _said(page, "handle_reply") == {
        "事件核实情况": "经现场核实，顶棚两块板材破损。",
        "处置情况": "已临时遮挡。",
        "重要事项，报分管领导审核": "否",
    }
    assert _said(page, "leader_approve") == {"审核结果": "同意"}
    page.locator("#f-accepted").select_option("false")
    page.locator("#f-reason").fill("处置情况只写了临时遮挡，未说明修复结果和完成时间。")
    page.locator("#f-basis").fill("答复须含事件核实情况和处置情况（E8、E10）。")
    shot(page, "return-by-c_seat_cai")
    submit_task(page)

    # the unit resubmits (a fresh E6 deadline from the return) and its leader approves again
    clock.advance(hours=1)
    _reply(
        person,
        case_no,
        "经现场核实，顶棚两块板材破损。",
        "已更换破损板材，顶棚不再漏水，已于当日修复完毕。",
        "resubmit-by-bus_handler",
    )
    clock.advance(hours=1)
    _approve(person, case_no, "approve-again-by-bus_leader")

    # 中心审核答复: accepted
    clock.advance(hours=1)
    page = person("c_seat_guo")
    open_step(page, case_no, "center_audit")
    page.locator("#f-accepted").select_option("true")
    shot(page, "accept-by-c_seat_guo")
    submit_task(page)

    # 回访 (E14): the complainant is called back once the reply was accepted
    clock.advance(hours=1)
    page = person("c_seat_zeng")
    open_step(page, case_no, "revisit")
    page.locator("#f-reached").check()
    page.locator("#f-satisfaction").select_option("satisfied")
    page.locator("#f-note").fill("投诉人表示满意。")
    shot(page, "revisit-by-c_seat_zeng")
    submit_task(page)

    # 归档 (E13)
    clock.advance(hours=1)
    page = person("c_seat_ye")
    archive_id = open_step(page, case_no, "archive")
    page.locator("#f-complete").check()
    shot(page, "archive-by-c_seat_ye")
    submit_task(page)

    # the case page: archived, every step done, each by the person it was addressed to
    page.goto(f"/cases/{case_no}")
    assert page.locator("#case-status").inner_text() == "已归档"
    states = page.locator("#case-tasks tr[data-state]")
    assert set(states.evaluate_all("rows => rows.map(r => r.dataset.state)")) == {"completed"}
    steps = page.locator("#case-tasks td:first-child").all_inner_texts()
    assert steps.count("办理答复") == 2 and steps.count("中心审核答复") == 2
    # E6: the 12328 platform's 7 WD from discovery (09:00) less the center's 1 WD, which beats
    # 一般's 10 WD from the transfer; the resubmission after the return gets no later deadline
    replies = page.locator("#case-tasks tr:has(td:first-child:text-is('办理答复')) td:nth-child(4)")
    assert replies.all_inner_texts() == ["2026-10-12 09:00", "2026-10-12 09:00"]
    completed = page.locator("#history tr[data-kind=task_completed] td:nth-child(2)")
    names = {**SEATS, "bus_handler": "bus 办理人", "bus_leader": "bus 单位领导"}
    assert completed.all_inner_texts() == [  # each by name, not login name
        names[username]
        for username in (
            "c_seat_xu",
            "bus_handler",
            "bus_handler",
            "bus_leader",
            "c_seat_cai",
            "bus_handler",
            "bus_leader",
            "c_seat_guo",
            "c_seat_zeng",
            "c_seat_ye",
        )
    ]
    assert page.locator("#history tr[data-kind=case_ended]").count() == 1
    shot(page, "archived-case")

    # E13: no further change — the step is read-only, and a change sent anyway is refused
    page.goto(f"/tasks/{archive_id}")
    assert page.locator("#read-only").is_visible()
    assert page.locator("#submit-task").count() == 0
    token = page.locator("#task-form input[name=csrf_token]").input_value()
    answer = page.request.post(
        f"/tasks/{archive_id}", form={"csrf_token": token, "complete": "true"}
    )
    assert answer.status == 409
    assert "已结束，不能再更改" in answer.text() and "E13" not in answer.text()
    page.goto("/?q=" + case_no)
    assert page.locator("#no-tasks").is_visible()
    shot(page, "nothing-left-to-do")


def _said(page, step: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """What the latest finished ``step`` said, as the task page shows it."""
    answer = page.locator(f"#answers article[data-step={step}]").first
    titles = answer.locator("dt").all_inner_texts()
    return dict(zip(titles, answer.locator("dd").all_inner_texts(), strict=True))


def _reply(person, case_no: str, verification: str, disposal: str, name: str) -> None:  # type: ignore[no-untyped-def]
    page = to_inbox(person("bus_handler"))
    open_step(page, case_no, "handle_reply")
    returned = page.locator("#answers article[data-step=center_audit]").count() == 1
    assert returned == name.startswith("resubmit")
    if returned:  # the unit reads why, and on what basis (E10)
        assert _said(page, "center_audit") == {
            "符合要求": "不符合要求，退件",
            "退件理由": "处置情况只写了临时遮挡，未说明修复结果和完成时间。",
            "退件依据": "答复须含事件核实情况和处置情况（E8、E10）。",
        }
    page.locator("#f-verification").fill(verification)
    page.locator("#f-disposal").fill(disposal)
    page.screenshot_step(page, name)
    submit_task(page)


def _approve(person, case_no: str, name: str) -> None:  # type: ignore[no-untyped-def]
    page = to_inbox(person("bus_leader"))
    open_step(page, case_no, "leader_approve")
    assert _said(page, "handle_reply")["处置情况"]  # the reply being approved (E9)
    page.locator("#f-approved").select_option("true")
    page.screenshot_step(page, name)
    submit_task(page)
