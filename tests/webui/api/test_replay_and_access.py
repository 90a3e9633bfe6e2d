"""S1, S2 over the API: the case as it stood at step k, re-executed from its recorded inputs;
every case opened is on record, and auditors can list who looked at it."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import AccessLog
from tests.factories import task_at
from tests.webui.pages import signed_in_as

from .test_tasks import bus_case


def test_the_case_at_step_k(api_as, jtflow):
    case = bus_case(jtflow)  # reported, then transferred to BUS_GROUP
    api = api_as("auditor")
    history = api.get(f"/api/cases/{case.case_no}/history").get_json()["events"]
    first = api.get(f"/api/cases/{case.case_no}/replay?step=1").get_json()
    assert first["reproduced"] and first["step"] == 1
    assert [t["element_id"] for t in first["state"]["open_tasks"]] == ["classify"]
    last = api.get(f"/api/cases/{case.case_no}/replay?step={len(history)}").get_json()
    assert [t["element_id"] for t in last["state"]["open_tasks"]] == ["sign_for"]
    assert last["state"]["open_tasks"][0]["unit"] == "BUS_GROUP"
    assert {t["element_id"] for t in last["state"]["waiting_timers"]} == {
        "warn_sign_for",
        "timer_sign_for",
    }


def test_a_bad_step_is_a_400_naming_the_parameter(api_as, jtflow):
    case = bus_case(jtflow)
    api = api_as("auditor")
    for query in ("step=0", "step=x", "step=-1", "step=", "step=%D9%A1", "", "step=1.5"):
        response = api.get(f"/api/cases/{case.case_no}/replay?{query}")
        assert response.status_code == 400, query
        body = response.get_json()
        assert body["error"] == "invalid_parameter" and body["fields"][0]["field"] == "step"


def test_a_step_past_the_history_is_not_found(api_as, jtflow):
    """The document allows any step from 1: one the case has not reached is a 404, as a
    case that does not exist is, however large the number."""
    case = bus_case(jtflow)
    api = api_as("auditor")
    steps = len(api.get(f"/api/cases/{case.case_no}/history").get_json()["events"])
    assert api.get(f"/api/cases/{case.case_no}/replay?step={steps}").status_code == 200
    for step in (steps + 1, 2**64 + 1):
        response = api.get(f"/api/cases/{case.case_no}/replay?step={step}")
        assert response.status_code == 404
        assert f"共 {steps} 步" in response.get_json()["detail"]


def test_replay_follows_the_case_reading_rule(api_as, jtflow):
    case = bus_case(jtflow)
    assert (
        api_as("transport_handler").get(f"/api/cases/{case.case_no}/replay?step=1").status_code
        == 403
    )
    assert api_as("bus_handler").get(f"/api/cases/{case.case_no}/replay?step=1").status_code == 200


def test_auditors_see_who_looked_at_a_case(api_as, jtflow):
    case = bus_case(jtflow)
    api_as("bus_handler").get(f"/api/cases/{case.case_no}")
    api_as("bus_leader").get(f"/api/cases/{case.case_no}/history")
    api_as("transport_handler").get(f"/api/cases/{case.case_no}")  # refused: not on this list
    auditor = api_as("auditor")
    readers = auditor.get(f"/api/cases/{case.case_no}/access").get_json()["readers"]
    assert [(r["username"], r["action"]) for r in readers] == [
        ("bus_handler", "view"),
        ("bus_leader", "view"),
        ("auditor", "view"),
    ]
    assert api_as("bus_handler").get(f"/api/cases/{case.case_no}/access").status_code == 403


def test_opening_a_task_is_a_reading_of_its_case(api_as, app, jtflow):
    """S1: a task page and GET /api/tasks/{id} show the case, so the auditor's list has them."""
    case = bus_case(jtflow)
    sign_for = task_at(jtflow, case, "sign_for").id
    assert api_as("bus_handler").get(f"/api/tasks/{sign_for}").status_code == 200
    page = signed_in_as(app.test_client(), "bus_handler")
    assert page.get(f"/tasks/{sign_for}").status_code == 200
    assert api_as("highway_handler").get(f"/api/tasks/{sign_for}").status_code == 403
    readers = api_as("auditor").get(f"/api/cases/{case.case_no}/access").get_json()["readers"]
    assert [(r["username"], r["action"]) for r in readers] == [
        ("bus_handler", "view"),
        ("bus_handler", "view"),
        ("auditor", "view"),
    ]
    with jtflow.sessions() as db:
        details = db.scalars(
            select(AccessLog.detail).where(
                AccessLog.username == "bus_handler", AccessLog.action == "view"
            )
        ).all()
    assert details == [f"任务 {sign_for}", f"任务 {sign_for}"]
