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
