"""The task page: the case so far, the step's form drawn from its JSON Schema, server-side
validation by the engine with errors beside their fields (E8), conflicts said plainly with
nothing lost, completion implying the claim."""

from __future__ import annotations

import re

from tests.factories import report, step, task_at
from tests.webui.pages import post, signed_in_as, text


def field_html(page, dom_id):  # type: ignore[no-untyped-def]
    """The markup of one field's block (div or fieldset) on the page."""
    match = re.search(rf'<(div|fieldset)[^>]*id="{dom_id}(-field)?".*?</\1>', page, re.S)
    assert match, f"no field {dom_id}"
    return match.group(0)


def test_the_page_shows_the_case_its_history_and_the_form_from_the_schema(client, jtflow):
    case = report(jtflow)
    task = task_at(jtflow, case, "classify")
    signed_in_as(client, "c_12328")
    page = text(client.get(f"/tasks/{task.id}"))
    # the case summary and the history so far: who, what, when
    assert f'<span id="case-no">{case.case_no}</span>' in page
    assert "厦门市思明区火车站公交场站" in page and "视频巡查发现候车亭顶棚破损漏水" in page
    assert 'data-kind="case_reported"' in page and "陈监测（运行监测岗）" in page  # by name
    assert "2026-09-28 09:00" in page
    # a required select from oneOf/const/title, the DMN's suggestion preselected (defaults)
    decision = field_html(page, "f-decision")
    assert 'class="req"' in decision and '<option value="transfer">转办</option>' in decision
    lead = field_html(page, "f-lead_unit")  # required once 转办 is chosen, hidden until then
    assert 'class="req"' in lead and "data-when=" in lead and " hidden>" in lead
    assert '<option value="BUS_GROUP" selected>厦门公交集团有限公司</option>' in lead
    # a list of choices as checkboxes, a text area where x-widget says so
    assert 'type="checkbox" name="co_units" value="ROAD_BRIDGE"' in page
    assert '<textarea rows="4" id="f-return_reason" name="return_reason"' in page
    assert 'id="submit-task"' in page


def test_errors_show_beside_their_fields_and_the_input_is_kept_e4(client, jtflow):
    task = task_at(jtflow, report(jtflow), "classify")
    signed_in_as(client, "c_12328")
    response = post(
        client,
        f"/tasks/{task.id}",
        {
            "decision": "return",
            "return_reason": "   ",
            "note": "先退回再说",
            "co_units": "METRO_BRT",
        },
    )
    page = text(response)
    assert response.status_code == 422 and 'id="form-errors"' in page
    reason = field_html(page, "f-return_reason")
    assert 'id="f-return_reason-error"' in reason and "不能只含空白字符" in reason
    basis = field_html(page, "f-return_basis")
    assert "「退件依据」为必填项" in basis
    assert '<option value="return" selected>退件</option>' in page  # input kept
    assert ">先退回再说</textarea>" in page
    assert 'value="METRO_BRT" id="f-co_units-4" checked' in page
    assert jtflow.task(task.id).state == "open"


def test_errors_are_said_in_english_on_english_pages(client, jtflow):
    """The engine's field errors, in the reader's language: the message, the field's title
    and the summary at the top (a page in Chinese reads exactly what the engine said)."""
    task = task_at(jtflow, report(jtflow), "classify")
    signed_in_as(client, "c_12328")
    client.get("/?lang=en")
    response = post(client, f"/tasks/{task.id}", {"decision": "return", "return_reason": "   "})
    page = text(response)
    assert response.status_code == 422
    assert "must not be only spaces" in field_html(page, "f-return_reason")
    basis = field_html(page, "f-return_basis")
    assert "is required" in basis and "为必填项" not in basis
    top = page.split('id="form-errors"')[1].split("</")[0]
    assert "has errors:" in top and "填写有误" not in top


def test_success_goes_back_to_the_inbox_with_a_message_and_implies_the_claim(client, jtflow):
    case = report(jtflow)
    task = task_at(jtflow, case, "classify")
    signed_in_as(client, "c_12328")
    response = post(client, f"/tasks/{task.id}", {"decision": "transfer", "lead_unit": "BUS_GROUP"})
    assert response.status_code == 302 and response.location == "/"
    assert "「分类转办」已提交" in text(client.get("/"))
    done = jtflow.task(task.id)
    assert done.state == "completed" and done.assignee == "c_12328"
    assert done.data["decision"] == "transfer" and done.data["lead_unit"] == "BUS_GROUP"
    assert task_at(jtflow, case, "sign_for").unit_code == "BUS_GROUP"


def test_a_double_submit_says_so_plainly_and_keeps_the_input(client, jtflow):
    task = task_at(jtflow, report(jtflow), "classify")
    signed_in_as(client, "c_12328")
    form = {"decision": "transfer", "lead_unit": "BUS_GROUP", "note": "第二次提交"}
    assert post(client, f"/tasks/{task.id}", form).status_code == 302
    again = post(client, f"/tasks/{task.id}", form)
    page = text(again)
    assert again.status_code == 409 and "请勿重复提交" in page
    assert ">第二次提交</textarea>" in page and 'id="submit-task"' not in page


def test_a_task_completed_meanwhile_by_someone_else_is_a_conflict_not_a_loss(client, jtflow):
    case = report(jtflow)
    step(jtflow, case, "classify")
    task = task_at(jtflow, case, "sign_for")
    signed_in_as(client, "bus_handler")
    page = text(client.get(f"/tasks/{task.id}"))
    assert '<option value="true">签收</option>' in page  # a boolean oneOf as a select
    step(jtflow, case, "sign_for", as_user="bus_handler")  # e.g. in another browser tab
    response = post(client, f"/tasks/{task.id}", {"accept": "false", "reason": "不属于本单位"})
    assert response.status_code == 409
    assert "已由 bus_handler" in text(response) and "不属于本单位" in text(response)


def test_booleans_are_checkboxes_and_sign_for_goes_through_e5(client, jtflow):
    case = report(jtflow)
    step(jtflow, case, "classify")
    sign_for = task_at(jtflow, case, "sign_for")
    signed_in_as(client, "bus_handler")
    assert post(client, f"/tasks/{sign_for.id}", {"accept": "true"}).status_code == 302
    reply = task_at(jtflow, case, "handle_reply")
    page = text(client.get(f"/tasks/{reply.id}"))
    important = field_html(page, "f-important")
    assert 'type="checkbox" value="true"' in important and "checked" not in important
    response = post(
        client,
        f"/tasks/{reply.id}",
        {"verification": "经现场核实属实", "disposal": "已修复", "important": "true"},
    )
    assert response.status_code == 302
    assert jtflow.task(reply.id).data["important"] is True


def test_the_unit_reads_why_its_reply_was_returned_and_what_it_said_e10(client, jtflow):  # type: ignore[no-untyped-def]
    case = report(jtflow)
    for element in ("classify", "sign_for", "handle_reply", "leader_approve"):
        step(jtflow, case, element)
    returned = {"accepted": False, "reason": "未写明修复时间", "basis": "E10"}
    step(jtflow, case, "center_audit", returned)
    signed_in_as(client, "bus_handler")
    page = text(client.get(f"/tasks/{task_at(jtflow, case, 'handle_reply').id}"))
    answers = page[page.index('id="answers"') : page.index('id="case-summary"')]
    # the latest first: the return, with its reason and basis, then the reply it returned
    assert answers.index('data-step="center_audit"') < answers.index('data-step="handle_reply"')
    assert '<dd class="pre">不符合要求，退件</dd>' in answers
    assert "未写明修复时间" in answers and "已安排人员修复完毕。" in answers
    assert '<dt>重要事项，报分管领导审核</dt><dd class="pre">否</dd>' in answers


def test_a_returned_reply_comes_back_filled_with_the_reason_on_top_e10(client, jtflow):  # type: ignore[no-untyped-def]
    """Issue 16: after 退回修改 the unit revises its reply instead of typing it again."""
    case = report(jtflow)
    for element in ("classify", "sign_for"):
        step(jtflow, case, element)
    step(jtflow, case, "handle_reply", {"verification": "现场属实。", "disposal": "已修复。"})
    step(jtflow, case, "leader_approve", {"approved": False, "opinion": "请写明修复时间。"})
    signed_in_as(client, "bus_handler")
    page = text(client.get(f"/tasks/{task_at(jtflow, case, 'handle_reply').id}"))
    returned = page[page.index('id="returned"') : page.index('id="task-form"')]
    assert "此前的答复已被退回修改" in returned and "单位领导审核" in returned
    assert "请写明修复时间。" in returned and "不同意，退回修改" in returned
    assert ">已修复。</textarea>" in page and ">现场属实。</textarea>" in page
    assert not re.search(r"[（(][ADEMOS][0-9]+[）)、]", page)  # hints in words, no rule IDs

    first = report(jtflow)  # a step met for the first time: no notice, the form as defined
    step(jtflow, first, "classify")
    step(jtflow, first, "sign_for")
    page = text(client.get(f"/tasks/{task_at(jtflow, first, 'handle_reply').id}"))
    assert 'id="returned"' not in page and "已修复。" not in page

    page = text(client.get(f"/tasks/{task_at(jtflow, case, 'handle_reply').id}?lang=en"))
    assert "The earlier reply was returned for revision" in page
