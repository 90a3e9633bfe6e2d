"""A reply without 处置情况 (E8) in a real browser, left empty or only blanks: the reason
shown beside the field, and everything typed still there to correct and send again."""

from __future__ import annotations

from engine.demo import actor_for
from tests.browser.steps import as_user, open_step, submit_task
from tests.factories import open_steps, report, step, task_at


def test_a_reply_without_disposal_is_shown_beside_the_field_with_the_input_kept(page, jtflow):  # type: ignore[no-untyped-def]
    case = report(jtflow, channel="hotline_12328")
    step(jtflow, case, "classify")
    step(jtflow, case, "sign_for")

    as_user(page, "bus_handler")
    open_step(page, case.case_no, "handle_reply")
    page.locator("#f-verification").fill("经现场核实，候车亭顶棚两块板材破损。")
    page.locator("#f-important").check()
    page.locator("#f-contact").fill("张工 0592-1234567")
    # no disposal at all, then only blanks: each said beside the field, the rest kept
    for disposal, name in (("", "disposal-missing"), ("   ", "disposal-blank")):
        page.locator("#f-disposal").fill(disposal)
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.locator("#submit-task").click()
        assert posted.value.status == 422
        error = page.locator("#f-disposal-field #f-disposal-error")
        assert "处置情况" in error.inner_text()
        assert page.locator("#f-disposal").get_attribute("aria-invalid") == "true"
        assert page.locator("#f-disposal").get_attribute("aria-describedby") == "f-disposal-error"
        assert page.locator("#form-errors").is_visible()
        assert page.locator(".field-error").count() == 1
        assert (
            page.locator("#f-verification").input_value() == "经现场核实，候车亭顶棚两块板材破损。"
        )
        assert page.locator("#f-disposal").input_value() == disposal
        assert page.locator("#f-important").is_checked()
        assert page.locator("#f-contact").input_value() == "张工 0592-1234567"
        page.screenshot_step(page, name)

    page.locator("#f-disposal").fill("已更换破损板材，恢复正常使用。")
    submit_task(page)
    page.screenshot_step(page, "reply-sent")


def test_a_returned_reply_comes_back_filled_to_revise(page, jtflow):  # type: ignore[no-untyped-def]
    """Issue 16 (E10): the leader's reason on top, the last reply in the form, revised, sent."""
    case = report(jtflow)
    step(jtflow, case, "classify")
    step(jtflow, case, "sign_for")
    step(jtflow, case, "handle_reply", {"verification": "现场属实。", "disposal": "已修复。"})
    step(jtflow, case, "leader_approve", {"approved": False, "opinion": "请写明修复时间。"})

    as_user(page, "bus_handler")
    open_step(page, case.case_no, "handle_reply")
    assert "请写明修复时间。" in page.locator("#returned").inner_text()
    assert page.locator("#f-verification").input_value() == "现场属实。"
    assert page.locator("#f-disposal").input_value() == "已修复。"
    page.screenshot_step(page, "returned-reply-filled")
    page.locator("#f-disposal").fill("已于 9 月 28 日 15 时修复。")
    submit_task(page)
    assert open_steps(jtflow, case) == ["leader_approve"]


def test_fields_follow_the_answer_they_belong_to(page, jtflow):  # type: ignore[no-untyped-def]
    """Issue 16: 退件理由 and 退件依据 appear, and are required, only once 退件 is chosen;
    转办 shows the units instead. The server keeps only what applies."""
    case = report(jtflow)
    task = task_at(jtflow, case, "classify")
    as_user(page, actor_for(task))
    page.goto(f"/tasks/{task.id}")
    reason, lead = page.locator("#f-return_reason"), page.locator("#f-lead_unit")
    assert not reason.is_visible() and not lead.is_visible()  # nothing chosen yet

    page.locator("#f-decision").select_option("return")
    assert reason.is_visible() and not lead.is_visible()
    assert reason.get_attribute("aria-required") == "true"
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.locator("#submit-task").click()
    assert posted.value.status == 422  # required now that it applies: said beside it
    assert page.locator("#f-return_reason-error").is_visible()
    page.screenshot_step(page, "return-needs-its-reason")

    page.locator("#f-return_reason").fill("不属于交通运输职责。")
    page.locator("#f-decision").select_option("transfer")  # changed its mind
    assert not reason.is_visible() and lead.is_visible()
    lead.select_option("BUS_GROUP")
    page.screenshot_step(page, "transfer-shows-the-units")
    submit_task(page)
    assert open_steps(jtflow, case) == ["sign_for"]
