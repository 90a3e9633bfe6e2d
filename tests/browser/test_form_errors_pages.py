"""A reply without 处置情况 (E8) in a real browser, left empty or only blanks: the reason
shown beside the field, and everything typed still there to correct and send again."""

from __future__ import annotations

from tests.browser.steps import as_user, open_step, submit_task
from tests.factories import report, step


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
