"""The handler's lists over the API (issue 16): GET /api/tasks/done and GET /api/cases give
only the token user's own done tasks and their unit's cases (S1), filtered and paged; bad
parameters are 400s naming themselves."""

from __future__ import annotations

from tests.factories import report, step


def test_done_tasks_are_the_token_users_own_s1(api_as, jtflow):
    case = report(jtflow)
    step(jtflow, case, "classify", as_user="c_12328")
    step(jtflow, case, "sign_for", as_user="bus_handler")
    page = api_as("bus_handler").get("/api/tasks/done").get_json()
    assert page["total"] == 1 and page["pages"] == 1
    (item,) = page["items"]
    assert item["element_id"] == "sign_for" and item["state"] == "completed"
    assert item["completed_by"] == "bus_handler" and item["process_id"] == "event_lifecycle"
    assert item["case"]["case_no"] == case.case_no
    for other in ("bus_leader", "transport_handler", "auditor"):
        assert api_as(other).get("/api/tasks/done").get_json()["total"] == 0
    mine = api_as("c_12328").get("/api/tasks/done?step=classify&q=漏水").get_json()
    assert [i["element_id"] for i in mine["items"]] == ["classify"]


def test_unit_cases_with_their_current_steps_s1(api_as, jtflow):
    bus = report(jtflow)
    bridge = report(jtflow, facility={"type": "bridge", "name": "海沧大桥"})
    for case in (bus, bridge):
        step(jtflow, case, "classify")
    page = api_as("bus_leader").get("/api/cases?status=running").get_json()
    (item,) = page["items"]
    assert item["case_no"] == bus.case_no and item["status"] == "running"
    assert [s["element_id"] for s in item["open_steps"]] == ["sign_for"]
    assert item["light"] == "green" and item["process_id"] == "event_lifecycle"
    assert api_as("transport_handler").get("/api/cases").get_json()["total"] == 0
    assert api_as("bus_leader").get("/api/cases?status=ended").get_json()["total"] == 0
    two = api_as("c_12328").get("/api/cases?per_page=1&page=2").get_json()
    assert two["total"] == 2 and [i["case_no"] for i in two["items"]] == [bus.case_no]


def test_bad_parameters_are_400s_naming_them(api_as):
    api = api_as("bus_handler")
    for url, field in (
        ("/api/cases?status=closed", "status"),
        ("/api/cases?from=2026-02-30", "from"),
        ("/api/tasks/done?to=", "to"),
        ("/api/tasks/done?per_page=101", "per_page"),
        ("/api/cases?urgency=", "urgency"),
    ):
        response = api.get(url)
        assert response.status_code == 400, url
        assert [f["field"] for f in response.get_json()["fields"]] == [field], url
