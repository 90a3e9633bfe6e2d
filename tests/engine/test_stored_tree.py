"""Reading a stored workflow state's tree without building the workflow (engine/run/stored_tree.py):
it says what deserializing says — tasks, parents, states, internal data, each task's data
rebuilt from the deltas — and declines (None) whatever it cannot read with certainty."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import orjson
import pytest

from engine.models import Instance
from engine.run.stored_tree import read_tree
from tests.factories import report, step

TRANSFER = {"decision": "transfer", "lead_unit": "BUS_GROUP"}


def stored(jtflow, case) -> tuple[bytes, Any]:  # type: ignore[no-untyped-def]
    """The case's stored state, and its workflow as deserializing gives it."""
    runtime = jtflow.runtime
    with jtflow.sessions() as session:
        instance = session.get(Instance, case.case_id)
        return instance.state, runtime.codec.load(
            instance.state, runtime.spec_of(session, instance.definition_id)
        )


@pytest.fixture
def in_reply(jtflow, clock):  # type: ignore[no-untyped-def]
    """A case at 单位领导审核, inside the reply subprocess, returned once before."""
    case = report(jtflow, urgency="urgent")
    step(jtflow, case, "classify", TRANSFER)
    for element in ("sign_for", "handle_reply", "leader_approve"):
        clock.advance(hours=1)
        step(jtflow, case, element)
    step(jtflow, case, "center_audit", {"accepted": False, "reason": "缺要素", "basis": "E10"})
    for element in ("handle_reply",):
        clock.advance(hours=1)
        step(jtflow, case, element)
    return case


def test_the_tree_read_is_the_tree_deserializing_gives(jtflow, in_reply):  # type: ignore[no-untyped-def]
    state, wf = stored(jtflow, in_reply)
    restore = jtflow.runtime.codec.registry.restore

    tree = read_tree(state)

    assert tree is not None
    workflows = [wf] + [
        wf.subprocesses[UUID(tree.ids[sub.parent_task].decode())] for sub in tree.workflows[1:]
    ]
    assert len(workflows) == len(wf.subprocesses) + 1 >= 2
    assert [w.spec.name for w in workflows[1:]] == [s.spec for s in tree.workflows[1:]]
    rebuilt = 0
    for workflow, read in zip(workflows, tree.workflows, strict=True):
        tasks = list(workflow.tasks.values())
        assert [str(t.id).encode() for t in tasks] == list(tree.ids[read.first : read.last])
        for index, task in enumerate(tasks, read.first):
            assert tree.spec_of(index) == task.task_spec.name
            assert tree.state_of(index) == task.state
            assert tree.internal_of(index) == task.internal_data
            parent = tree.parents[index]
            assert (parent is None) == (task.parent is None)
            assert parent is None or tree.ids[parent] == str(task.parent.id).encode()
            if index + 1 < read.last:  # a workflow's last task has no key after it
                assert tree.data_of(index, restore) == task.data
                rebuilt += 1
    assert rebuilt > 50


def test_cases_sitting_alike_have_one_key_and_others_another(jtflow, clock):  # type: ignore[no-untyped-def]
    """The key leaves out ids, deadlines and data; where a case sits changes it."""
    cases = []
    for channel in ("monitoring", "hotline_12328", "monitoring"):
        clock.advance(hours=3)
        case = report(jtflow, channel=channel, title=f"{channel} 事件")
        step(jtflow, case, "classify", TRANSFER)
        cases.append(case)
    clock.advance(hours=1)
    step(jtflow, cases[2], "sign_for")
    trees = [read_tree(stored(jtflow, case)[0]) for case in cases]
    assert all(tree is not None for tree in trees)
    keys = [tree.key for tree in trees if tree is not None]
    assert keys[0] == keys[1] != keys[2]


def with_root_data(state: bytes, **added: Any) -> bytes:
    dct = orjson.loads(state)
    root = dct["tasks"][dct["root"]]
    root["data"].update(added)
    return orjson.dumps(dct)


def header(task_id: str, **more: Any) -> dict[str, Any]:
    return {
        "id": task_id,
        "parent": None,
        "children": [],
        "last_state_change": 1.0,
        "state": 64,
        "task_spec": "Start",
        "triggered": False,
        "internal_data": {},
        **more,
    }


def test_a_header_imitated_in_data_is_declined(jtflow, clock):  # type: ignore[no-untyped-def]
    case = report(jtflow)
    step(jtflow, case, "classify", TRANSFER)
    state, wf = stored(jtflow, case)
    assert read_tree(state) is not None
    some_task = str(next(iter(wf.tasks)))

    assert read_tree(with_root_data(state, note=header(some_task))) is None  # a task twice
    assert read_tree(with_root_data(state, note=header(str(UUID(int=1))))) is None
    # tagged as a task: such data could not even be loaded, and is declined too
    tagged = header(str(UUID(int=2)), typename="Task")
    assert read_tree(with_root_data(state, note=tagged)) is None
    # an id-first object that is no header at all
    assert read_tree(with_root_data(state, note={"id": "x"})) is None


def test_what_is_not_a_saved_workflow_is_declined() -> None:
    assert read_tree(b"") is None
    assert read_tree(b'{"tasks":{}}') is None
    assert read_tree(b'{"id":"') is None
