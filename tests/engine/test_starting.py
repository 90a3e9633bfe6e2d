"""Who may start which process (S1): engine/people/starting.py."""

from __future__ import annotations

from engine.models import User
from engine.people.starting import startable_processes


def person(unit: str, *roles: str, active: bool = True) -> User:
    return User(username="x", display_name="x", unit_code=unit, roles=list(roles), active=active)


def test_each_kind_of_person_starts_its_own_processes():
    # the seats keep the knowledge base: they register a unit's change of policy (O2)
    assert startable_processes(person("CENTER", "投诉受理岗")) == [
        "event_lifecycle",
        "knowledge_revision",
    ]
    assert startable_processes(person("BUS_GROUP", "办理人")) == [
        "event_lifecycle",
        "sharing_request",
        "interface_notice",
        "knowledge_revision",
    ]
    assert startable_processes(person("DISTRICT_SIMING", "数据资源管理员")) == [
        "sharing_request",
        "interface_notice",
        "knowledge_revision",
    ]
    # the center is notified; it files no notice to itself (O1)
    assert startable_processes(person("CENTER", "数据资源管理岗")) == []
    assert startable_processes(person("EXTERNAL", "外部申请人")) == ["market_application"]


def test_an_auditor_or_a_disabled_account_starts_nothing():
    assert startable_processes(person("BUREAU", "审计员")) == []
    assert startable_processes(person("BUS_GROUP", "办理人", active=False)) == []
    assert startable_processes(person("EXTERNAL", "办理人")) == []  # not an applicant
