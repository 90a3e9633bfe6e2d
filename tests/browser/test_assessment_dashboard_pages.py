"""The assessment dashboard in a real browser (issue 15 item 4): the center's analyst opens
it on the hand-built cases of tests/assessment_cases.py, filters a unit and a period, clicks
the unit's red bar and lands on the cases behind it. The charts are ECharts on a canvas, so
the bar is found where the chart itself says it drew it (convertToPixel) and clicked there
with the mouse, as a person would. Screenshots of the charts in 中文 and English."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.assessment_cases import AS_OF, Played, play
from tests.browser.steps import as_user


@pytest.fixture
def played(jtflow, clock) -> Played:  # type: ignore[no-untyped-def]
    cases = play(jtflow, clock)
    clock.set(AS_OF)
    return cases


def charts_shot(page: Any, name: str) -> None:
    """The whole page, and the dashboard's cards alone beside it (…-charts.png)."""
    whole = page.screenshot_step(page, name)
    page.locator("#dashboard").screenshot(path=str(whole.with_name(f"{whole.stem}-charts.png")))


def charts_ready(page: Any) -> None:
    expect(page.locator("#dashboard")).to_have_attribute("data-state", "ready")


def option_of(page: Any, chart: str) -> Any:
    """The option the chart was drawn with (axes and series), as ECharts holds it."""
    return page.evaluate(
        """(id) => {
            const o = echarts.getInstanceByDom(document.getElementById(id)).getOption();
            return {y: o.yAxis[0].data, x: o.xAxis[0].data,
                    series: o.series.map(s => ({name: s.name, data: s.data}))};
        }""",
        chart,
    )


def click_bar(page: Any, chart: str, series: int, at: list[float]) -> None:
    """A mouse click on the chart where the series draws the data point `at`."""
    x, y = page.evaluate(
        """([id, series, at]) => echarts.getInstanceByDom(document.getElementById(id))
            .convertToPixel({seriesIndex: series}, at)""",
        [chart, series, at],
    )
    box = page.locator(f"#{chart}").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_the_analyst_filters_the_dashboard_and_clicks_a_red_bar_to_its_cases(page, played):  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1280, "height": 900})
    as_user(page, "c_analyst")
    page.locator("#nav-assessment").click()
    charts_ready(page)
    assert page.locator("#dashboard-title").inner_text() == "总览"
    lights = option_of(page, "chart-lights")
    assert "厦门公交集团有限公司" in lights["y"] and "BUS_GROUP" not in lights["y"]
    assert [s["name"] for s in lights["series"]] == ["黄灯数", "红灯数"]
    transport = lights["y"].index("市运输事业发展中心")
    assert lights["series"][1]["data"][transport]["value"] == 3  # a phone report, two replies
    assert lights["series"][0]["data"][transport]["value"] == 1  # the urgent sign-for
    months = option_of(page, "chart-months")
    september = months["x"].index("9月")
    assert [s["data"][september]["value"] for s in months["series"]] == [75, 66.7]
    ranked = page.locator("#ranking tbody tr").evaluate_all("rows => rows.map(r => r.id)")
    assert ranked[:2] == ["rank-CENTER", "rank-BUS_GROUP"]  # 79.5, 76
    assert "rank-TRANSPORT_DEV" in ranked  # 50; the office's 督办 is ranked too (E12)
    assert page.locator("#rank-BUS_GROUP td.score").inner_text() == "76.0"
    charts_shot(page, "all-units")

    page.locator("#f-unit").select_option("BUS_GROUP")
    page.locator("#f-period").fill("2026-Q3")
    page.locator("#apply").click()
    page.wait_for_url("**unit=BUS_GROUP**")
    charts_ready(page)
    lights = option_of(page, "chart-lights")
    assert lights["y"] == ["厦门公交集团有限公司"]
    yellow, red = (s["data"][0]["value"] for s in lights["series"])
    assert (yellow, red) == (0, 1)
    assert option_of(page, "chart-months")["x"] == ["7月", "8月", "9月"]
    charts_shot(page, "bus-group-q3")

    click_bar(page, "chart-lights", 1, [yellow + red / 2, 0])
    page.wait_for_url("**/assessment/cases?**")
    assert "figure=lights.red" in page.url and "unit=BUS_GROUP" in page.url
    assert "period=2026-Q3" in page.url
    expect(page.locator("#figure-cases tbody tr")).to_have_count(1)
    expect(page.locator(f"#case-{played.late_sign_for.case_no}")).to_be_visible()
    assert page.locator("#figure-name").inner_text() == "红灯（全部被监察步骤）"
    assert "厦门公交集团有限公司" in page.locator("#figure-note").inner_text()
    page.screenshot_step(page, "red-bar-cases")


def test_a_closure_bar_lists_the_cases_closed_in_that_many_working_days(page, played):  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1280, "height": 900})
    as_user(page, "c_analyst")
    page.goto("/assessment?period=2026-Q3&lang=en")
    charts_ready(page)
    closure = option_of(page, "chart-closure")
    assert closure["x"][3] == "3–5"  # the late sign-for: 4.0 working days across the holiday
    assert [d["value"] for d in closure["series"][0]["data"]] == [1, 0, 0, 1, 0, 0, 0]
    lights = option_of(page, "chart-lights")
    assert [s["name"] for s in lights["series"]] == ["Yellow lights", "Red lights"]
    assert lights["y"][0] == "Municipal Transport Development Center"
    assert "Xiamen Bus Group Co., Ltd." in lights["y"]
    assert option_of(page, "chart-months")["x"] == ["Jul", "Aug", "Sep"]
    charts_shot(page, "english")

    click_bar(page, "chart-closure", 0, [3, 0.5])
    page.wait_for_url("**figure=closed_wd.3-5**")
    expect(page.locator("#figure-name")).to_have_text("Closed in 3–5 working days")
    expect(page.locator("#figure-cases tbody tr")).to_have_count(1)
    expect(page.locator(f"#case-{played.late_sign_for.case_no}")).to_be_visible()


def test_an_empty_period_draws_every_chart_with_its_note_and_no_error(page):  # type: ignore[no-untyped-def]
    """Nothing happened yet: every chart is drawn (no script error, no CSP refusal) and the
    open-steps chart says there is no data."""
    as_user(page, "c_analyst")  # (the login page's missing favicon.ico is not this page's)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto("/assessment?period=2026-Q1")
    charts_ready(page)
    note = page.evaluate(
        """() => echarts.getInstanceByDom(document.getElementById("chart-open"))
            .getOption().graphic[0].elements[0].style.text"""
    )
    assert note == "本期间没有数据"
    assert option_of(page, "chart-open")["y"] == []
    assert problems == []
    charts_shot(page, "empty")
