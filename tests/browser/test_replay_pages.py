"""S2 in a real browser, on the suite's clock that ticks at every read: a 12328 complaint
reported on the report page, gone red and pressed (E12), handled, returned once (E10) and
archived, every step on its person's pages, replays exactly — the auditor's step page shows no
difference at any step, and the API says `reproduced: true` at every step."""

from __future__ import annotations

from typing import Any

from tests.browser.steps import open_step, submit_task, to_inbox
from tests.walkthrough import (
    REPORT,
    api_reader,
    check_the_record,
    replays_exactly,
    reproduced_at_every_step,
    walk,
)


def fill(page: Any, data: dict[str, Any]) -> None:
    """The step's form filled with `data`, field by field as a person would."""
    for name, value in data.items():
        field = page.locator(f"#f-{name}")
        kind = field.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if kind.startswith("select"):
            field.select_option(str(value).lower() if isinstance(value, bool) else str(value))
        elif kind == "input:checkbox":
            field.set_checked(bool(value))
        else:
            field.fill(str(value))


def test_a_case_worked_on_the_pages_replays_at_every_step(person, jtflow, clock, db_url):  # type: ignore[no-untyped-def]
    page = person("c_12328")
    page.locator("#nav-start").click()
    page.locator("#start-event_lifecycle a").click()
    page.locator("#f-urgency").select_option(REPORT["urgency"])
    page.locator("#f-location").fill(REPORT["location"])
    page.locator("#f-facility-type").select_option(REPORT["facility"]["type"])
    page.locator("#f-facility-name").fill(REPORT["facility"]["name"])
    page.locator("#f-title").fill(REPORT["title"])
    page.locator("#f-description").fill(REPORT["description"])
    page.locator("#submit-report").click()
    page.wait_for_url("**/cases/*")
    case_no = page.locator("#case-no").inner_text()
    clock.advance(days=1, hours=1)  # 分类转办 is a working day overdue: red, the center pressed
    jtflow.fire_due_timers()  # what the scheduler does when the instant comes

    def complete(task, data, username):  # type: ignore[no-untyped-def]
        page = to_inbox(person(username))
        open_step(page, case_no, task.element_id)
        fill(page, data)
        page.screenshot_step(page, f"{task.element_id}-by-{username}")
        submit_task(page)

    done = walk(jtflow, case_no, complete, between=lambda: clock.advance(hours=1))
    history = check_the_record(jtflow, case_no, done)

    replays_exactly(jtflow, case_no)
    reproduced_at_every_step(api_reader(jtflow, db_url), case_no, len(history))
    page = person("auditor")
    for k in range(1, len(history) + 1):
        page.goto(f"/audit/cases/{case_no}/steps/{k}")
        assert page.locator("#step-event").is_visible(), k
        assert page.locator("#divergence").count() == 0, page.locator("#divergence").inner_text()
        assert page.locator("#replay-refused").count() == 0, k
    page.screenshot_step(page, "last-step-replayed")
