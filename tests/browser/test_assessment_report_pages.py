"""The yearly assessment report in a real browser: the analyst follows the link from the
assessment to the report of the year and prints it — on paper no page chrome, no buttons,
landscape A4, each part on a page of its own (screenshots and the PDF in artifacts/)."""

from __future__ import annotations

import re

from tests.assessment_cases import AS_OF, play
from tests.browser.conftest import SCREENSHOTS
from tests.browser.steps import sign_in


def test_the_analyst_opens_and_prints_the_yearly_report(page, jtflow, clock):  # type: ignore[no-untyped-def]
    play(jtflow, clock)
    clock.set(AS_OF)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, "c_analyst")
    page.wait_for_url("**/assessment")
    page.locator("#to-report").click()
    page.wait_for_url("**/assessment/report?year=2026")
    assert page.locator("#report-title").inner_text() == "2026 年度考核评价报告"
    assert page.locator("#events-BUS_GROUP td").first.inner_text() == "厦门公交集团有限公司"
    assert page.locator("#print").is_visible() and page.locator("header.top").is_visible()
    page.screenshot_step(page, "report-screen")

    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert not page.locator("#report-actions").is_visible()
    assert page.locator("#t-events").is_visible() and page.locator("#t-accountability").is_visible()
    page.screenshot_step(page, "report-print")
    pdf = page.pdf(prefer_css_page_size=True)
    (
        SCREENSHOTS / "test_the_analyst_opens_and_prints_the_yearly_report" / "report.pdf"
    ).write_bytes(pdf)
    sizes = re.findall(rb"/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]", pdf)
    assert len(sizes) >= 4  # a page for each of the four parts at least
    width, height = (float(x) for x in sizes[0])
    assert width > height  # landscape
    assert errors == []
