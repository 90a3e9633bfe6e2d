"""The handler's lists in a real browser (issue 16): from the inbox to 办理过的 and on to
the case; 本单位案件 filtered, in English with its filters kept."""

from __future__ import annotations

from tests.factories import report, step


def test_from_the_inbox_to_done_by_me_and_my_units_cases(person, jtflow):
    case = report(jtflow, title="火车站公交场站候车亭顶棚漏水")
    step(jtflow, case, "classify")
    step(jtflow, case, "sign_for", as_user="bus_handler")
    page = person("bus_handler")
    page.goto("/")
    page.click("#list-done")
    page.wait_for_url("**/done")
    row = page.locator("#done-tasks tbody tr").first
    assert "签收" in row.inner_text() and case.case_no in row.inner_text()
    page.screenshot_step(page, "done-by-me")
    row.locator("td.case-no a").click()
    page.wait_for_url(f"**/cases/{case.case_no}")
    page.goto("/")
    page.click("#list-unit-cases")
    page.fill("#filter-q", "候车亭")
    page.select_option("#filter-status", "running")
    page.click("#filter-apply")
    page.wait_for_url("**/unit-cases?**")
    assert case.case_no in page.locator("#unit-cases").inner_text()
    page.screenshot_step(page, "unit-cases")
    page.click("#lang-en")
    page.wait_for_url("**lang=en")
    assert page.locator("#filter-q").input_value() == "候车亭"
    assert page.locator("#filter-status").input_value() == "running"
    assert "Bus Group" in page.locator("#unit-cases td.current-step").first.inner_text()
    page.screenshot_step(page, "unit-cases-en")
