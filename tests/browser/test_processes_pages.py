"""The process owner's pages in a real browser: a newly deployed version, its diagram drawn
by bpmn-js, a migration previewed (nothing changed) and then confirmed."""

from __future__ import annotations

from tests.browser.test_sign_in_pages import sign_in
from tests.engine.test_case_migration import SIGN_FOR_IN_TWO_WORKING_DAYS, waiting_at_sign_for
from tests.factories import deploy_variant, kinds


def test_a_process_owner_previews_and_migrates_running_cases(page, jtflow, tmp_path):  # type: ignore[no-untyped-def]
    case = waiting_at_sign_for(jtflow)
    deploy_variant(jtflow, tmp_path / "v2", *SIGN_FOR_IN_TWO_WORKING_DAYS)
    sign_in(page, "owner")
    page.wait_for_url("**/")
    page.locator("#nav-processes").click()
    assert page.locator("#version-event_lifecycle-1").get_attribute("data-running") == "1"
    page.locator("#version-event_lifecycle-1 a").click()
    page.wait_for_selector("#case-diagram svg")  # bpmn-js drew version 1
    assert page.locator(".legend").count() == 0  # nothing to mark on a version
    page.screenshot_step(page, "process-version")
    page.locator("#migrate-preview").click()
    row = page.locator(f"#preview-{case.case_no}")
    assert "2026-09-30 09:00" in row.inner_text()
    assert "migrated" not in kinds(jtflow, case)
    page.screenshot_step(page, "migration-preview")
    page.locator("#migrate-confirm").click()
    assert "已迁移 1 个案件，未迁移 0 个" in page.get_by_role("status").inner_text()
    assert page.locator("#version-running").inner_text() == "0"
    assert kinds(jtflow, case).count("migrated") == 1
    page.screenshot_step(page, "migrated")
