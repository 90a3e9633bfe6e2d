"""POST /api/events (E1, E11): the body is forms/report_event.json; every problem is a 4xx
`{error, detail}` naming what to fix, never a 500."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from engine.models import AccessLog
from tests.conftest import START


def event(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "monitoring",
        "urgency": "normal",
        "title": "火车站公交场站候车亭顶棚漏水",
        "description": "视频巡查发现候车亭顶棚破损漏水。",
        "location": "厦门市思明区火车站公交场站",
        "facility": {"type": "bus_station", "name": "火车站公交场站"},
        "discovered_at": START.isoformat(),
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def test_reporting_opens_the_case_and_its_first_task(api_as):
    response = api_as("c_monitor").post("/api/events", event())
    assert response.status_code == 201
    body = response.get_json()
    assert body["case_no"].startswith("JT20260928-") and body["case_id"] >= 1
    assert [(t["element_id"], t["unit_code"], t["role"]) for t in body["tasks"]] == [
        ("classify", "CENTER", "投诉受理岗")
    ]
    assert response.headers["Location"] == f"/api/cases/{body['case_no']}"
    case = api_as("c_monitor").get(response.headers["Location"]).get_json()
    assert case["facts"]["reporter"] == "c_monitor"
    assert case["facts"]["discovered_at"] == "2026-09-28T01:00:00+00:00"


def test_a_unit_handler_reports_its_own_patrol_events(api_as):
    """E11: patrol events are reported and handled by the unit itself."""
    response = api_as("bus_handler").post("/api/events", event(channel="patrol"))
    assert response.status_code == 201
    assert response.get_json()["tasks"][0]["unit_code"] == "BUS_GROUP"


def test_wrong_post_and_auditors_are_refused_and_logged(api_as, jtflow):
    """E1: central channels are the center's posts'; S1: an auditor changes nothing."""
    response = api_as("bus_handler").post("/api/events", event(channel="monitoring"))
    assert response.status_code == 403 and response.get_json()["error"] == "forbidden"
    response = api_as("auditor").post("/api/events", event())
    assert response.status_code == 403 and "审计员" in response.get_json()["detail"]
    with jtflow.sessions() as db:
        denied = db.scalars(select(AccessLog).where(AccessLog.action == "denied")).all()
    assert [(d.username, d.target_id) for d in denied] == [
        ("bus_handler", "/api/events"),
        ("auditor", "/api/events"),
    ]


def test_missing_fields_are_listed(api_as):
    response = api_as("c_monitor").post("/api/events", {"channel": "monitoring"})
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "invalid"
    assert {f["field"] for f in body["fields"]} == {
        "urgency",
        "title",
        "description",
        "location",
        "facility",
        "discovered_at",
    }
    assert "「紧急程度」为必填项" in body["detail"]


def test_unknown_choices_say_which_values_are_allowed(api_as):
    body = event(urgency="very", facility={"type": "castle", "name": "鼓浪屿"})
    response = api_as("c_monitor").post("/api/events", body)
    assert response.status_code == 422
    fields = {f["field"]: f for f in response.get_json()["fields"]}
    assert fields["urgency"]["allowed"] == ["critical", "urgent", "pressing", "normal"]
    assert "可选值：critical、urgent、pressing、normal" in fields["urgency"]["message"]
    assert "bus_station" in fields["facility.type"]["allowed"]
    assert "可选值：critical" in response.get_json()["detail"]


def test_wrong_types_unknown_fields_and_bad_instants_are_422(api_as):
    body = event(title=42, facility="海沧大桥", discovered_at="2026-09-28 09:00", colour="red")
    response = api_as("c_monitor").post("/api/events", body)
    assert response.status_code == 422
    messages = {f["field"]: f["message"] for f in response.get_json()["fields"]}
    assert messages["title"] == "「事件标题」应为文本"
    assert messages["facility"] == "「涉及设施」应为对象"
    assert "需含时区" in messages["discovered_at"]
    assert messages["colour"] == "不允许的字段：colour"


def test_malformed_and_non_object_bodies_are_400(api_as):
    api = api_as("c_monitor")
    json_type = {"Content-Type": "application/json"}
    for raw, code in (
        (b"{", "malformed_json"),
        (b'{"title": NaN}', "malformed_json"),
        (b"\xff\xfe", "malformed_json"),
        (b"[1, 2]", "not_an_object"),
        (b'"text"', "not_an_object"),
        (b"null", "not_an_object"),
        (b"[" * 100_000 + b"]" * 100_000, "malformed_json"),
        (b'{"title": ' + b"[" * 40 + b"]" * 40 + b"}", "malformed_json"),  # deeper than forms nest
    ):
        response = api.post("/api/events", data=raw, headers=json_type)
        assert response.status_code == 400, raw[:20]
        assert response.get_json()["error"] == code and response.get_json()["detail"]


def test_a_body_that_is_not_json_is_415(api_as):
    response = api_as("c_monitor").post("/api/events", data="channel=monitoring")
    assert response.status_code == 415
    assert "application/json" in response.get_json()["detail"]


def test_an_oversized_body_is_413(api_as):
    huge = json.dumps(event(description="很" * 600_000))
    response = api_as("c_monitor").post(
        "/api/events", data=huge, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.get_json() == {"error": "too_large", "detail": "请求体过大：上限为 1024 KB"}
