"""What a person does on the pages, for the browser tests: sign in and out, find a case's
step in the inbox, open it, fill its form. Everything goes through the pages; ids are the
pages' stable ones (tab-*, filter-*, task-<id>, f-<field>, submit-task …)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from werkzeug.security import generate_password_hash

from engine.demo import DEMO_PASSWORD
from engine.models import User
from engine.people.users import add_user

# The demo password hashed with scrypt at N = 2**10 rather than werkzeug's 2**15: signing in
# checks it the same way, in a hundredth of the time (the browser tests sign in ~30 times).
QUICK_HASH = generate_password_hash(DEMO_PASSWORD, method="scrypt:1024:8:1")


def sign_in(page: Any, username: str, password: str = DEMO_PASSWORD) -> None:
    """Through the login page, in whichever language it is shown."""
    if "/login" not in page.url:
        page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("form.login button[type=submit]").click()


def sign_out(page: Any) -> None:
    page.locator("header form button[type=submit]").click()
    page.wait_for_url("**/login**")


def as_user(page: Any, username: str) -> None:
    """Sign out whoever is signed in and sign in as ``username``, landing on the inbox."""
    if page.locator("header form button[type=submit]").count():
        sign_out(page)
    sign_in(page, username)
    page.wait_for_url(lambda url: "/login" not in url)
    assert page.locator("#nav-inbox").is_visible(), f"{username} did not get signed in"


def to_inbox(page: Any) -> Any:
    """The inbox as it is now, from the link in the header."""
    page.locator("#nav-inbox").click()
    page.wait_for_url("**/")
    return page


def search_inbox(page: Any, text: str) -> None:
    """The inbox, narrowed with its own text filter (case no., title or location)."""
    page.locator("#nav-inbox").click()
    page.locator("#filter-q").fill(text)
    page.locator("#filter-apply").click()
    page.wait_for_url("**q=*")


def inbox_row(page: Any, case_no: str, step: str) -> Any:
    """The inbox row of the case's open step (on the inbox shown, else the whole inbox)."""
    if page.locator("#tabs").count() == 0:
        to_inbox(page)
    row = page.locator(f"#tasks tr[data-task-id]:has(td.step[data-step='{step}'])")
    assert row.count() == 1, f"no single {step} row for {case_no}: {page.inner_text('main')}"
    assert row.locator("td.case-no").inner_text() == case_no
    return row


def open_step(page: Any, case_no: str, step: str) -> int:
    """Open the case's step from the inbox; returns the task id."""
    row = inbox_row(page, case_no, step)
    task_id = int(row.get_attribute("data-task-id"))
    page.locator(f"#open-{task_id}").click()
    page.wait_for_url(f"**/tasks/{task_id}")
    assert page.locator("#case-no").inner_text() == case_no
    return task_id


def work_step(person: Any, username: str, case_no: str, step: str, fields: dict[str, Any]) -> Any:
    """The person opens the case's step from their inbox (as it is now) and fills its fields:
    a select chooses, True ticks a checkbox, text is typed. Returns the page, not submitted."""
    page = to_inbox(person(username))
    open_step(page, case_no, step)
    for name, value in fields.items():
        field = page.locator(f"#f-{name}")
        if value is True:
            field.check()
        elif field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    return page


def submit_task(page: Any) -> None:
    """Submit the step's form; back on the inbox, which says the step was submitted."""
    page.locator("#submit-task").click()
    page.wait_for_url(lambda url: "/tasks/" not in url)
    assert page.locator("p.flash.notice").count() == 1


def add_seat(jtflow: Any, username: str, name: str) -> None:
    """One more 12328 seat (投诉受理岗) beside the demo's 黄坐席, as `jtflow user add` would
    make it (password `jtflow-demo`): the center's steps are then each done by another person."""
    with jtflow.sessions() as session:
        add_user(session, username, name, "CENTER", ["投诉受理岗"]).password_hash = QUICK_HASH
        session.commit()


def quick_passwords(jtflow: Any) -> None:
    """Every demo user's password, still `jtflow-demo`, under QUICK_HASH."""
    with jtflow.sessions() as session:
        session.execute(
            update(User).where(User.password_hash.is_not(None)).values(password_hash=QUICK_HASH)
        )
        session.commit()
