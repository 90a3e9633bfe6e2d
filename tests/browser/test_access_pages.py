"""S1 in a real browser: another unit's people neither see a case in their inbox nor open
its case page or task page — each is a 403 page saying why, written to the access log."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import AccessLog
from tests.browser.steps import as_user, inbox_row, search_inbox
from tests.factories import report, step, task_at


def test_another_units_people_get_a_403_page_for_the_case_and_its_task(page, jtflow):  # type: ignore[no-untyped-def]
    case = report(jtflow, channel="hotline_12328")  # a bus station: the bus company's (E2)
    step(jtflow, case, "classify")
    sign_for = task_at(jtflow, case, "sign_for")
    assert sign_for.unit_code == "BUS_GROUP"

    as_user(page, "bus_handler")  # the unit it was transferred to sees it
    assert inbox_row(page, case.case_no, "sign_for").is_visible()

    as_user(page, "transport_handler")
    assert page.locator("#no-tasks").is_visible()
    search_inbox(page, case.case_no)
    assert page.locator("#no-tasks").is_visible()
    page.screenshot_step(page, "inbox-without-the-case")

    for path, name in ((f"/cases/{case.case_no}", "case"), (f"/tasks/{sign_for.id}", "task")):
        answer = page.goto(path)
        assert answer.status == 403, f"{path}: {answer.status}"
        assert page.get_by_role("heading", name="无权访问").is_visible()
        assert "transport_handler" in page.get_by_role("alert").inner_text()
        assert "（S1）" in page.get_by_role("alert").inner_text()
        assert page.locator("#case-summary, #task-form").count() == 0
        page.screenshot_step(page, f"{name}-page-403")

    with jtflow.sessions() as session:
        refused = session.scalars(
            select(AccessLog.target_id).where(
                AccessLog.username == "transport_handler", AccessLog.allowed.is_(False)
            )
        ).all()
    assert sorted(refused) == sorted([f"/cases/{case.case_no}", f"/tasks/{sign_for.id}"])
