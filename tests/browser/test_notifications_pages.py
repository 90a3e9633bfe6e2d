"""The bell in a real browser (issue 16): when one handler completes a step, the next
handler's open page shows the new count and the notification without a reload."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from engine.config import Settings
from tests.browser.steps import open_step, quick_passwords, submit_task
from tests.notes import replied
from tests.serving import served
from webui import create_app

LOOK_SECONDS = 0.5  # the bell looks twice a second here (15 s by default)


@pytest.fixture
def live_app(db_url, jtflow) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """As conftest's, with the bell looking often, so waiting for it stays short."""
    quick_passwords(jtflow)
    settings = Settings(database_url=db_url, bell_seconds=LOOK_SECONDS)
    with served(create_app(settings, jtflow=jtflow)) as base_url:
        yield base_url


def test_the_next_handlers_open_page_rings_without_a_reload(person, jtflow):
    case = replied(jtflow)  # at 单位领导审核; the center's audit comes next
    seat = person("c_12328")
    seat.goto("/")
    expect(seat.locator("#bell-count")).to_have_text("1")  # the 分类转办 it was told of
    seat.screenshot_step(seat, "before")
    leader = person("transport_leader")
    leader.goto("/")
    open_step(leader, case.case_no, "leader_approve")
    leader.locator("#f-approved").select_option("true")
    submit_task(leader)
    # the seat's page was never reloaded: the bell's look brings the count and the line
    expect(seat.locator("#bell-count")).to_have_text("2", timeout=10_000)
    news = seat.locator("#bell-news")
    expect(news).to_contain_text("新待办：中心审核答复")
    expect(news).to_contain_text(case.case_no)
    seat.screenshot_step(seat, "rung")
    news.locator("a").first.click()  # opening it reads it
    seat.wait_for_url("**/tasks/*")
    expect(seat.locator("#bell-count")).to_have_text("1")
    seat.goto("/notifications")
    expect(seat.locator("#notes")).to_contain_text("中心审核答复")
    seat.screenshot_step(seat, "notifications-page")
