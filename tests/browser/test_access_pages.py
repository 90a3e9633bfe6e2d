"""S1 in a real browser: people of another unit — or of another of the center's posts — neither
see a case in their inbox nor open its case page or task page: each is a 403 page saying why
(not an empty page, not a 500), written to the access log."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import AccessLog
from tests.browser.steps import inbox_row, search_inbox
from tests.factories import report, step, task_at


def test_others_get_a_403_page_for_the_case_and_its_task(person, jtflow):  # type: ignore[no-untyped-def]
    case = report(jtflow, channel="hotline_12328")  # a bus station: the bus company's (E2)
    step(jtflow, case, "classify")
    sign_for = task_at(jtflow, case, "sign_for")
    assert sign_for.unit_code == "BUS_GROUP"
    paths = {"case": f"/cases/{case.case_no}", "task": f"/tasks/{sign_for.id}"}

    page = person("bus_handler")  # the unit it was transferred to sees it and opens both
    assert inbox_row(page, case.case_no, "sign_for").is_visible()
    for path in paths.values():
        assert page.goto(path).status == 200

    for username in ("transport_handler", "c_monitor"):  # another unit; another center post
        page = person(username)
        assert page.locator("#no-tasks").is_visible()
        search_inbox(page, case.case_no)
        assert page.locator("#no-tasks").is_visible()
        page.screenshot_step(page, f"inbox-of-{username}")
        for name, path in paths.items():
            answer = page.goto(path)
            assert answer.status == 403, f"{username} {path}: {answer.status}"
            assert page.get_by_role("heading", name="无权访问").is_visible()
            reason = page.get_by_role("alert").inner_text()
            assert username in reason and "无权" in reason and "（S1）" not in reason
            assert page.locator("#case-summary, #task-form, #history").count() == 0
            page.screenshot_step(page, f"{name}-page-403-for-{username}")

        with jtflow.sessions() as session:
            refused = session.scalars(
                select(AccessLog.target_id).where(
                    AccessLog.username == username, AccessLog.allowed.is_(False)
                )
            ).all()
        assert sorted(refused) == sorted(paths.values())
