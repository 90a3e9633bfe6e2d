"""Builders for interface notice tests (O1, O3): a published catalogue entry of BUS_GROUP
with the notice process deployed, and a notice filed by its data administrator."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from engine.config import PROJECT_ROOT
from engine.notices import file_notice
from engine.service import CaseRef, Jtflow
from tests.factories import resource

FILER = "bus_data"  # BUS_GROUP's 数据资源管理员
UPGRADE = {
    "kind": "upgrade",
    "interface_name": "公交车辆实时位置推送接口",
    "description": "调度系统升级，接口暂停推送。",
}
FAULT = {
    "kind": "fault",
    "interface_name": "公交车辆实时位置推送接口",
    "description": "前置机硬盘故障，推送中断。",
}


def notice_resource(jtflow: Jtflow, **overrides: Any) -> int:
    """A published BUS_GROUP entry, with processes/interface_notice.bpmn deployed (the test
    template deploys only the lifecycle, whose definition ids other tests count on)."""
    jtflow.deploy(PROJECT_ROOT / "processes" / "interface_notice.bpmn")
    return resource(jtflow, **overrides)


def notify(
    jtflow: Jtflow, base: dict[str, Any], *, filer: str = FILER, **form: Any
) -> tuple[CaseRef, int]:
    """File a notice on a fresh resource; returns the case and the resource's id."""
    resource_id = notice_resource(jtflow)
    notice = {**base, "resource_ids": [resource_id], **form}
    return file_notice(jtflow, notice, filer=filer), resource_id


def walk_over_api(jtflow: Jtflow, api_as: Callable[[str], Any]) -> str:
    """A fault notice worked through the API by each step's own user, whatever the database:
    filed by the unit, its resource interrupted until the center confirms the repair;
    refused to another unit and to the center. Returns the case number."""
    resource_id = notice_resource(jtflow)
    bus, center, highway = api_as(FILER), api_as("c_data"), api_as("highway_data")
    discovered = (jtflow.clock.now() - timedelta(hours=1)).isoformat()  # any clock: in time
    body = {**FAULT, "resource_ids": [resource_id], "discovered_at": discovered}
    assert highway.post("/api/notices", body).status_code == 403  # not its resource
    assert center.post("/api/notices", body).status_code == 403  # the center is notified
    filed = bus.post("/api/notices", body)
    assert filed.status_code == 201, filed.get_json()
    case_no = filed.get_json()["case_no"]
    [receive] = filed.get_json()["tasks"]
    assert (receive["element_id"], receive["unit_code"]) == ("receive", "CENTER")
    entry = f"/api/catalogue/{resource_id}"
    assert bus.get(entry).get_json()["interrupted"] is True
    [listed] = bus.get("/api/notices").get_json()["notices"]
    assert (listed["case_no"], listed["late"], listed["kind"]) == (case_no, False, "fault")
    assert highway.get("/api/notices").get_json()["notices"] == []
    assert bus.get("/api/notices", query_string={"late": "true"}).get_json()["notices"] == []

    def complete(who: Any, task: dict[str, Any], data: dict[str, Any]) -> list[dict[str, Any]]:
        done = who.post(f"/api/tasks/{task['id']}/complete", {"data": data})
        assert done.status_code == 200, done.get_json()
        return list(done.get_json()["tasks"])

    refused = bus.post(f"/api/tasks/{receive['id']}/complete", {"data": {"receipt_note": "x"}})
    assert refused.status_code == 403  # the center's step
    [restore] = complete(center, receive, {"receipt_note": "已登记。"})
    restored = {"restore_note": "已修复。", "data_missing": False}
    [confirm] = complete(bus, restore, restored)
    assert complete(center, confirm, {"confirmed": True, "confirm_note": "已恢复。"}) == []
    assert bus.get(entry).get_json()["interrupted"] is False
    assert bus.get(f"/api/cases/{case_no}").get_json()["status"] == "completed"
    return str(case_no)
