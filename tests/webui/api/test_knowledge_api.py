"""The knowledge base over the API (O2, S1) on SQLite: a change registered and its new
knowledge submitted and accepted as an entry's version, the entry revised, searched and read
at each version, linked on an event case; the late changes listed for A2; refusals."""

from __future__ import annotations

from tests.factories import report
from tests.knowledge import ACCEPT, SUBMISSION, deployed
from tests.walkthrough import replays_exactly

ENTRY = {k: v for k, v in SUBMISSION.items() if k != "entry_id"}


def complete(who, task, data):  # type: ignore[no-untyped-def]
    done = who.post(f"/api/tasks/{task['id']}/complete", {"data": data})
    assert done.status_code == 200, done.get_json()
    return list(done.get_json()["tasks"])


def test_new_knowledge_through_the_api_becomes_an_entry_with_versions(api_as, jtflow):
    deployed(jtflow)
    unit, seat = api_as("transport_handler"), api_as("c_12328")
    body = {"policy_title": "网约车管理实施细则修订", "changed_at": "2026-09-28T08:00:00+08:00"}
    made = unit.post("/api/knowledge/changes", body)
    assert made.status_code == 201, made.get_json()
    case_no = made.get_json()["case_no"]
    [submit] = made.get_json()["tasks"]
    assert (submit["element_id"], submit["unit_code"]) == ("submit", "TRANSPORT_DEV")
    [review] = complete(unit, submit, SUBMISSION)
    assert complete(seat, review, ACCEPT) == []
    [entry] = seat.get("/api/knowledge", query_string={"q": "网约车"}).get_json()["entries"]
    entry_id = entry["entry_id"]
    assert entry["current"]["version"] == 1 and entry["current"]["from_case"] is True
    revised = seat.post(f"/api/knowledge/{entry_id}/versions", {**ENTRY, "answer": "新口径。"})
    assert revised.status_code == 201 and revised.get_json()["version"] == 2
    detail = unit.get(f"/api/knowledge/{entry_id}").get_json()
    assert [v["version"] for v in detail["versions"]] == [2, 1]
    first = unit.get(f"/api/knowledge/{entry_id}/versions/1").get_json()
    assert first["answer"] == SUBMISSION["answer"]
    assert unit.get(f"/api/knowledge/{entry_id}/versions/3").status_code == 404
    assert unit.post(f"/api/knowledge/{entry_id}/versions", ENTRY).status_code == 403
    [listed] = unit.get("/api/knowledge/changes").get_json()["changes"]
    assert (listed["case_no"], listed["late"], listed["status"]) == (case_no, False, "published")
    replays_exactly(jtflow, case_no)


def test_a_change_past_its_five_days_is_listed_late(api_as, jtflow):
    deployed(jtflow)
    unit = api_as("transport_handler")
    body = {"policy_title": "客运站管理办法", "changed_at": "2026-09-14T09:00:00+08:00"}
    assert unit.post("/api/knowledge/changes", body).status_code == 201
    [late] = unit.get("/api/knowledge/changes", query_string={"late": "true"}).get_json()["changes"]
    assert late["late"] is True
    assert unit.get("/api/knowledge/changes", query_string={"late": "false"}).get_json() == {
        "changes": []
    }
    assert api_as("highway_handler").get("/api/knowledge/changes").get_json() == {"changes": []}
    assert unit.post("/api/knowledge/changes", {"policy_title": "x"}).status_code == 422


def test_a_handler_links_an_entry_on_an_event_case(api_as, jtflow):
    seat = api_as("c_12328")
    made = seat.post("/api/knowledge", {**ENTRY, "unit_code": "TRANSPORT_DEV"})
    assert made.status_code == 201
    entry_id = made.get_json()["entry_id"]
    case = report(jtflow)
    linked = seat.post(f"/api/cases/{case.case_no}/knowledge", {"entry_id": entry_id})
    assert linked.status_code == 201 and linked.get_json()["version"] == 1
    [link] = seat.get(f"/api/cases/{case.case_no}/knowledge").get_json()["links"]
    assert (link["entry_id"], link["title"]) == (entry_id, ENTRY["title"])
    [used] = seat.get(f"/api/knowledge/{entry_id}").get_json()["cases"]
    assert used["case_no"] == case.case_no
    auditor = api_as("auditor")
    assert (
        auditor.post(f"/api/cases/{case.case_no}/knowledge", {"entry_id": entry_id}).status_code
        == 403
    )
    assert seat.post(f"/api/cases/{case.case_no}/knowledge", {"entry_id": "1"}).status_code == 422
    assert seat.post(f"/api/cases/{case.case_no}/knowledge", {"entry_id": 999}).status_code == 404
    assert api_as("xmu_lab").get("/api/knowledge").status_code == 403
    assert seat.post("/api/knowledge", {**ENTRY, "answer": ""}).status_code == 422
