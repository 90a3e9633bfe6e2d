"""S1 in a real browser: sign in, a wrong password said inline, 中文 by default and English
on one click, sign out."""

from __future__ import annotations

from engine.demo import DEMO_PASSWORD
from engine.people.accounts import REFUSED


def sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_sign_in_shows_the_inbox_in_chinese_and_english(page):
    sign_in(page, "c_12328", "not the password")
    assert page.get_by_role("alert").inner_text() == REFUSED
    page.screenshot_step(page, "wrong-password")
    sign_in(page, "c_12328")
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="待办").is_visible()
    assert "黄坐席" in page.locator("header").inner_text()
    page.screenshot_step(page, "inbox-zh")
    page.get_by_role("link", name="English").click()
    assert page.get_by_role("heading", name="Inbox").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    page.screenshot_step(page, "inbox-en")
    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("heading", name="Sign in").is_visible()
