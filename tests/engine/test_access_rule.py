"""S1 in one module (engine/people/access_rule.py): its Python form (a task in hand) and its SQL form
(the queries of the inbox, `GET /api/tasks` and `jtflow tasks`) agree on every combination of
units, roles, assignees, states, auditors and disabled users, on a real SQLite file."""

from __future__ import annotations

from itertools import product

import pytest
from sqlalchemy import insert, select

from engine.errors import PermissionDenied
from engine.models import Task, User
from engine.people.access_rule import (
    REPORT_CHANNELS,
    check_reporter,
    in_inbox,
    inbox_tasks,
    may_act,
    report_channels,
    seen_tasks,
    sees_task,
)
from tests.factories import report

UNITS = ("BUS_GROUP", "METRO_BRT", "CENTER", "EXTERNAL")
ROLE_SETS = (
    [],
    ["外部申请人"],
    ["办理人"],
    ["单位领导"],
    ["办理人", "单位领导"],
    ["投诉受理岗"],
    ["运行监测岗", "平台受理岗"],
    ["审计员"],
    ["审计员", "办理人"],
)
NAMES = ("u0", "u1")
TASK_ROLES = ("办理人", "单位领导", "投诉受理岗", "运行监测岗", "审计员", "外部申请人")
STATES = ("open", "completed", "cancelled")
ASSIGNEES = (None, "u0", "u1")
SCOPES = ("all", "mine", "unclaimed")

USERS = [
    User(username=name, display_name=name, unit_code=unit, roles=list(roles), active=active)
    for unit, roles, active, name in product(UNITS, ROLE_SETS, (True, False), NAMES)
]


@pytest.fixture
def population(jtflow, clock):  # type: ignore[no-untyped-def]
    """One task for every combination of unit, role, state and assignee, in one case."""
    case = report(jtflow)
    now = clock.now()
    with jtflow.sessions() as session:
        session.execute(
            insert(Task),
            [
                dict(
                    instance_id=case.case_id,
                    spiff_task_id=f"population-{i}",
                    element_id="sign_for",
                    name="签收",
                    unit_code=unit,
                    role=role,
                    form="sign_for",
                    state=state,
                    assignee=assignee,
                    created_at=now,
                    light="green",
                    provisional=False,
                )
                for i, (unit, role, state, assignee) in enumerate(
                    product(UNITS, TASK_ROLES, STATES, ASSIGNEES)
                )
            ],
        )
        session.commit()
        return list(session.scalars(select(Task)))


def test_reading_a_task_is_one_rule_in_python_and_sql(jtflow, population):  # type: ignore[no-untyped-def]
    seen = 0
    with jtflow.sessions() as session:
        for user in USERS:
            in_sql = set(session.scalars(select(Task.id).where(*seen_tasks(user))))
            in_python = {task.id for task in population if sees_task(user, task)}
            assert in_sql == in_python, (user.unit_code, user.roles, user.active)
            seen += len(in_sql)
    assert 0 < seen < len(USERS) * len(population)  # the population tells the cases apart


@pytest.mark.parametrize("scope", SCOPES)
def test_the_inbox_is_one_rule_in_python_and_sql(jtflow, population, scope):  # type: ignore[no-untyped-def]
    listed = 0
    with jtflow.sessions() as session:
        for user in USERS:
            in_sql = set(session.scalars(select(Task.id).where(*inbox_tasks(user, scope))))
            in_python = {task.id for task in population if in_inbox(user, task, scope)}
            assert in_sql == in_python, (user.username, user.unit_code, user.roles, user.active)
            listed += len(in_sql)
    assert 0 < listed < len(USERS) * len(population)


def test_who_may_act_sees_the_task_in_their_inbox(population):  # type: ignore[no-untyped-def]
    for user, task in product(USERS, population):
        if may_act(user, task):
            assert user.active and sees_task(user, task) and task.state == "open"
            assert in_inbox(user, task) == (task.assignee in (None, user.username))
        if "审计员" in user.roles:
            assert not may_act(user, task)


def test_an_applicants_task_is_for_that_applicant_alone(population):  # type: ignore[no-untyped-def]
    """M1: external applicants share the EXTERNAL code but not their work."""
    theirs = [t for t in population if t.unit_code == "EXTERNAL" and t.role == "外部申请人"]
    u0, u1 = (
        User(username=n, display_name=n, unit_code="EXTERNAL", roles=["外部申请人"], active=True)
        for n in NAMES
    )
    for task in theirs:
        assert sees_task(u0, task) == (task.assignee == "u0")
        assert sees_task(u1, task) == (task.assignee == "u1")
        assert not (may_act(u0, task) and may_act(u1, task))


def test_a_page_offers_exactly_the_channels_the_engine_accepts():
    for user in USERS:
        accepted = []
        for channel in REPORT_CHANNELS:
            try:
                check_reporter(user, channel)
            except PermissionDenied:
                continue
            accepted.append(channel)
        offered = report_channels(user)
        if "审计员" in user.roles:  # refused earlier by check_may_change
            assert offered == []
        else:
            assert offered == accepted, (user.unit_code, user.roles)
    assert report_channels(first("BUS_GROUP", ["办理人"])) == ["patrol"]
    center_any = report_channels(first("CENTER", ["投诉受理岗"]))
    assert center_any[0] == "hotline_12328" and len(center_any) == len(REPORT_CHANNELS) - 1
    assert report_channels(first("CENTER", ["运行监测岗", "平台受理岗"])) == [
        "monitoring",
        "platform_12345",
        "public_safety",
    ]


def first(unit: str, roles: list[str]) -> User:
    return next(u for u in USERS if u.unit_code == unit and u.roles == roles)
