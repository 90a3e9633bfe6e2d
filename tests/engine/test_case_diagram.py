"""engine.definitions.case_diagram: the case's own BPMN text and the elements it has passed or stands at."""

from __future__ import annotations

from sqlalchemy import select

from engine.definitions.case_diagram import bpmn_text, case_progress, diagram_xml
from engine.models import Definition, Instance
from tests.factories import report, step


def progress(jtflow, case):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        return case_progress(session, session.get(Instance, case.case_id))


def test_the_bpmn_file_is_picked_among_the_dmn_tables_beside_it(jtflow):
    with jtflow.sessions() as session:
        definition = session.scalars(select(Definition)).first()
    assert set(definition.files) >= {"event_lifecycle.bpmn", "event_routing.dmn"}
    assert 'id="event_lifecycle"' in bpmn_text(definition)


def test_a_patrol_case_stands_at_its_own_handling(jtflow):
    case = report(jtflow, channel="patrol")
    found = progress(jtflow, case)
    assert found.open == ["patrol_handle"]
    assert {"report", "prepare", "gw_patrol"} <= set(found.done)
    assert "classify" not in found.done


def test_a_patrol_case_recorded_ends_with_nothing_open(jtflow):
    case = report(jtflow, channel="patrol")
    step(jtflow, case, "patrol_handle")
    found = progress(jtflow, case)
    assert found.open == [] and {"patrol_handle", "gw_major", "end_patrol"} <= set(found.done)


def test_the_diagram_is_the_version_the_case_runs_on(jtflow):
    case = report(jtflow)
    with jtflow.sessions() as session:
        instance = session.get(Instance, case.case_id)
        definition = session.get(Definition, instance.definition_id)
        definition.files = {
            "event_lifecycle.bpmn": definition.files["event_lifecycle.bpmn"] + "<!-- v1 -->"
        }
        session.commit()
        assert diagram_xml(session, instance).endswith("<!-- v1 -->")
