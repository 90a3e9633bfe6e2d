"""The users page in a real browser: an administrator adds a user (an error shown beside its
field first), and the new user signs in."""

from __future__ import annotations

from tests.browser.test_sign_in_pages import sign_in


def test_an_administrator_adds_a_user_in_the_browser(page):
    sign_in(page, "admin")
    page.wait_for_url("**/")
    page.locator("#nav-users").click()
    page.get_by_label("用户名").fill("bus_clerk")
    page.get_by_label("姓名").fill("公交 新办理人")
    page.get_by_label("单位", exact=True).select_option("BUS_GROUP")
    page.get_by_label("初始密码").fill("a-good-password")
    page.locator("#submit-user").click()
    assert "请至少选择一个角色" in page.locator("#error-roles").inner_text()
    page.screenshot_step(page, "add-user-error")
    page.locator("#f-roles").get_by_label("办理人", exact=True).check()
    page.get_by_label("初始密码").fill("a-good-password")
    page.locator("#submit-user").click()
    assert "已添加用户 bus_clerk" in page.get_by_role("status").inner_text()
    assert "公交 新办理人" in page.locator("#user-bus_clerk").inner_text()
    page.screenshot_step(page, "user-added")
    page.get_by_role("button", name="退出").click()
    sign_in(page, "bus_clerk", "a-good-password")
    page.wait_for_url("**/")
    assert "公交 新办理人" in page.locator("header").inner_text()
