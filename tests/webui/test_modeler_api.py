"""The modeler's JSON endpoints (issue 14): an owner's draft saved without deploying, checked
exactly as a deploy checks it with the running cases' migration preview, deployed with a
note; drafts belong to their author; everyone else gets the logged 403."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from engine.definitions.modeler_choices import FUNCTIONS
from engine.demo import DEMO_PASSWORD
from engine.models import AccessLog, Definition, TrialRun
from engine.people.accounts import hash_password, set_password_hash
from engine.people.users import add_user
from engine.run.diagram_functions import PUBLISHED_NAMES
from tests.engine.test_case_migration import SIGN_FOR_IN_TWO_WORKING_DAYS, waiting_at_sign_for
from tests.engine.test_draft_trial import SIGN_FOR_IN_FOUR_HOURS, closed_case
from tests.webui.pages import csrf, signed_in_as, text

LIFECYCLE = "/api/processes/event_lifecycle"


def send(client, method, path, body=None):  # type: ignore[no-untyped-def]
    headers = {"X-CSRFToken": csrf(client)}
    return client.open(path, method=method, json=body, headers=headers)


def edited(files, *edits):  # type: ignore[no-untyped-def]
    diagram = files["event_lifecycle.bpmn"]
    for old, new in edits:
        assert old in diagram, old
        diagram = diagram.replace(old, new)
    return {**files, "event_lifecycle.bpmn": diagram}


@pytest.fixture
def owner(client):  # type: ignore[no-untyped-def]
    return signed_in_as(client, "owner")


def deployed_files(owner):  # type: ignore[no-untyped-def]
    draft = owner.get(f"{LIFECYCLE}/draft").get_json()
    assert draft["is_draft"] is False and draft["based_on_version"] == 1
    assert set(draft["files"]) == {
        "event_lifecycle.bpmn",
        "event_routing.dmn",
        "feedback_deadline.dmn",
        "platform_deadline.dmn",
    }
    return draft["files"]


def test_a_saved_draft_is_the_owners_own_and_deploys_nothing(owner, jtflow, app):  # type: ignore[no-untyped-def]
    files = edited(deployed_files(owner), *SIGN_FOR_IN_TWO_WORKING_DAYS)
    saved = send(owner, "PUT", f"{LIFECYCLE}/draft", {"files": files})
    assert saved.status_code == 200 and saved.get_json()["saved_at"]
    again = owner.get(f"{LIFECYCLE}/draft").get_json()
    assert again["is_draft"] is True and again["author"] == "owner"
    assert again["files"] == files
    with jtflow.sessions() as session:
        assert session.scalars(select(Definition.version)).all() == [1]  # nothing deployed

    other = app.test_client()  # another process owner sees the deployed files, not the draft
    with jtflow.sessions() as session:
        add_user(session, "owner2", "另一位流程负责人", "CENTER", ["流程负责人"])
        set_password_hash(session, "owner2", hash_password(DEMO_PASSWORD))
        session.commit()
    signed_in_as(other, "owner2")
    assert other.get(f"{LIFECYCLE}/draft").get_json()["is_draft"] is False


def test_check_previews_moved_deadlines_then_deploy_records_the_note(owner, jtflow):  # type: ignore[no-untyped-def]
    waiting = waiting_at_sign_for(jtflow)
    files = edited(deployed_files(owner), *SIGN_FOR_IN_TWO_WORKING_DAYS)
    send(owner, "PUT", f"{LIFECYCLE}/draft", {"files": files})
    checked = send(owner, "POST", f"{LIFECYCLE}/draft/check").get_json()
    assert checked["problems"] == []
    (moved,) = checked["migration"]["migrates"]
    assert moved["case_no"] == waiting.case_no and "sign_for" in moved["changed"]
    assert {m["element_id"] for m in moved["moved"]} == {"timer_sign_for", "warn_sign_for"}
    assert checked["migration"]["refused"] == []

    done = send(owner, "POST", f"{LIFECYCLE}/draft/deploy", {"note": "签收放宽为两个工作日"})
    assert done.status_code == 201 and done.get_json()["version"] == 2
    with jtflow.sessions() as session:
        v2 = session.scalar(select(Definition).where(Definition.version == 2))
        assert v2 is not None and v2.deployed_by == "owner" and v2.note == "签收放宽为两个工作日"
    assert owner.get(f"{LIFECYCLE}/draft").get_json()["is_draft"] is False  # draft gone
    page = text(owner.get("/processes/event_lifecycle/2"))
    assert "何流程（流程负责人）" in page and "签收放宽为两个工作日" in page  # who, and why


@pytest.mark.parametrize(
    ("edit", "element", "says"),
    [
        (
            (
                '<spiffworkflow:property name="unit" value="=handling_unit" />',
                '<spiffworkflow:property name="unit" value="NOWHERE" />',
            ),
            "sign_for",
            "未知单位 NOWHERE",
        ),
        (
            ("add_working_days(transferred_at, 1))", "__import__('os').system('id'))"),
            "warn_sign_for",
            "",
        ),
    ],
)
def test_a_problem_is_named_on_its_element_and_deploy_is_refused(
    owner, jtflow, edit, element, says
):  # type: ignore[no-untyped-def]
    files = edited(deployed_files(owner), edit)
    send(owner, "PUT", f"{LIFECYCLE}/draft", {"files": files})
    checked = send(owner, "POST", f"{LIFECYCLE}/draft/check").get_json()
    assert element in {p["element_id"] for p in checked["problems"]}
    assert says in " ".join(p["message"] for p in checked["problems"])
    assert checked["migration"] is None
    refused = send(owner, "POST", f"{LIFECYCLE}/draft/deploy", {"note": "x"})
    assert refused.status_code == 422 and refused.get_json()["problems"]
    with jtflow.sessions() as session:
        assert session.scalars(select(Definition.version)).all() == [1]


@pytest.mark.parametrize(
    "files",
    [
        {"../../etc/passwd.bpmn": "<x/>"},
        {"a.bpmn": "<x/>", "b.bpmn": "<x/>"},
        {"notes.txt": "hello"},
        {},
        "not a map",
    ],
)
def test_files_that_are_not_a_process_are_refused_before_saving(owner, files):  # type: ignore[no-untyped-def]
    response = send(owner, "PUT", f"{LIFECYCLE}/draft", {"files": files})
    assert response.status_code == 422 and response.get_json()["detail"]
    assert owner.get(f"{LIFECYCLE}/draft").get_json()["is_draft"] is False


def test_the_choices_offer_the_systems_own_lists(owner):  # type: ignore[no-untyped-def]
    offered = owner.get("/api/modeler/choices").get_json()
    assert {"code": "BUS_GROUP", "name": "厦门公交集团有限公司"} in offered["units"]
    assert "办理人" in offered["roles"]
    assert {"name": "sign_for", "title": "签收"} in offered["forms"]
    assert {"id": "event_lifecycle", "name": "交通运输事件监测处置"} in offered["processes"]
    assert [f["name"] for f in offered["functions"]] == list(PUBLISHED_NAMES)
    assert len(FUNCTIONS) == len(PUBLISHED_NAMES)


@pytest.mark.parametrize("username", ["c_12328", "auditor", "bus_handler"])
def test_everyone_but_an_owner_gets_a_logged_403(client, jtflow, username):  # type: ignore[no-untyped-def]
    signed_in_as(client, username)
    calls = [
        ("GET", "/api/modeler/choices"),
        ("GET", f"{LIFECYCLE}/draft"),
        ("PUT", f"{LIFECYCLE}/draft"),
        ("DELETE", f"{LIFECYCLE}/draft"),
        ("POST", f"{LIFECYCLE}/draft/check"),
        ("POST", f"{LIFECYCLE}/draft/deploy"),
    ]
    for method, path in calls:
        assert send(client, method, path, {"files": {}}).status_code == 403, path
    with jtflow.sessions() as session:
        denied = session.scalars(
            select(AccessLog.target_id).where(
                AccessLog.username == username, AccessLog.action == "denied"
            )
        ).all()
    assert len(denied) == len(calls)


def test_signed_out_is_401_and_a_missing_csrf_token_is_refused(client, owner):  # type: ignore[no-untyped-def]
    assert owner.put(f"{LIFECYCLE}/draft", json={"files": {}}).status_code == 400  # no token
    owner.post("/logout", data={"csrf_token": csrf(owner)})
    assert owner.get(f"{LIFECYCLE}/draft").status_code == 401


def test_a_trial_runs_in_the_background_and_reports_per_case(owner, jtflow, clock):  # type: ignore[no-untyped-def]
    case = closed_case(jtflow, clock, 6)
    files = edited(deployed_files(owner), *SIGN_FOR_IN_FOUR_HOURS)
    send(owner, "PUT", f"{LIFECYCLE}/draft", {"files": files})
    started = send(owner, "POST", f"{LIFECYCLE}/draft/trials", {"cases": 10})
    assert started.status_code == 202
    status_url = started.get_json()["status_url"]
    for _ in range(200):  # a real worker thread: polled, with a bound
        status = owner.get(status_url).get_json()
        if status["finished"]:
            break
        time.sleep(0.05)
    assert status["finished"] and status["error"] is None and status["total"] == 1
    (tried,) = status["cases"]
    assert tried["case_no"] == case.case_no and tried["turned_red"] == ["签收"]
    assert status["totals"]["turned_red_by_step"] == {"签收": 1}


@pytest.mark.parametrize("cases", [0, -1, 10_000_000, "many", True])
def test_a_trial_of_an_impossible_size_is_refused(owner, cases):  # type: ignore[no-untyped-def]
    send(owner, "PUT", f"{LIFECYCLE}/draft", {"files": deployed_files(owner)})
    response = send(owner, "POST", f"{LIFECYCLE}/draft/trials", {"cases": cases})
    assert response.status_code == 422


def test_another_owners_trial_is_not_found(owner, jtflow):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        session.add(
            TrialRun(
                process_id="event_lifecycle",
                author="someone",
                started_at=jtflow.clock.now(),
                total=0,
            )
        )
        session.commit()
    assert owner.get(f"{LIFECYCLE}/trials/1").status_code == 404
