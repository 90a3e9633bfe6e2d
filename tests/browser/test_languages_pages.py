"""中文 and English in a real browser, on the login, inbox, task, case and report pages: the
switch in the header, kept for the session and across signing out. The deadline is read on
the fake clock: 20 of the 24 hours to sign for gone (less a minute: the clock ticks at every
read, and the pages read it), the step is yellow (E12)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.steps import as_user, open_step
from tests.factories import report, step


def test_pages_in_chinese_and_english_with_the_switch_in_the_header(page, jtflow, clock):  # type: ignore[no-untyped-def]
    case = report(jtflow, channel="hotline_12328")
    step(jtflow, case, "classify")
    clock.advance(hours=20, minutes=-1)
    jtflow.fire_due_timers()

    as_user(page, "bus_handler")
    task_id = open_step(page, case.case_no, "sign_for")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    meta = page.locator("#task-meta").inner_text()
    assert "黄灯" in meta and "还剩 4 小时" in meta
    assert page.locator("#case-channel").inner_text() == "12328热线"
    assert page.locator("#submit-task").inner_text() == "提交"
    assert page.locator("#task-name").inner_text() == "签收"  # the diagram's step name
    page.screenshot_step(page, "task-zh")

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    meta = page.locator("#task-meta").inner_text()
    assert "yellow" in meta and "4 hours left" in meta
    assert page.locator("#case-channel").inner_text() == "12328 hotline"
    assert page.get_by_role("heading", name="History").is_visible()
    assert page.locator("#submit-task").inner_text() == "Submit"
    assert page.locator("#f-accept option[value='']").inner_text() == "Choose…"
    assert page.locator("#task-name").inner_text() == "Sign for"  # via the catalog
    assert page.locator("#f-accept option[value='false']").inner_text() == "Ask to return it"
    page.screenshot_step(page, "task-en")

    page.locator("#nav-inbox").click()  # the choice is kept for the session
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    assert page.locator(f"#task-{task_id} td.channel").inner_text() == "12328 hotline"
    page.screenshot_step(page, "inbox-en")
    page.goto(f"/cases/{case.case_no}")
    assert page.locator("#case-status").inner_text() == "In progress"
    page.screenshot_step(page, "case-en")

    as_user(page, "c_12328")  # and across signing out: the login page is English too
    assert page.get_by_role("heading", name="Inbox").is_visible()
    page.locator("#nav-start").click()
    page.locator("#start-event_lifecycle a").click()
    expect(page.get_by_role("heading", name="Report an event")).to_be_visible()
    assert page.locator("#submit-report").inner_text() == "Report"
    page.screenshot_step(page, "report-en")

    page.get_by_role("link", name="中文").click()
    expect(page.get_by_role("heading", name="报送事件")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.screenshot_step(page, "report-zh")
