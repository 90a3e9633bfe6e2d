"""The inbox page (SPEC §1, S1, E12): tabs 全部/我的/待认领, claim and release with CSRF,
Chinese labels, deadlines in Xiamen's time and relative to the injected clock, lights and
暂定, filters, deadline order and paging."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update

from engine.models import Task
from tests.conftest import START
from tests.factories import report, task_at
from tests.webui.pages import post, signed_in_as, text

# discovered half a minute past 09:00: a page read a few clock ticks after the report (the
# suite's clock moves at every read) still has a whole day left
DISCOVERED = (START + timedelta(seconds=30)).isoformat()


def test_claim_moves_a_task_to_mine_and_release_back_to_unclaimed_s1(client, jtflow):
    case = report(jtflow)
    task = task_at(jtflow, case, "classify")
    signed_in_as(client, "c_12328")
    assert case.case_no in text(client.get("/?tab=unclaimed"))
    assert case.case_no not in text(client.get("/?tab=mine"))

    response = post(client, f"/tasks/{task.id}/claim", {"next": "/?tab=mine"})
    assert response.status_code == 302 and response.location == "/?tab=mine"
    page = text(client.get(response.location))
    assert "已认领任务" in page and case.case_no in page and f'id="release-{task.id}"' in page
    assert case.case_no not in text(client.get("/?tab=unclaimed"))
    assert jtflow.task(task.id).assignee == "c_12328"

    post(client, f"/tasks/{task.id}/release", {"next": "/?tab=unclaimed"})
    page = text(client.get("/?tab=unclaimed"))
    assert case.case_no in page and f'id="claim-{task.id}"' in page
    assert jtflow.task(task.id).assignee is None


def test_releasing_a_task_not_claimed_says_so_plainly(client, jtflow):
    task = task_at(jtflow, report(jtflow), "classify")
    signed_in_as(client, "c_12328")
    response = post(client, f"/tasks/{task.id}/release", follow_redirects=True)
    assert response.status_code == 200 and "无需释放" in text(response)


def test_claim_without_csrf_is_refused(app, jtflow):
    task = task_at(jtflow, report(jtflow), "classify")
    client = signed_in_as(app.test_client(), "c_12328")
    response = client.post(f"/tasks/{task.id}/claim")
    assert response.status_code == 400 and jtflow.task(task.id).assignee is None


def test_columns_in_chinese_with_local_and_relative_deadlines_e12(client, jtflow, clock):
    case = report(jtflow, urgency="pressing", channel="hotline_12328", discovered_at=DISCOVERED)
    signed_in_as(client, "c_12328")
    page = text(client.get("/"))
    # classify is due 1 WD after discovery: Tuesday 09:00 in Xiamen (an urgent one: 30 min, E7)
    for shown in (case.case_no, "较急", "12328热线", "分类转办", "2026-09-29 09:00", "还剩 1 天"):
        assert shown in page
    assert "绿灯" in page and "暂定" not in page
    clock.advance(hours=20)
    assert "还剩 4 小时" in text(client.get("/"))
    clock.advance(days=2)
    assert "已超期 1 天" in text(client.get("/"))


def test_lights_and_provisional_deadlines_are_marked_e12(client, jtflow):
    case = report(jtflow)
    with jtflow.sessions() as session:
        session.execute(
            update(Task)
            .where(Task.instance_id == case.case_id)
            .values(light="red", provisional=True)
        )
        session.commit()
    signed_in_as(client, "c_12328")
    page = text(client.get("/"))
    assert '<span class="light red">红灯</span>' in page and "暂定" in page
    assert case.case_no in text(client.get("/?light=red"))
    assert case.case_no not in text(client.get("/?light=green"))


def test_filters_by_urgency_channel_step_and_text(client, jtflow):
    urgent = report(jtflow, urgency="urgent", title="海沧大桥伸缩缝破损")
    normal = report(jtflow, channel="hotline_12328", location="集美大桥桥头")
    signed_in_as(client, "c_12328")

    def shown(query):  # type: ignore[no-untyped-def]
        page = text(client.get("/?" + query))
        return [c.case_no for c in (urgent, normal) if c.case_no in page]

    assert shown("urgency=urgent") == [urgent.case_no]
    assert shown("channel=hotline_12328") == [normal.case_no]
    assert shown("q=伸缩缝") == [urgent.case_no]
    assert shown("q=集美") == [normal.case_no]
    assert shown("q=" + normal.case_no) == [normal.case_no]
    assert shown("step=classify") == [urgent.case_no, normal.case_no]
    assert shown("step=sign_for") == []
    assert "selected>紧急</option>" in text(client.get("/?urgency=urgent"))  # filter kept


def test_sorted_by_deadline_and_paged(client, jtflow, clock):
    cases = []
    for _ in range(27):
        cases.append(report(jtflow))
        clock.advance(minutes=1)
    signed_in_as(client, "c_12328")
    first = text(client.get("/"))
    assert "共 27 项" in first and "第 1 / 2 页" in first and 'id="page-next"' in first
    assert first.index(cases[0].case_no) < first.index(cases[1].case_no)
    assert cases[26].case_no not in first
    second = text(client.get("/?page=2"))
    assert cases[26].case_no in second and cases[0].case_no not in second
    toggle = re.search(r'id="sort-due" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert "sort=-due" in toggle
    latest_first = text(client.get(toggle))
    assert latest_first.index(cases[26].case_no) < latest_first.index(cases[25].case_no)


def test_bad_paging_is_a_422_page_not_a_500(client):
    signed_in_as(client, "c_12328")
    response = client.get("/?per_page=1000")
    assert response.status_code == 422 and "per_page" in text(response)


def test_the_inbox_in_english(client, jtflow):
    case = report(jtflow, urgency="pressing", discovered_at=DISCOVERED)
    signed_in_as(client, "c_12328")
    page = text(client.get("/?lang=en"))
    for shown in (case.case_no, "Pressing", "Monitoring", "1 day left", "Claim", "Unclaimed"):
        assert shown in page
    assert "较急" not in page and "还剩" not in page


def test_the_language_switch_keeps_the_filters(client, jtflow):  # type: ignore[no-untyped-def]
    """Issue 16: switching to English keeps the inbox's tab, filters and page."""
    report(jtflow)
    signed_in_as(client, "c_12328")
    page = text(client.get("/?tab=unclaimed&urgency=normal&q=候车亭&page=1"))
    english = re.search(r'<a href="([^"]*)" lang="en" id="lang-en"', page).group(1)  # type: ignore[union-attr]
    assert english.startswith("?") and "lang=en" in english
    for kept in ("tab=unclaimed", "urgency=normal", "page=1"):
        assert kept in english.replace("&amp;", "&")
    answer = client.get("/" + english.replace("&amp;", "&"))
    assert answer.status_code == 200 and 'lang="en"' in text(answer)


def test_a_cases_reminders_share_one_row_naming_each_chased_step_e12(client, jtflow, clock):
    """Issue 16: two 催办 of one case are one inbox row listing both, each with the step it
    chases and that step's unit by name; the task page names the chased step too."""
    case = report(jtflow, urgency="urgent")
    classify = task_at(jtflow, case, "classify")
    jtflow.complete(classify.id, {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"}, "c_12328")
    clock.set(START + timedelta(days=1, hours=1))  # 电话报告 and 签收 both red
    jtflow.fire_due_timers()
    signed_in_as(client, "c_12328")
    page = text(client.get("/?step=press"))
    assert len(re.findall(r'<tr id="task-\d+"', page)) == 1
    assert page.count('class="reminder ') == 2
    assert "电话报告 · 市运输事业发展中心" in page and "签收 · 市运输事业发展中心" in page
    press = task_at(jtflow, case, "press")
    shown = text(client.get(f"/tasks/{press.id}"))
    assert 'id="chased"' in shown and "市运输事业发展中心" in shown
