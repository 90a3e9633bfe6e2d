"""The case diagram in a real browser: bpmn-js draws the case's own diagram, the passed
elements and the open step carry their markers (main process and reply_cycle)."""

from __future__ import annotations

from tests.browser.test_sign_in_pages import sign_in
from tests.factories import report, step


def test_the_case_diagram_renders_with_its_markers(page, jtflow):
    case = report(jtflow)
    step(jtflow, case, "classify")
    step(jtflow, case, "sign_for")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, "bus_handler")
    page.wait_for_url("**/")
    page.goto(f"/cases/{case.case_no}")
    diagram = page.locator("#case-diagram[data-state=ready]")
    diagram.wait_for()
    svg = diagram.locator("svg").first
    for element_id in ("classify", "sign_for", "gw_decision", "rc_start"):
        assert svg.locator(f'g.djs-element.jt-done[data-element-id="{element_id}"]').count() == 1
    for element_id in ("reply", "handle_reply"):
        assert svg.locator(f'g.djs-element.jt-open[data-element-id="{element_id}"]').count() == 1
    assert svg.locator('g[data-element-id="patrol_handle"].jt-done').count() == 0
    # the marker's colour reaches the drawn shape
    fill = svg.locator('g[data-element-id="handle_reply"] .djs-visual > rect').first.evaluate(
        "e => getComputedStyle(e).fill"
    )
    assert fill == "rgb(182, 227, 255)"
    assert not errors and page.locator("#case-diagram-error").is_hidden()
    page.locator("#case-diagram-section").scroll_into_view_if_needed()
    page.screenshot_step(page, "case-diagram")


def zoom(page) -> float:  # type: ignore[no-untyped-def]
    return float(page.locator("#case-diagram").get_attribute("data-zoom"))


def width_of(page, element_id: str) -> float:  # type: ignore[no-untyped-def]
    shape = page.locator(f'#case-diagram g.djs-element[data-element-id="{element_id}"]').first
    return float(shape.evaluate("e => e.getBoundingClientRect().width"))


def test_the_diagram_opens_on_the_current_step_and_zooms_by_its_buttons(page, jtflow):
    """Issue 16: first shown at a readable zoom on the step the case waits at, not the whole
    diagram at 0.13; 放大/缩小/显示全图/定位当前步骤 change it; the wheel scrolls the page and
    zooms only with Ctrl held."""
    case = report(jtflow)
    step(jtflow, case, "classify")
    step(jtflow, case, "sign_for")
    sign_in(page, "bus_handler")
    page.wait_for_url("**/")
    page.goto(f"/cases/{case.case_no}")
    page.locator("#case-diagram[data-state=ready]").wait_for()
    first = zoom(page)
    assert first >= 0.6 and width_of(page, "handle_reply") >= 80
    # the current step is in view: its box lies inside the canvas
    inside = page.evaluate(
        """() => {
          const c = document.getElementById('case-diagram').getBoundingClientRect();
          const s = document.querySelector('#case-diagram [data-element-id="handle_reply"]')
            .getBoundingClientRect();
          return s.left >= c.left && s.right <= c.right && s.top >= c.top && s.bottom <= c.bottom;
        }"""
    )
    assert inside
    page.locator("#case-diagram-section").scroll_into_view_if_needed()
    page.screenshot_step(page, "opened-on-current-step")

    page.click("#case-diagram-zoom-in")
    assert zoom(page) > first
    page.click("#case-diagram-zoom-out")
    page.click("#case-diagram-zoom-out")
    assert zoom(page) < first
    page.click("#case-diagram-fit-all")
    whole = zoom(page)
    assert whole < 0.3 and width_of(page, "handle_reply") < 40  # the whole lifecycle
    page.screenshot_step(page, "whole-diagram")
    page.click("#case-diagram-fit-current")
    assert zoom(page) == first

    # the wheel over the diagram scrolls the page; with Ctrl it zooms the diagram instead
    canvas = page.locator("#case-diagram").bounding_box()
    assert canvas is not None
    page.mouse.move(canvas["x"] + canvas["width"] / 2, canvas["y"] + canvas["height"] / 2)
    before = page.evaluate("() => window.scrollY")
    page.mouse.wheel(0, 300)
    page.wait_for_function(f"() => window.scrollY > {before}")
    assert zoom(page) == first
    box = page.locator("#case-diagram").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    scrolled = page.evaluate("() => window.scrollY")
    page.keyboard.down("Control")
    for _ in range(5):
        page.mouse.wheel(0, -100)
    page.keyboard.up("Control")
    page.wait_for_function(
        f"() => Number(document.getElementById('case-diagram').dataset.zoom) > {first}"
    )
    assert page.evaluate("() => window.scrollY") == scrolled


def test_a_version_page_opens_readable_without_a_current_step(page, jtflow):
    sign_in(page, "owner")
    page.wait_for_url("**/")
    page.goto("/processes/event_lifecycle/1")
    page.locator("#case-diagram[data-state=ready]").wait_for()
    assert zoom(page) >= 0.6
    assert page.locator("#case-diagram-fit-current").count() == 0
    page.locator("#case-diagram-section").scroll_into_view_if_needed()
    page.screenshot_step(page, "version-opened")
    page.click("#case-diagram-fit-all")
    assert zoom(page) < 0.3
    page.locator("#case-diagram-section").scroll_into_view_if_needed()
    page.screenshot_step(page, "version-whole")


def drawn_text(svg, element_id: str) -> str:  # type: ignore[no-untyped-def]
    """The words bpmn-js drew for an element (its label wraps into lines)."""
    shape = svg.locator(f'g.djs-element[data-element-id="{element_id}"] text').first
    return " ".join(shape.text_content().split())


def test_an_english_case_page_names_lanes_gateways_steps_and_posts_in_english(page, jtflow):
    """Issue 16: on an English page the diagram's lanes, gateways and steps and the step
    table's posts (岗位) are in English; the Chinese page keeps the diagram as deployed."""
    case = report(jtflow, channel="hotline_12328")
    step(jtflow, case, "classify")
    sign_in(page, "bus_handler")
    page.wait_for_url("**/")
    page.goto(f"/cases/{case.case_no}?lang=en")
    diagram = page.locator("#case-diagram[data-state=ready]")
    diagram.wait_for()
    svg = diagram.locator("svg").first
    assert drawn_text(svg, "lane_unit") == "Handling unit"
    assert drawn_text(svg, "lane_platform") == "Center · platform intake post"
    assert drawn_text(svg, "gw_decision_label") == "Transfer decision?"
    assert drawn_text(svg, "platform_rule_lookup") == "Set the platform's deadline"
    assert drawn_text(svg, "sign_for") == "Sign for"
    assert drawn_text(svg, "rc_leader") == "Handling unit's leader"  # the called reply cycle
    rows = page.locator("#case-tasks tbody tr")
    assert (
        rows.filter(has_text="Classify and transfer")
        .first.inner_text()
        .count("Complaint intake post (12328 seat)")
        == 1
    )
    assert "Sign for" in rows.filter(has_text="Handler").first.inner_text()
    assert "投诉受理岗" not in page.locator("#case-tasks").inner_text()
    page.locator("#case-diagram-section").scroll_into_view_if_needed()
    page.screenshot_step(page, "case-diagram-english")
    page.goto(f"/cases/{case.case_no}?lang=zh")
    page.locator("#case-diagram[data-state=ready]").wait_for()
    svg = page.locator("#case-diagram svg").first
    assert drawn_text(svg, "lane_unit") == "承办单位"
    assert drawn_text(svg, "gw_decision_label") == "转办决定？"
