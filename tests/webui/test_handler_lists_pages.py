"""The handler's lists (issue 16): 办理过的 and 本单位案件 reached from the inbox, only mine
and my unit's (S1), names not codes, filters kept across paging and the language switch."""

from __future__ import annotations

from tests.factories import report, step
from tests.webui.pages import signed_in_as, text


def test_the_inbox_leads_to_both_lists(client, jtflow):
    signed_in_as(client, "bus_handler")
    page = client.get("/").get_data(as_text=True)
    assert (
        'id="list-done" href="/done"' in page and 'id="list-unit-cases" href="/unit-cases"' in page
    )
    done = client.get("/done").get_data(as_text=True)
    assert 'id="list-done" href="/done" class="current"' in done and "没有办理过的任务" in done


def test_done_by_me_shows_my_tasks_by_name_linking_to_their_cases_s1(client, jtflow):
    case = report(jtflow)
    step(jtflow, case, "classify")
    step(jtflow, case, "sign_for", as_user="bus_handler")
    signed_in_as(client, "bus_handler")
    page = client.get("/done").get_data(as_text=True)
    assert f'href="/cases/{case.case_no}"' in page
    for shown in ("签收", "交通运输事件监测处置", "运行监测", "一般", "按时完成", "共 1 项"):
        assert shown in page, shown
    assert '<td class="process">交通运输事件监测处置</td>' in page  # a name, not its id
    # a colleague and another unit: none of it
    for other in ("bus_leader", "transport_handler"):
        signed_in_as(client, other)
        assert case.case_no not in client.get("/done").get_data(as_text=True)


def test_my_units_cases_with_current_step_unit_and_status_by_name_s1(client, jtflow):
    case = report(jtflow)
    step(jtflow, case, "classify")
    signed_in_as(client, "bus_leader")
    page = text(client.get("/unit-cases"))
    for shown in (case.case_no, "签收（厦门公交集团有限公司）", "办理中", "绿灯", "共 1 件"):
        assert shown in page, shown
    assert "BUS_GROUP" not in page
    signed_in_as(client, "transport_handler")
    assert case.case_no not in client.get("/unit-cases").get_data(as_text=True)


def test_filters_page_and_language_keep_the_query(client, jtflow):
    made = [report(jtflow, title=f"候车亭漏水 {i}") for i in range(3)]
    for case in made:
        step(jtflow, case, "classify")
    signed_in_as(client, "bus_handler")
    page = client.get("/unit-cases?q=漏水&status=running&per_page=2").get_data(as_text=True)
    assert "第 1 / 2 页" in page
    assert 'href="/unit-cases?q=%E6%BC%8F%E6%B0%B4&amp;status=running&amp;page=2"' in page
    assert 'value="running" selected' in page
    english = client.get("/unit-cases?q=漏水&status=running&lang=en").get_data(as_text=True)
    assert "<h1>My unit's cases</h1>" in english and 'value="漏水"' in english
    assert "Sign for (Xiamen Bus Group Co., Ltd.)" in english
    client.get("/?lang=zh")
    assert text(client.get("/unit-cases?q=没有这件")).count("没有符合条件的案件") == 1


def test_a_bad_date_is_said_on_the_page_with_the_form_kept(client, jtflow):
    signed_in_as(client, "bus_handler")
    response = client.get("/done?from=2026-13-01&q=桥")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="filter-error"' in page and 'value="桥"' in page
    response = client.get("/unit-cases?to=1066-10-14")
    assert response.status_code == 422 and "年份应在" in text(response)
