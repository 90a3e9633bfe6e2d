"""The names pages give a case's elements: the diagram's own, a boundary timer with the step
it watches; for a migrated case, the newest version's names."""

from __future__ import annotations

from engine.case_migration import migrate_case
from engine.definitions.element_names import ElementName, element_names
from engine.models import Instance
from tests.engine.test_case_migration import SIGN_FOR_IN_TWO_WORKING_DAYS, waiting_at_sign_for
from tests.factories import deploy_variant


def names_of(jtflow, case):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        return element_names(session, session.get(Instance, case.case_id))


def test_steps_and_timers_by_their_diagram_names(jtflow):
    names = names_of(jtflow, waiting_at_sign_for(jtflow))
    assert names["sign_for"] == ElementName("签收")
    assert names["warn_sign_for"] == ElementName("黄灯", attached_to="sign_for")
    assert names["timer_sign_for"] == ElementName("1个工作日", attached_to="sign_for")
    assert names["press"].name == "催办"  # the escalation process's step too


def test_a_migrated_case_takes_the_new_versions_names(jtflow, tmp_path):
    case = waiting_at_sign_for(jtflow)
    deploy_variant(jtflow, tmp_path / "v2", *SIGN_FOR_IN_TWO_WORKING_DAYS)
    assert names_of(jtflow, case)["sign_for"].name == "签收"  # not migrated yet
    migrate_case(jtflow, case.case_id, actor="owner")
    assert names_of(jtflow, case)["sign_for"].name == "签收确认"
