"""Sharing over the API (D3–D7): a request started, the unit's requests and grants listed,
access checked (403 and logged without a grant, for another purpose, once revoked), a grant
revoked with its reason, a 校核 asked."""

from __future__ import annotations

from tests.factories import SHARING_REQUEST, resource


def test_a_request_then_its_grant_then_access_then_revocation(api_as, jtflow):
    resource_id = resource(jtflow, share_type="unconditional")
    highway = api_as("highway_handler")
    started = highway.post("/api/sharing/requests", {"resource_id": resource_id, **SHARING_REQUEST})
    assert started.status_code == 201, started.get_json()
    assert started.get_json()["case_no"].startswith("GX")
    [listed] = highway.get("/api/sharing/requests").get_json()["requests"]
    assert (listed["status"], listed["provider_unit"]) == ("granted", "BUS_GROUP")
    [grant] = highway.get("/api/sharing/grants").get_json()["grants"]
    access = f"/api/catalogue/{resource_id}/data-access"
    allowed = highway.get(
        access, query_string={"purpose": grant["purpose"], "service_mode": "download"}
    )
    assert allowed.status_code == 200 and allowed.get_json()["grant_id"] == grant["id"]
    other = highway.get(access, query_string={"purpose": "商业分析", "service_mode": "download"})
    assert other.status_code == 403 and "用途" in other.get_json()["detail"]
    checked = highway.post("/api/sharing/checks", {"grant_id": grant["id"], "doubt": "坐标偏移。"})
    assert checked.status_code == 201
    refused = highway.post(f"/api/sharing/grants/{grant['id']}/revoke", {"reason": "不需要了"})
    assert refused.status_code == 403
    bus = api_as("bus_leader")
    revoked = bus.post(f"/api/sharing/grants/{grant['id']}/revoke", {"reason": "违规扩散。"})
    assert revoked.status_code == 200 and revoked.get_json()["revoke_reason"] == "违规扩散。"
    gone = highway.get(
        access, query_string={"purpose": grant["purpose"], "service_mode": "download"}
    )
    assert gone.status_code == 403 and "撤销" in gone.get_json()["detail"]


def test_a_request_that_breaks_its_form_or_names_no_resource(api_as, jtflow):
    resource_id = resource(jtflow)
    highway = api_as("highway_handler")
    bad = highway.post("/api/sharing/requests", {"resource_id": resource_id, "purpose": "x"})
    assert bad.status_code == 422
    missing = highway.post("/api/sharing/requests", {"resource_id": 999999, **SHARING_REQUEST})
    assert missing.status_code == 404
    no_id = highway.post("/api/sharing/requests", SHARING_REQUEST)
    assert no_id.status_code == 422


def test_a_doubt_the_document_accepts_is_not_refused_as_blank(api_as, jtflow):
    """Found by schemathesis: U+0085 matches the document's `\\S` (ECMA-262), so the API
    must not call it blank as Python's strip would; an unknown grant is then a 404."""
    highway = api_as("highway_handler")
    answer = highway.post("/api/sharing/checks", {"grant_id": 35011, "doubt": "\u0085"})
    assert answer.status_code == 404, answer.get_json()
    blank = highway.post("/api/sharing/checks", {"grant_id": 35011, "doubt": " \u3000 "})
    assert blank.status_code == 422
