"""Interface notices over the API (O1, O3, S1) on SQLite: filed by the unit for its own
resource, interrupted in the catalogue until the center confirms the repair, refused (403,
logged) to another unit and to the center; the form's errors are a 422."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import AccessLog
from tests.notices import FAULT, UPGRADE, notice_resource, walk_over_api
from tests.walkthrough import replays_exactly


def test_a_fault_notice_walked_through_the_api(api_as, jtflow):
    case_no = walk_over_api(jtflow, api_as)
    replays_exactly(jtflow, case_no)
    with jtflow.sessions() as session:
        refusals = session.scalars(select(AccessLog.detail).where(AccessLog.allowed.is_(False)))
        assert sum("接口通知" in (d or "") or "不是本单位" in (d or "") for d in refusals) >= 2


def test_a_late_upgrade_notice_is_listed_as_late(api_as, jtflow):
    resource_id = notice_resource(jtflow)
    bus = api_as("bus_data")
    body = {
        **UPGRADE,
        "resource_ids": [resource_id],
        "stop_at": "2026-09-29T20:00:00+08:00",  # tomorrow: not 3 working days ahead
        "planned_resume": "2026-09-30T06:00:00+08:00",
    }
    assert bus.post("/api/notices", body).status_code == 201
    [late] = bus.get("/api/notices", query_string={"late": "true"}).get_json()["notices"]
    assert late["late"] is True and late["resource_names"]
    assert bus.get("/api/notices", query_string={"late": "false"}).get_json()["notices"] == []
    assert bus.get("/api/notices", query_string={"late": "maybe"}).status_code == 400


def test_a_notice_missing_what_its_kind_needs_is_a_422(api_as, jtflow):
    resource_id = notice_resource(jtflow)
    bus = api_as("bus_data")
    missing = bus.post("/api/notices", {**FAULT, "resource_ids": [resource_id]})
    assert missing.status_code == 422
    assert any(f["field"] == "discovered_at" for f in missing.get_json()["fields"])
    unknown = bus.post(
        "/api/notices",
        {**FAULT, "resource_ids": [999999], "discovered_at": "2026-09-28T08:00:00+08:00"},
    )
    assert unknown.status_code == 422
    assert api_as("xmu_lab").get("/api/notices").status_code == 200  # its own: none
