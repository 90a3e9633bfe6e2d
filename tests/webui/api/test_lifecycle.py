"""A whole ordinary case worked through the API alone, each step by the person whose unit and
post it is (E1, E2, E5, E6, E8, E9, E10, E13): the API is enough to run the lifecycle."""

from __future__ import annotations

from types import SimpleNamespace

from engine.demo import actor_for, answer_for

from .test_events import event


def test_an_event_goes_from_report_to_archive_over_the_api(api_as, clock):
    reported = api_as("c_monitor").post("/api/events", event()).get_json()
    case_no, waiting = reported["case_no"], reported["tasks"]
    done = []
    while waiting:
        (task,) = waiting
        person = api_as(actor_for(SimpleNamespace(**task)))  # the demo user of its unit and post
        assert person.get("/api/tasks").get_json()["items"][0]["id"] == task["id"]
        assert person.post(f"/api/tasks/{task['id']}/claim").status_code == 200
        clock.advance(hours=1)
        answer = answer_for(task["element_id"], task["unit_code"])
        response = person.post(f"/api/tasks/{task['id']}/complete", {"data": answer})
        assert response.status_code == 200, response.get_json()
        done.append(task["element_id"])
        waiting = response.get_json()["tasks"]
    assert done == [
        "classify",
        "sign_for",
        "handle_reply",
        "leader_approve",
        "center_audit",
        "archive",
    ]
    case = api_as("auditor").get(f"/api/cases/{case_no}").get_json()
    assert case["status"] == "archived" and case["ended_at"] and case["open_steps"] == []
    history = api_as("auditor").get(f"/api/cases/{case_no}/history").get_json()["events"]
    assert history[-1]["kind"] == "case_ended"
    assert [e["actor"] for e in history if e["kind"] == "task_completed"] == [
        "c_12328",
        "bus_handler",
        "bus_handler",
        "bus_leader",
        "c_12328",
        "c_12328",
    ]
