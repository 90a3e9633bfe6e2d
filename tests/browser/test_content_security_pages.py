"""The pages under their Content-Security-Policy in real Chromium (issue 10): the diagram
drawn by bpmn-js, the task form's one-click submit and the dossier's print button all work
with scripts from this site only, and the browser reports no violation of the policy."""

from __future__ import annotations

from typing import Any

from tests.browser.steps import as_user
from tests.factories import report, step, task_at

# Playwright's init scripts are not the page's: the policy does not apply to them.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
window.print = function () { window.__printed = true; };
"""


def watched(page: Any) -> list[str]:
    """What the browser says about the policy, in the console or as a violation event."""
    said: list[str] = []
    page.add_init_script(WATCH)
    page.on("console", lambda m: said.append(m.text) if "Security Policy" in m.text else None)
    page.on("pageerror", lambda e: said.append(str(e)))
    return said


def violations(page: Any, said: list[str]) -> list[str]:
    return said + page.evaluate("window.__violations")


def test_diagrams_forms_and_print_work_under_the_policy(page, jtflow):  # type: ignore[no-untyped-def]
    case = report(jtflow)
    step(jtflow, case, "classify")
    sign_for = task_at(jtflow, case, "sign_for").id
    said = watched(page)

    as_user(page, "bus_handler")
    page.goto(f"/cases/{case.case_no}")
    page.locator("#case-diagram[data-state=ready]").wait_for()
    svg = page.locator("#case-diagram svg").first
    assert svg.locator('g.djs-element.jt-open[data-element-id="sign_for"]').count() == 1
    assert violations(page, said) == []

    page.goto(f"/tasks/{sign_for}")
    disabled = page.evaluate(
        """() => new Promise(done => {
             const form = document.getElementById("task-form");
             form.addEventListener("submit", e => e.preventDefault());  // stay on the page
             form.requestSubmit(document.getElementById("submit-task"));
             setTimeout(() => done(document.getElementById("submit-task").disabled), 50);
           })"""
    )
    assert disabled, "task_form.js did not disable the submit button"
    assert violations(page, said) == []

    as_user(page, "auditor")
    page.goto(f"/audit/cases/{case.case_no}/steps/2")
    page.locator("#case-diagram[data-state=ready]").wait_for()
    page.goto(f"/audit/cases/{case.case_no}/dossier")
    page.locator("#print").click()
    assert page.evaluate("window.__printed === true"), "dossier.js did not wire the print button"
    assert violations(page, said) == []
    page.screenshot_step(page, "dossier-under-csp")


def test_an_inline_script_would_be_refused(page, jtflow):  # type: ignore[no-untyped-def]
    """The policy is in force: a script injected into a page does not run, and is reported."""
    said = watched(page)
    page.goto("/login")
    ran = page.evaluate(
        """() => new Promise(done => {
             window.__ran = false;
             const s = document.createElement("script");
             s.textContent = "window.__ran = true";
             document.body.appendChild(s);
             setTimeout(() => done(window.__ran), 50);
           })"""
    )
    assert ran is False
    assert any("script-src" in v for v in violations(page, said))
