"""The sharing pages (D3–D7): a request from a catalogue entry, the unit's requests, its grants
with use, 校核 and revoke — names on every page, never codes."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import AccessLog
from engine.service import CaseRef
from tests.factories import grant_of, resource
from tests.webui.pages import post, signed_in_as, text

FORM = {
    "purpose": "公交线网优化分析",
    "scope": "2026 年思明区公交线路",
    "data_items": "线路编号\n站点\n到站时间",
    "service_mode": "download",
}


def test_a_request_from_a_catalogue_entry_starts_its_case(client, jtflow):
    resource_id = resource(jtflow)
    signed_in_as(client, "highway_handler")
    page = text(client.get(f"/sharing/new?resource={resource_id}"))
    assert "厦门公交集团有限公司" in page and "有条件共享" in page and "BUS_GROUP" not in page
    assert '<option value="browse"' not in page  # only the modes the resource offers
    response = post(client, f"/sharing/new?resource={resource_id}", FORM)
    assert response.status_code == 302 and "/cases/GX" in response.location
    case_page = text(client.get(response.location))
    assert "市公路事业发展中心" in case_page and "到站时间" in case_page
    mine = text(client.get("/sharing/requests"))
    assert "厦门公交集团有限公司" in mine and "文件下载" in mine


def test_a_request_missing_its_purpose_is_shown_again_with_the_error(client, jtflow):
    resource_id = resource(jtflow)
    signed_in_as(client, "highway_handler")
    response = post(client, f"/sharing/new?resource={resource_id}", {**FORM, "purpose": ""})
    assert response.status_code == 422 and "使用用途" in text(response)


def test_grants_are_used_checked_and_revoked_from_the_grants_page(client, jtflow):
    resource_id = resource(jtflow, share_type="unconditional")
    signed_in_as(client, "highway_handler")
    response = post(client, f"/sharing/new?resource={resource_id}", FORM)
    case_no = response.location.rsplit("/", 1)[1]
    grants_page = text(client.get("/sharing/grants"))
    assert "市公路事业发展中心" in grants_page and "revoke-" not in grants_page
    case = jtflow.case(case_no)
    grant = grant_of(jtflow, CaseRef(case.id, case_no, []))
    assert grant is not None
    used = post(client, f"/sharing/grants/{grant.id}/use", {"purpose": FORM["purpose"]})
    assert used.status_code == 302
    other = post(client, f"/sharing/grants/{grant.id}/use", {"purpose": "商业分析"})
    assert other.status_code == 403 and "用途" in text(other)
    checked = post(client, f"/sharing/grants/{grant.id}/check", {"doubt": "到站时间偏差大。"})
    assert checked.status_code == 302 and "/cases/GX" in checked.location
    with jtflow.sessions() as session:
        logged = list(
            session.scalars(select(AccessLog.allowed).where(AccessLog.action == "use_data"))
        )
    assert logged == [True, False]
    client.post("/logout")
    signed_in_as(client, "bus_leader")
    assert f"revoke-{grant.id}" in text(client.get("/sharing/grants"))
    revoked = post(client, f"/sharing/grants/{grant.id}/revoke", {"reason": "违规扩散。"})
    assert revoked.status_code == 302
    assert "违规扩散" in text(client.get("/sharing/grants"))


def test_a_catalogue_entry_offers_its_sharing_request_to_other_units(client, jtflow):
    resource_id = resource(jtflow)
    signed_in_as(client, "highway_handler")
    page = text(client.get(f"/catalogue/{resource_id}"))
    assert f'href="/sharing/new?resource={resource_id}"' in page and "申请共享" in page
    client.post("/logout")
    signed_in_as(client, "bus_handler")  # the provider's own entry: nothing to request
    assert 'id="request-sharing"' not in text(client.get(f"/catalogue/{resource_id}"))


def test_the_centers_data_post_reads_a_request_granted_at_once(client, jtflow):
    """S1: an unconditional request has no task at the center, yet the center's
    数据资源管理岗 records every grant, so it reads the case; the page speaks of an
    application (申请人, 提出申请), not of an event (报送人, 紧急程度)."""
    resource_id = resource(jtflow, share_type="unconditional")
    signed_in_as(client, "highway_handler")
    response = post(client, f"/sharing/new?resource={resource_id}", FORM)
    case_no = response.location.rsplit("/", 1)[-1]
    client.post("/logout")
    signed_in_as(client, "c_data")
    page = client.get(f"/cases/{case_no}")
    assert page.status_code == 200
    body = text(page)
    assert "申请人" in body and "提出申请" in body
    assert "紧急程度" not in body and "报送人" not in body
    client.post("/logout")
    signed_in_as(client, "c_monitor")  # another center post still does not
    assert client.get(f"/cases/{case_no}").status_code == 403
