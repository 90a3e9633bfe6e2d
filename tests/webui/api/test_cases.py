"""Cases over the API (S1, S2, E12): facts, status, open steps with owners and lights, and the
hash-chained history — for the units with work in the case, the center's posts that handle it,
and auditors; 403 (logged) for everyone else, 404 for unknown cases."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import AccessLog, HistoryEvent
from engine.run.history import verify_chain
from tests.factories import report, step

from .test_tasks import bus_case, transport_case


def test_a_case_by_number_or_id_with_its_open_steps_and_lights(api_as, jtflow):
    case = bus_case(jtflow)
    api = api_as("bus_handler")
    body = api.get(f"/api/cases/{case.case_no}").get_json()
    assert body == api.get(f"/api/cases/{case.case_id}").get_json()
    assert body["case_no"] == case.case_no and body["status"] == "running"
    assert body["facts"]["facility"] == {"type": "bus_station", "name": "火车站公交场站"}
    (open_step,) = body["open_steps"]
    assert open_step["element_id"] == "sign_for" and open_step["unit_code"] == "BUS_GROUP"
    assert open_step["role"] == "办理人" and open_step["assignee"] is None
    assert body["light"] == "green" and body["lights"] == {"green": 1, "yellow": 0, "red": 0}
    assert body["ended_at"] is None


def test_the_history_is_the_hash_chain(api_as, jtflow):
    """S2: seq, at, actor, kind, element_id, data and hash of every event, in order."""
    case = bus_case(jtflow)
    body = api_as("bus_handler").get(f"/api/cases/{case.case_no}/history").get_json()
    events = body["events"]
    assert body["case_no"] == case.case_no
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["kind"] == "case_reported" and events[0]["actor"] == "c_monitor"
    completed = [e for e in events if e["kind"] == "task_completed"]
    assert completed[0]["element_id"] == "classify"
    assert completed[0]["data"]["data"]["decision"] == "transfer"
    with jtflow.sessions() as db:
        rows = db.scalars(
            select(HistoryEvent)
            .where(HistoryEvent.instance_id == case.case_id)
            .order_by(HistoryEvent.seq)
        ).all()
    assert verify_chain(list(rows)) is None
    assert [e["hash"] for e in events] == [r.hash for r in rows]
    assert all(e["prev_hash"] == p["hash"] for p, e in zip(events, events[1:], strict=False))


def test_another_units_case_is_403_and_logged(api_as, jtflow):
    """S1: a BUS_GROUP handler cannot see a TRANSPORT_DEV case or its history."""
    case = transport_case(jtflow)
    api = api_as("bus_handler")
    for path in (f"/api/cases/{case.case_no}", f"/api/cases/{case.case_id}/history"):
        response = api.get(path)
        assert response.status_code == 403, path
        assert response.get_json()["error"] == "forbidden"
    with jtflow.sessions() as db:
        denied = db.scalars(select(AccessLog).where(AccessLog.action == "denied")).all()
    assert [(d.username, d.allowed) for d in denied] == [("bus_handler", False)] * 2


def test_a_unit_keeps_seeing_a_case_it_had_a_task_in(api_as, jtflow):
    """A unit that has or had a task in the case: its leader too, after the handler's step."""
    case = bus_case(jtflow)
    step(jtflow, case, "sign_for")
    assert api_as("bus_leader").get(f"/api/cases/{case.case_no}").status_code == 200
    assert api_as("transport_leader").get(f"/api/cases/{case.case_no}").status_code == 403


def test_center_posts_see_the_cases_they_handle(api_as, jtflow):
    """The center's posts: the intake post of the channel, and the posts with a task in it."""
    case = report(jtflow, channel="opinion")
    assert api_as("c_opinion").get(f"/api/cases/{case.case_no}").status_code == 200
    assert api_as("c_12328").get(f"/api/cases/{case.case_no}").status_code == 200  # 分类转办
    assert api_as("c_duty").get(f"/api/cases/{case.case_no}").status_code == 403


def test_auditors_read_every_case(api_as, jtflow):
    bus, transport = bus_case(jtflow), transport_case(jtflow)
    api = api_as("auditor")
    for case in (bus, transport):
        assert api.get(f"/api/cases/{case.case_no}").status_code == 200
        assert api.get(f"/api/cases/{case.case_no}/history").status_code == 200


def test_unknown_cases_are_404(api_as):
    api = api_as("auditor")
    for path in ("/api/cases/JT20260928-999999", "/api/cases/999", "/api/cases/999/history"):
        response = api.get(path)
        assert response.status_code == 404 and "不存在" in response.get_json()["detail"]


def test_an_ended_case_shows_no_open_steps_and_refuses_changes(api_as, jtflow):
    """E4, E13: a returned (退件) event ends; acting on it again is 409."""
    case = report(jtflow, channel="platform_12345")
    returned = {"decision": "return", "return_reason": "非本部门职责", "return_basis": "职责分工"}
    done = step(jtflow, case, "classify", returned)
    api = api_as("c_12328")
    body = api.get(f"/api/cases/{case.case_no}").get_json()
    assert body["ended_at"] and body["open_steps"] == [] and body["light"] is None
    response = api.post(f"/api/tasks/{done.id}/complete", {"data": {"decision": "transfer"}})
    refused = response.get_json()
    assert response.status_code == 409 and "已结束" in refused["detail"]
    assert refused["rules"] == ["E13"] and "E13" not in refused["detail"]  # cited apart
    assert api.post(f"/api/tasks/{done.id}/claim").status_code == 409
