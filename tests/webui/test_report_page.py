"""Reporting an event from the page (E1, E11): the channel preset by the post, discovery time
in Xiamen's wall clock stored with its offset, errors beside their fields, the case no. shown."""

from __future__ import annotations

import re

import pytest

from tests.webui.pages import post, signed_in_as, text

EVENT = {
    "urgency": "pressing",
    "discovered_at": "2026-09-28T08:30",
    "location": "海沧大桥东引桥",
    "facility.type": "bridge",
    "facility.name": "海沧大桥",
    "title": "伸缩缝破损",
    "description": "桥面伸缩缝钢板翘起。",
}


def channel_options(page):  # type: ignore[no-untyped-def]
    select = re.search(r'<select id="f-channel".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="(\w+)"( selected)?>', select)


@pytest.mark.parametrize(
    ("username", "preset", "others"),
    [
        ("c_12328", "hotline_12328", 5),
        ("c_monitor", "monitoring", 0),
        ("c_opinion", "opinion", 0),
        ("c_platform", "platform_12345", 1),  # and public_safety
        ("c_duty", "duty_phone", 0),
        ("bus_handler", "patrol", 0),  # a unit's own patrol (E11)
    ],
)
def test_the_channel_is_preset_by_the_post_e1_e11(client, username, preset, others):
    signed_in_as(client, username)
    page = text(client.get("/report"))
    options = channel_options(page)
    assert (preset, " selected") in options and len(options) == 1 + others
    assert "+08:00" not in page  # the date picker is in 北京时间: no offset to type (issue 16)


def test_a_report_shows_its_case_number_with_discovery_in_xiamen_time(client, jtflow):
    signed_in_as(client, "c_platform")
    response = post(client, "/report", {**EVENT, "channel": "public_safety"})
    assert response.status_code == 302 and response.location.startswith("/cases/JT")
    case_no = response.location.rsplit("/", 1)[1]
    page = text(client.get(response.location))
    assert f"已报送，案件编号 {case_no}" in page and f'<span id="case-no">{case_no}</span>' in page
    case = jtflow.case(case_no)
    assert case.channel == "public_safety" and case.urgency == "pressing"
    assert case.facts["discovered_at"] == "2026-09-28T00:30:00+00:00"  # 08:30 at +08:00
    assert case.facts["facility_name"] == "海沧大桥"


def test_errors_show_beside_their_fields_and_keep_the_input(client, jtflow):
    signed_in_as(client, "c_monitor")
    response = post(
        client, "/report", {**EVENT, "channel": "monitoring", "facility.type": "", "title": ""}
    )
    page = text(response)
    assert response.status_code == 422
    assert re.search(r'id="f-facility-type-error"[^>]*>「设施类型」为必填项', page)
    assert re.search(r'id="f-title-error"[^>]*>「事件标题」为必填项', page)
    assert 'value="2026-09-28T08:30"' in page and 'value="海沧大桥东引桥"' in page
    assert ">桥面伸缩缝钢板翘起。</textarea>" in page


def test_a_channel_outside_the_post_is_refused_e1(client):
    signed_in_as(client, "c_monitor")
    response = post(client, "/report", {**EVENT, "channel": "hotline_12328"})
    assert response.status_code == 403


@pytest.mark.parametrize("username", ["auditor", "bus_leader", "office"])
def test_who_reports_nothing_gets_a_403_page(client, username):
    signed_in_as(client, username)
    response = client.get("/report")
    assert response.status_code == 403 and "无权访问" in text(response)


def test_fields_come_in_the_order_an_event_is_taken_down(client):
    signed_in_as(client, "c_duty")
    page = text(client.get("/report"))
    ids = ["f-channel", "f-urgency", "f-discovered_at", "f-location", "f-facility-type"]
    ids += ["f-facility-name", "f-title", "f-description"]
    positions = [page.index(f'id="{i}"') for i in ids]
    assert positions == sorted(positions)
    assert 'type="datetime-local" id="f-discovered_at"' in page
    assert 'value="2026-09-28T09:00"' in page  # now, on the injected clock, in Xiamen's time
