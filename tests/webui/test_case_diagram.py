"""The case page's diagram: the case's own BPMN text (S1 applies), the done and open
elements it marks (main process and called processes), the viewer's files, and a clear
message when bpmn-js is not installed."""

from __future__ import annotations

import json
import os
import re

import pytest
from sqlalchemy import select

from engine.config import PROJECT_ROOT, Settings
from engine.models import AccessLog, Definition, Instance
from tests.factories import report, step
from tests.webui.pages import signed_in_as, text
from webui import create_app


@pytest.fixture
def replying(jtflow):  # type: ignore[no-untyped-def]
    """Transferred to 公交集团 and signed for: the unit now drafts its reply (reply_cycle)."""
    case = report(jtflow)
    step(jtflow, case, "classify")
    step(jtflow, case, "sign_for")
    return case


def progress_of(response):  # type: ignore[no-untyped-def]
    found = re.search(
        r'<script type="application/json" id="case-diagram-progress">(.*?)</script>',
        text(response),
        re.S,
    )
    assert found, "no diagram progress on the page"
    return json.loads(found.group(1))


def test_the_diagram_endpoint_gives_the_cases_own_definition_version(client, jtflow, replying):
    with jtflow.sessions() as session:
        instance = session.get(Instance, replying.case_id)
        definition = session.get(Definition, instance.definition_id)
        stored = definition.files["event_lifecycle.bpmn"]
    signed_in_as(client, "bus_handler")
    response = client.get(f"/cases/{replying.case_no}/diagram.bpmn")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    assert text(response) == stored
    for process in ("event_lifecycle", "reply_cycle", "escalation"):
        assert f'<bpmn:process id="{process}"' in stored


def test_the_diagram_is_refused_to_an_uninvolved_unit_and_logged(client, jtflow, replying):
    signed_in_as(client, "highway_handler")
    path = f"/cases/{replying.case_no}/diagram.bpmn"
    response = client.get(path)
    assert response.status_code == 403 and "<bpmn:" not in text(response)
    with jtflow.sessions() as session:
        logged = session.scalars(
            select(AccessLog.target_id).where(
                AccessLog.action == "denied", AccessLog.username == "highway_handler"
            )
        ).all()
    assert path in logged


def test_the_diagram_needs_sign_in_and_reads_for_an_auditor(client, replying):
    path = f"/cases/{replying.case_no}/diagram.bpmn"
    assert client.get(path).status_code == 302
    signed_in_as(client, "auditor")
    assert client.get(path).status_code == 200
    assert client.get("/cases/JT20990101-999999/diagram.bpmn").status_code == 404


def test_the_case_page_marks_passed_elements_and_the_open_step(client, replying):
    signed_in_as(client, "bus_handler")
    progress = progress_of(client.get(f"/cases/{replying.case_no}"))
    done, current = set(progress["done"]), set(progress["open"])
    # completed tasks, events and gateways the case passed in the main process
    assert {"report", "prepare", "gw_patrol", "route", "classify", "split", "sign_for"} <= done
    assert {"gw_decision", "transfer", "gw_accept"} <= done
    # where it stands: the reply call activity runs, its handle_reply task is open
    assert {"reply", "handle_reply"} <= current
    assert "rc_start" in done  # reply_cycle's own start event
    assert not done & current
    # untaken branches stay unmarked; SpiffWorkflow's own helper tasks never appear
    assert not {"patrol_handle", "end_returned", "remit_decision"} & (done | current)
    assert not [i for i in done | current if "." in i or i in ("Start", "End")]


def test_fired_timers_and_the_escalation_process_are_marked(client, jtflow, clock, replying):
    clock.advance(days=30)
    jtflow.fire_due_timers()
    signed_in_as(client, "bus_handler")
    progress = progress_of(client.get(f"/cases/{replying.case_no}"))
    done, current = set(progress["done"]), set(progress["open"])
    assert {"warn_handle_reply", "timer_handle_reply"} <= done
    assert {"esc_start", "esc_fork"} <= done  # the escalation process the red timer called
    assert "press" in current  # the center's 催办 task


def test_an_ended_case_shows_only_done_elements(client, jtflow):
    case = report(jtflow)
    step(
        jtflow,
        case,
        "classify",
        {"decision": "return", "return_reason": "非交通运输职责", "return_basis": "《条例》"},
    )
    signed_in_as(client, "c_12328")
    progress = progress_of(client.get(f"/cases/{case.case_no}"))
    assert progress["open"] == []
    assert {"classify", "gw_decision", "end_returned"} <= set(progress["done"])


def test_the_viewer_files_are_served_and_nothing_else_under_node_modules(client):
    if not (PROJECT_ROOT / "node_modules" / "bpmn-js").is_dir() and not os.environ.get("JTFLOW_CI"):
        pytest.skip("bpmn-js not installed: run `npm ci` (scripts/test does)")
    for name, kind in [
        ("bpmn-navigated-viewer.js", "javascript"),
        ("diagram-js.css", "css"),
        ("bpmn-js.css", "css"),
    ]:
        response = client.get(f"/assets/bpmn-js/{name}")
        assert response.status_code == 200 and kind in response.mimetype, name
        response.close()
    for name in ("package.json", "..%2Fpackage.json", "bpmn-modeler.development.js"):
        assert client.get(f"/assets/bpmn-js/{name}").status_code == 404


def test_the_page_says_how_to_install_a_missing_viewer(db_url, jtflow, tmp_path, replying):
    app = create_app(
        Settings(database_url=db_url),
        jtflow=jtflow,
        config={"TESTING": True, "JTFLOW_NODE_MODULES": str(tmp_path / "none")},
    )
    client = app.test_client()
    signed_in_as(client, "bus_handler")
    response = client.get(f"/cases/{replying.case_no}")
    page = text(response)
    assert response.status_code == 200 and 'id="case-diagram-missing"' in page
    assert "npm ci" in page and "bpmn-navigated-viewer.js" not in page
    assert 'id="case-tasks"' in page  # the rest of the page is there
    assert client.get("/assets/bpmn-js/bpmn-js.css").status_code == 404


def test_the_diagram_section_reads_in_english(client, replying):
    signed_in_as(client, "bus_handler")
    page = text(client.get(f"/cases/{replying.case_no}?lang=en"))
    assert "Process diagram" in page and "Current step" in page


def test_the_zoom_controls_are_labelled_in_the_readers_language(client, jtflow, replying):
    """Issue 16: zoom in, zoom out, the whole diagram and the current step — the last only
    where the case has a current step; both languages through Flask-Babel."""
    signed_in_as(client, "bus_handler")
    page = text(client.get(f"/cases/{replying.case_no}"))
    for label in ("放大", "缩小", "显示全图", "定位当前步骤", "按住 Ctrl 滚动鼠标滚轮可缩放"):
        assert label in page, label
    english = text(client.get(f"/cases/{replying.case_no}?lang=en"))
    for label in ("Zoom in", "Zoom out", "Whole diagram", "Go to current step", "Hold Ctrl"):
        assert label in english, label
    ended = report(jtflow)
    step(
        jtflow,
        ended,
        "classify",
        {"decision": "return", "return_reason": "非职责", "return_basis": "《条例》"},
    )
    signed_in_as(client, "c_12328")
    page = text(client.get(f"/cases/{ended.case_no}?lang=zh"))
    assert 'id="case-diagram-fit-all"' in page and 'id="case-diagram-fit-current"' not in page


def test_the_diagram_speaks_the_readers_language(client, replying):  # type: ignore[no-untyped-def]
    """English pages draw the diagram with English names; Chinese ones get the file as
    deployed (test_the_diagram_endpoint_gives_the_cases_own_definition_version)."""
    signed_in_as(client, "bus_handler")
    client.get("/?lang=en")
    xml = text(client.get(f"/cases/{replying.case_no}/diagram.bpmn"))
    assert 'name="Sign for"' in xml and 'name="签收"' not in xml
    assert 'bpmnElement="sign_for"' in xml  # the layout is untouched
