"""Issue 16: GET /api/notifications, marking read, and the stream — one's own only."""

from __future__ import annotations

from tests.factories import report, step


def test_the_list_counts_unread_and_marks_read(api_as, jtflow):
    case = report(jtflow)
    step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    handler = api_as("transport_handler")
    listed = handler.get("/api/notifications").get_json()
    assert listed["unread"] == 1 and listed["total"] == 1
    [item] = listed["items"]
    assert (item["kind"], item["step_name"], item["case_no"]) == ("task", "签收", case.case_no)
    assert item["link"] == f"/tasks/{item['task_id']}" and item["read"] is False
    marked = handler.post(f"/api/notifications/{item['id']}/read")
    assert marked.status_code == 200 and marked.get_json()["read"] is True
    assert handler.get("/api/notifications?show=unread").get_json()["items"] == []


def test_anothers_notification_is_not_found_and_lists_stay_apart(api_as, jtflow):
    report(jtflow)
    seat = api_as("c_12328").get("/api/notifications").get_json()
    [theirs] = seat["items"]
    other = api_as("transport_handler")
    assert other.get("/api/notifications").get_json()["total"] == 0
    assert other.post(f"/api/notifications/{theirs['id']}/read").status_code == 404
    assert other.post("/api/notifications/read-all").get_json() == {"marked": 0}
    assert api_as("c_12328").get("/api/notifications").get_json()["unread"] == 1


def test_the_stream_answers_once_and_asks_to_look_again(api_as, jtflow):
    report(jtflow)
    seat = api_as("c_12328")
    answer = seat.get("/api/notifications/stream?after=0")
    assert answer.status_code == 200 and answer.mimetype == "text/event-stream"
    assert "retry: " in answer.get_data(as_text=True)
    assert seat.get("/api/notifications/stream?after=x").status_code == 400
    assert api_as(None).get("/api/notifications/stream").status_code == 401


def test_read_all(api_as, jtflow):
    for _ in range(2):
        report(jtflow)
    seat = api_as("c_12328")
    assert seat.post("/api/notifications/read-all").get_json() == {"marked": 2}
    assert seat.get("/api/notifications").get_json()["unread"] == 0
