"""The auditor in a real browser (S1, S2): finds a case by its text, steps through it event by
event (the diagram's tokens move), exports the search and the case's dossier — every export in
the access log — and can change nothing: the task page offers no submit and a POST is a 403."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import AccessLog
from tests.browser.steps import as_user
from tests.factories import report, step, task_at


def test_an_auditor_finds_steps_through_and_exports_a_case(page, jtflow):  # type: ignore[no-untyped-def]
    case = report(jtflow, title="BRT站台电梯停运", location="厦门市湖里区BRT某站")
    step(jtflow, case, "classify")
    report(jtflow)  # another case the search must leave out
    sign_for = task_at(jtflow, case, "sign_for")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    as_user(page, "auditor")
    page.locator("#nav-audit").click()
    page.locator("#f-q").fill("电梯停运")
    page.locator("#search").click()
    page.wait_for_url("**/audit/cases?**")
    rows = page.locator("#cases tbody tr")
    assert rows.count() == 1 and page.locator(f"#case-{case.case_no}").is_visible()
    page.screenshot_step(page, "search-found")

    with page.expect_download() as got:
        page.locator("#export-xlsx").click()
    assert got.value.suggested_filename.endswith(".xlsx")

    page.locator(f"#case-{case.case_no} a.steps-link").click()
    page.wait_for_url(f"**/audit/cases/{case.case_no}/steps/1")
    assert page.locator("#step-event").get_attribute("data-kind") == "case_reported"
    page.locator("#case-diagram[data-state=ready]").wait_for()
    svg = page.locator("#case-diagram svg").first
    assert svg.locator('g.djs-element.jt-open[data-element-id="classify"]').count() == 1
    page.screenshot_step(page, "step-1")
    seen = []
    while page.locator("#step-next").count():
        page.locator("#step-next").click()
        page.locator("#step-event").wait_for()
        seen.append(page.locator("#step-event").get_attribute("data-kind"))
        assert page.locator("#divergence").count() == 0
    assert "task_completed" in seen
    page.locator("#case-diagram[data-state=ready]").wait_for()
    assert svg.locator('g.djs-element.jt-done[data-element-id="classify"]').count() == 1
    assert svg.locator('g.djs-element.jt-open[data-element-id="sign_for"]').count() == 1
    page.screenshot_step(page, "last-step")

    page.locator("#step-dossier").click()
    page.wait_for_url(f"**/audit/cases/{case.case_no}/dossier")
    assert page.locator("#chain-state").inner_text() == "哈希链完整"
    page.emulate_media(media="print")
    assert page.locator("header.top").is_hidden() and page.locator("#print").is_hidden()
    page.screenshot_step(page, "dossier-print")
    page.emulate_media(media="screen")
    with page.expect_download() as got:
        page.locator("#dossier-json").click()
    assert got.value.suggested_filename == f"{case.case_no}.json"

    page.goto(f"/tasks/{sign_for.id}")
    assert page.locator("#case-summary").is_visible()
    assert page.locator("#submit-task").count() == 0  # the form is shown read-only
    page.screenshot_step(page, "task-read-only")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    for path, form in (
        (f"/tasks/{sign_for.id}/claim", {}),
        (f"/tasks/{sign_for.id}", {"accept": "true"}),
    ):
        answer = page.request.post(path, form={"csrf_token": token, **form})
        assert answer.status == 403, (path, answer.status)
    assert jtflow.task(sign_for.id).state == "open" and jtflow.task(sign_for.id).assignee is None
    assert not errors

    with jtflow.sessions() as session:
        exported = session.scalars(
            select(AccessLog.target_id).where(
                AccessLog.username == "auditor", AccessLog.action == "export"
            )
        ).all()
    assert exported.count(case.case_no) == 3  # the XLSX, the dossier page, its JSON
