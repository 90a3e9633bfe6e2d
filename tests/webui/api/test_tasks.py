"""Tasks over the API: the inbox (filters, paging), one task with its form, claim, release and
complete (S1 unit and role; E12 deadlines and lights; conflicts are 409, never a 500)."""

from __future__ import annotations

import threading
from datetime import timedelta

from engine.service import CaseRef
from tests.factories import report, step, task_at


def transferred(jtflow, **overrides) -> CaseRef:  # type: ignore[no-untyped-def]
    """A case the center has transferred (E2): its 签收 waits at the responsible unit."""
    case = report(jtflow, **overrides)
    step(jtflow, case, "classify")
    return case


def bus_case(jtflow) -> CaseRef:  # type: ignore[no-untyped-def]
    return transferred(jtflow)  # a bus station: BUS_GROUP


def transport_case(jtflow) -> CaseRef:  # type: ignore[no-untyped-def]
    facility = {"type": "other", "name": "环岛路人行天桥"}
    return transferred(jtflow, facility=facility, title="环岛路人行天桥栏杆松动")


def test_the_inbox_lists_the_users_unit_and_role_work_only(api_as, jtflow):
    """S1: bus_handler sees BUS_GROUP's 签收, not TRANSPORT_DEV's."""
    bus, transport = bus_case(jtflow), transport_case(jtflow)
    page = api_as("bus_handler").get("/api/tasks").get_json()
    assert page["total"] == 1 and page["page"] == 1 and page["pages"] == 1
    (item,) = page["items"]
    assert item["element_id"] == "sign_for" and item["unit_code"] == "BUS_GROUP"
    assert item["case"]["case_no"] == bus.case_no and item["light"] == "green"
    # E5: 1 WD after the transfer, a few ticks of the test clock past 09:00
    assert item["due_at"].startswith("2026-09-29T01:00:00.")
    others = api_as("transport_handler").get("/api/tasks").get_json()["items"]
    assert [i["case"]["case_no"] for i in others] == [transport.case_no]
    assert api_as("bus_leader").get("/api/tasks").get_json()["total"] == 0  # not their role
    audited = api_as("auditor").get("/api/tasks").get_json()  # S1: auditors read everything
    assert {i["case"]["case_no"] for i in audited["items"]} == {bus.case_no, transport.case_no}


def test_the_inbox_filters_and_pages(api_as, jtflow):
    cases = [report(jtflow, urgency=u) for u in ("normal", "urgent", "normal")]
    api = api_as("c_12328")
    assert api.get("/api/tasks").get_json()["total"] == 3
    urgent = api.get("/api/tasks?urgency=urgent").get_json()
    assert [i["case"]["id"] for i in urgent["items"]] == [cases[1].case_id]
    assert api.get("/api/tasks?channel=opinion").get_json()["total"] == 0
    assert api.get("/api/tasks?step=classify&light=green").get_json()["total"] == 3
    assert api.get(f"/api/tasks?q={cases[2].case_no}").get_json()["total"] == 1
    second = api.get("/api/tasks?per_page=2&page=2").get_json()
    assert (second["total"], second["pages"], len(second["items"])) == (3, 2, 1)
    task = task_at(jtflow, cases[0], "classify")
    api.post(f"/api/tasks/{task.id}/claim")
    mine = api.get("/api/tasks?scope=mine").get_json()
    assert [i["id"] for i in mine["items"]] == [task.id]
    assert api.get("/api/tasks?scope=unclaimed").get_json()["total"] == 2


def test_bad_inbox_parameters_are_400_and_name_the_allowed_values(api_as):
    response = api_as("c_12328").get("/api/tasks?urgency=soon&light=blue&page=0&per_page=x")
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_parameter"
    fields = {f["field"]: f for f in body["fields"]}
    assert set(fields) == {"urgency", "light", "page", "per_page"}
    assert fields["urgency"]["allowed"] == ["critical", "urgent", "pressing", "normal"]
    assert fields["light"]["allowed"] == ["green", "yellow", "red"]
    response = api_as("c_12328").get("/api/tasks?per_page=101&scope=everyone")
    assert {f["field"] for f in response.get_json()["fields"]} == {"per_page", "scope"}


def test_a_task_comes_with_its_form_deadline_light_and_case(api_as, jtflow):
    case = bus_case(jtflow)
    task = task_at(jtflow, case, "sign_for")
    body = api_as("bus_handler").get(f"/api/tasks/{task.id}").get_json()
    assert body["form"] == "sign_for" and body["form_schema"]["type"] == "object"
    assert body["form_schema"] == jtflow.forms.schema("sign_for")
    assert body["state"] == "open" and body["assignee"] is None
    assert body["due_at"] == task.due_at.isoformat()
    assert body["due_at"].startswith("2026-09-29T01:00:00.")
    assert body["warn_at"] and body["light"] == "green" and body["provisional"] is False
    assert body["case"] == {
        "id": case.case_id,
        "case_no": case.case_no,
        "title": "火车站公交场站候车亭顶棚漏水",
        "channel": "monitoring",
        "urgency": "normal",
        "status": "running",
    }


def test_lights_turn_as_the_deadline_passes(api_as, jtflow, clock):
    """E12: yellow from 80% of the time, red once overdue."""
    case = bus_case(jtflow)
    task = task_at(jtflow, case, "sign_for")
    api = api_as("bus_handler")
    clock.advance(days=1, seconds=1)
    jtflow.fire_due_timers()
    assert api.get(f"/api/tasks/{task.id}").get_json()["light"] == "red"
    assert api.get("/api/tasks?light=red").get_json()["total"] == 1


def test_another_units_task_is_403_to_read_and_to_act_on(api_as, jtflow):
    """S1: a BUS_GROUP handler can neither see nor work TRANSPORT_DEV's task; refusals logged."""
    case = transport_case(jtflow)
    task = task_at(jtflow, case, "sign_for")
    api = api_as("bus_handler")
    assert api.get(f"/api/tasks/{task.id}").status_code == 403
    for action in ("claim", "release"):
        assert api.post(f"/api/tasks/{task.id}/{action}").status_code == 403
    response = api.post(f"/api/tasks/{task.id}/complete", {"data": {"accept": True}})
    assert response.status_code == 403 and response.get_json()["error"] == "forbidden"
    assert task_at(jtflow, case, "sign_for").assignee is None


def test_auditors_read_tasks_but_cannot_change_them(api_as, jtflow):
    task = task_at(jtflow, bus_case(jtflow), "sign_for")
    api = api_as("auditor")
    assert api.get(f"/api/tasks/{task.id}").status_code == 200
    for action in ("claim", "release"):
        response = api.post(f"/api/tasks/{task.id}/{action}")
        assert response.status_code == 403 and "审计员" in response.get_json()["detail"]
    assert api.post(f"/api/tasks/{task.id}/complete", {"data": {}}).status_code == 403


def test_claim_release_and_someone_elses_claim(api_as, jtflow, token_for):
    case = bus_case(jtflow)
    task = task_at(jtflow, case, "sign_for")
    with jtflow.sessions() as db:  # a second handler at BUS_GROUP
        from engine.people.users import add_user

        add_user(db, "bus_handler2", "公交 办理人二", "BUS_GROUP", ["办理人"])
        db.commit()
    mine, theirs = api_as("bus_handler"), api_as("bus_handler2")
    claimed = mine.post(f"/api/tasks/{task.id}/claim")
    assert claimed.status_code == 200 and claimed.get_json()["assignee"] == "bus_handler"
    response = theirs.post(f"/api/tasks/{task.id}/claim")
    assert response.status_code == 409 and "已由 bus_handler 认领" in response.get_json()["detail"]
    assert (
        theirs.post(f"/api/tasks/{task.id}/complete", {"data": {"accept": True}}).status_code == 409
    )
    assert theirs.post(f"/api/tasks/{task.id}/release").status_code == 409
    released = mine.post(f"/api/tasks/{task.id}/release")
    assert released.status_code == 200 and released.get_json()["assignee"] is None
    response = mine.post(f"/api/tasks/{task.id}/release")
    assert response.status_code == 409 and "无需释放" in response.get_json()["detail"]
    kinds = [e["kind"] for e in mine.get(f"/api/cases/{case.case_no}/history").get_json()["events"]]
    assert kinds[-2:] == ["task_claimed", "task_released"]


def test_completing_answers_with_the_tasks_it_opened_and_twice_is_409(api_as, jtflow):
    case = bus_case(jtflow)
    task = task_at(jtflow, case, "sign_for")
    api = api_as("bus_handler")
    response = api.post(f"/api/tasks/{task.id}/complete", {"data": {"accept": True}})
    assert response.status_code == 200
    body = response.get_json()
    assert body["task_id"] == task.id and body["state"] == "completed"
    assert [(t["element_id"], t["unit_code"]) for t in body["tasks"]] == [
        ("handle_reply", "BUS_GROUP")
    ]
    again = api.post(f"/api/tasks/{task.id}/complete", {"data": {"accept": True}})
    assert again.status_code == 409 and "请勿重复提交" in again.get_json()["detail"]
    done = api.get(f"/api/tasks/{task.id}").get_json()
    assert done["state"] == "completed" and done["completed_by"] == "bus_handler"
    assert done["data"] == {"accept": True}


def test_a_late_completion_keeps_its_lateness(api_as, jtflow, clock):
    """E12: a step finished after its deadline keeps late_seconds."""
    task = task_at(jtflow, bus_case(jtflow), "sign_for")
    clock.advance(days=1, hours=1)
    api = api_as("bus_handler")
    assert api.post(f"/api/tasks/{task.id}/complete", {"data": {"accept": True}}).status_code == 200
    assert api.get(f"/api/tasks/{task.id}").get_json()["late_seconds"] == int(
        timedelta(hours=1).total_seconds()
    )


def test_completion_bodies_are_checked_against_the_form(api_as, jtflow):
    """E8: a reply needs 事件核实情况 and 处置情况; errors point into the body (data.…)."""
    case = bus_case(jtflow)
    step(jtflow, case, "sign_for")
    task = task_at(jtflow, case, "handle_reply")
    api = api_as("bus_handler")
    path = f"/api/tasks/{task.id}/complete"
    response = api.post(path, {"data": {"verification": "属实"}})
    assert response.status_code == 422
    assert [f["field"] for f in response.get_json()["fields"]] == ["data.disposal"]
    response = api.post(path, {"decision": "x"})
    assert response.status_code == 422
    assert {f["field"] for f in response.get_json()["fields"]} == {"decision", "data"}
    response = api.post(path, {"data": ["属实"]})
    assert response.status_code == 422 and response.get_json()["fields"][0]["field"] == "data"
    assert api.post(path, data="{", headers={"Content-Type": "application/json"}).status_code == 400
    assert api.post(path, data="x", headers={"Content-Type": "text/plain"}).status_code == 415
    assert task_at(jtflow, case, "handle_reply").state == "open"


def test_a_choice_outside_the_form_names_the_allowed_values(api_as, jtflow):
    case = report(jtflow)
    task = task_at(jtflow, case, "classify")
    response = api_as("c_12328").post(
        f"/api/tasks/{task.id}/complete", {"data": {"decision": "maybe"}}
    )
    assert response.status_code == 422
    (field,) = response.get_json()["fields"]
    assert field["field"] == "data.decision" and "transfer" in field["allowed"]
    assert "可选值：" in field["message"]


def test_unknown_tasks_are_404(api_as):
    api = api_as("bus_handler")
    assert api.get("/api/tasks/999").status_code == 404
    assert api.get("/api/tasks/999").get_json() == {
        "error": "not_found",
        "detail": "任务 999 不存在",
    }
    for action in ("claim", "release"):
        assert api.post(f"/api/tasks/999/{action}").status_code == 404
    assert api.post("/api/tasks/999/complete", {"data": {}}).status_code == 404


def test_simultaneous_completions_one_wins_the_rest_are_409(app, token_for, jtflow):
    """Six clients complete one task at the same instant: one 200, five 409, never a 500."""
    task = task_at(jtflow, report(jtflow), "classify")
    token = token_for("c_12328")
    barrier = threading.Barrier(6)
    statuses: list[int] = []

    def complete() -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(
            f"/api/tasks/{task.id}/complete",
            json={"data": {"decision": "transfer"}},
            headers={"Authorization": f"Bearer {token}"},
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=complete) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] + [409] * 5


def test_a_refusal_names_nothing_the_reader_may_not_see(api_as, jtflow):
    """Issue 10: a 403 names no case number, title, unit, role or step of another unit's work."""
    case = transport_case(jtflow)
    task = task_at(jtflow, case, "sign_for")
    api = api_as("bus_handler")
    answers = [
        api.get(f"/api/tasks/{task.id}"),
        api.post(f"/api/tasks/{task.id}/claim"),
        api.post(f"/api/tasks/{task.id}/release"),
        api.post(f"/api/tasks/{task.id}/complete", {"data": {"accept": True}}),
        api.get(f"/api/cases/{case.case_id}"),
        api.get(f"/api/cases/{case.case_id}/history"),
        api.get(f"/api/cases/{case.case_id}/replay?step=1"),
    ]
    for response in answers:
        assert response.status_code == 403
        said = response.get_json()["detail"]
        assert "无权" in said
        for secret in (case.case_no, "天桥", "TRANSPORT_DEV", "签收"):
            assert secret not in said, (secret, said)
