"""The retention page (O4) in a real browser: the administrator sees a photo past its three
months, one still needed by a running case kept with its reason, removes the first, and the
case's page no longer offers its content; an auditor reads the page without the button."""

from __future__ import annotations

from engine.config import Settings, attachment_store
from tests.browser.steps import as_user
from tests.engine.test_retention import JPEG, attachment_of, case_with_photo


def test_the_administrator_removes_a_photo_past_its_minimum(page, jtflow, clock, db_url):  # type: ignore[no-untyped-def]
    store = attachment_store(Settings(database_url=db_url))  # the served app's
    ended = case_with_photo(jtflow, store)
    running = case_with_photo(jtflow, store, until="archive", content=JPEG + b"another")
    clock.advance(days=100)
    as_user(page, "admin")
    page.locator("#nav-retention").click()
    removable = page.locator(f"#removable-attachment-{attachment_of(jtflow, ended).id}")
    assert ended.case_no in removable.inner_text()
    assert "音视频信息（不少于三个月）" in removable.inner_text()
    kept = page.locator(f"#kept-attachment-{attachment_of(jtflow, running).id}")
    assert "所属案件仍在办理" in kept.inner_text()
    page.screenshot_step(page, "retention-plan")
    page.locator("#apply-retention").click()
    assert "已删除 1 项" in page.get_by_role("status").inner_text()
    assert page.locator("#nothing-removable").is_visible()
    assert attachment_of(jtflow, ended).removed_by == "admin"
    assert not store.path_of(attachment_of(jtflow, ended).sha256).exists()
    page.screenshot_step(page, "retention-applied")

    as_user(page, "auditor")
    page.goto("/admin/retention")
    assert page.locator("#apply-retention").count() == 0
    assert page.locator(f"#kept-attachment-{attachment_of(jtflow, running).id}").count() == 1
