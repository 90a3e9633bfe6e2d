"""The knowledge base in a real browser (O2), every step by the person whose work it is, each
in their own browser: 市运输事业发展中心's handler registers a change of policy from the start
page and submits the new knowledge; the center's seat accepts it, finds the entry by search,
revises it into a second version and reads the first; the handler links the entry on an
event case and the entry lists the case; the quarter's first day opens the seats' revision
by itself. A screenshot per step."""

from __future__ import annotations

from engine import knowledge
from engine.models import KnowledgeEntry
from tests.browser.steps import submit_task, work_step
from tests.engine.test_lights import at
from tests.factories import report, step
from tests.knowledge import SUBMISSION, deployed

UNIT, SEAT = "transport_handler", "c_12328"


def test_new_knowledge_becomes_a_versioned_entry_linked_from_a_case(  # type: ignore[no-untyped-def]
    person, jtflow, clock, shots
):
    shot = shots.take
    deployed(jtflow)

    # 登记职能或政策调整: the unit's handler, from the start page
    page = person(UNIT)
    page.locator("#nav-start").click()
    page.locator("#start-knowledge_revision a").click()
    page.locator("#f-policy_title").fill("网约车管理实施细则修订")
    page.locator("#f-changed_at").fill("2026-09-28T08:00")
    page.locator("#f-policy_note").fill("驾驶员证申领条件调整。")
    shot(page, "change-by-transport_handler")
    page.locator("#submit-change").click()
    page.wait_for_url("**/cases/*")
    case_no = page.locator("#case-no").inner_text()
    assert case_no.startswith("ZS")
    assert page.locator("#knowledge-policy").inner_text() == "网约车管理实施细则修订"
    assert page.locator("#knowledge-unit").inner_text() == "市运输事业发展中心"
    shot(page, "change-registered")

    # 报送新知识: the same unit, within its 5 working days
    clock.advance(hours=2)
    fields = {k: v for k, v in SUBMISSION.items() if k != "entry_id"}
    page = work_step(person, UNIT, case_no, "submit", {"entry_id": "0", **fields})
    shot(page, "submission-by-transport_handler")
    submit_task(page)

    # 审核入库: the center's seat accepts it
    clock.advance(hours=2)
    page = work_step(
        person, SEAT, case_no, "review", {"decision": "accept", "review_note": "入库。"}
    )
    shot(page, "review-by-c_12328")
    submit_task(page)

    # the seat finds the entry, revises it into version 2 and reads version 1
    page.locator("#nav-knowledge").click()
    page.locator("#knowledge-q").fill("网约车 驾驶员证")
    page.locator("#search-knowledge").click()
    page.wait_for_url("**/knowledge?*")
    with jtflow.sessions() as session:
        [entry_id] = session.query(KnowledgeEntry.id).all()[0]
    page.locator(f"#entry-{entry_id} a").click()
    page.wait_for_url(f"**/knowledge/{entry_id}")
    assert page.locator("#entry-from-case").count() == 1
    page.locator("#entry-answer-input").fill(
        "取得驾驶证满 3 年，无交通肇事犯罪记录（2026 年细则）。"
    )
    page.locator("#entry-note-input").fill("季度修订")
    shot(page, "revising-by-c_12328")
    page.locator("#save-entry").click()
    page.wait_for_url(f"**/knowledge/{entry_id}")
    assert "2026 年细则" in page.locator("#entry-answer").inner_text()
    assert page.locator("#version-1 a").count() == 1
    page.locator("#version-1 a").click()
    page.wait_for_url(f"**/knowledge/{entry_id}/versions/1")
    assert page.locator("#entry-answer").inner_text() == SUBMISSION["answer"]
    shot(page, "version-1")

    # the unit's handler links the entry on an event case it works on
    event = report(jtflow)
    step(jtflow, event, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    page = person(UNIT)
    page.goto(f"/cases/{event.case_no}")
    page.locator("#link-entry-id").fill(str(entry_id))
    page.locator("#link-entry").click()
    page.wait_for_url(f"**/cases/{event.case_no}")
    assert fields["title"] in page.locator(f"#linked-entry-{entry_id}").inner_text()
    shot(page, "linked-by-transport_handler")
    page.goto(f"/knowledge/{entry_id}")
    assert page.locator(f"#entry-case-{event.case_no}").count() == 1
    shot(page, "entry-with-its-case")


def test_the_quarter_opens_the_seats_revision_by_itself(  # type: ignore[no-untyped-def]
    person, jtflow, clock, shots
):
    shot = shots.take
    case_no = knowledge.start_schedule(deployed(jtflow), starter=SEAT)
    clock.set(at("2026-10-01T00:00"))
    jtflow.fire_due_timers()
    clock.set(at("2026-10-08T09:00"))
    page = work_step(
        person,
        SEAT,
        case_no,
        "revise",
        {
            "units_consulted": "市运输事业发展中心、厦门公交集团",
            "entries_reviewed": "12",
            "summary": "修订网约车条目 1 条。",
        },
    )
    shot(page, "revision-by-c_12328")
    submit_task(page)
    page.goto(f"/cases/{case_no}")
    assert page.locator("#case-status").inner_text() == "办理中"
    assert page.locator("#knowledge-kind").count() == 1
    shot(page, "schedule-case")
