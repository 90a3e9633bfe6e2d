"""A case drawn on its own diagram: the BPMN text of the case's definition version and
which of its elements are done and which are open now (the case page's viewer).

The saved workflow state knows every element a case has passed, gateways and events
included, in the main process and in each called process (reply_cycle, escalation); the
task rows and the history add what they record (completed and open tasks, fired timers).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFound
from ..models import Definition, HistoryEvent, Instance, Task
from ..people.visibility import MAX_ID

# SpiffWorkflow's TaskState values, as they appear in a saved state
_READY, _STARTED, _COMPLETED = 16, 32, 64
_BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@dataclass(frozen=True)
class Progress:
    """Element ids of the case's diagram: passed (`done`) and where the case stands (`open`)."""

    done: list[str]
    open: list[str]


def diagram_xml(session: Session, instance: Instance, version: int | None = None) -> str:
    """The BPMN file of the definition version the case runs on, as it was deployed; with
    `version`, of that version, which the case must have run on (before a migration)."""
    definition = session.get(Definition, instance.definition_id)
    if definition is None:
        raise NotFound(f"案件 {instance.case_no} 的流程定义不存在")
    if version is not None and not 0 < version <= MAX_ID:  # beyond the column's integers
        raise NotFound(f"案件 {instance.case_no} 未在流程第 {version} 版上运行过")
    if version is not None and version != definition.version:
        definition = _version_run_on(session, instance, definition.process_id, version)
    return bpmn_text(definition)


def _version_run_on(
    session: Session, instance: Instance, process_id: str, version: int
) -> Definition:
    definition = session.scalar(
        select(Definition)
        .join(HistoryEvent, HistoryEvent.definition_id == Definition.id)
        .where(
            Definition.process_id == process_id,
            Definition.version == version,
            HistoryEvent.instance_id == instance.id,
        )
        .limit(1)
    )
    if definition is None:
        raise NotFound(f"案件 {instance.case_no} 未在流程第 {version} 版上运行过")
    return definition


def version_of(session: Session, definition_id: int) -> int:
    definition = session.get(Definition, definition_id)
    assert definition is not None
    return definition.version


def case_progress(session: Session, instance: Instance) -> Progress:
    done: set[str] = set()
    current: set[str] = set()
    for spec_name, spiff_state in _spiff_tasks(instance.state):
        if spiff_state == _COMPLETED:
            done.add(spec_name)
        elif spiff_state in (_READY, _STARTED):  # a user task waiting, a call activity running
            current.add(spec_name)
    for element_id, row_state in session.execute(
        select(Task.element_id, Task.state).where(Task.instance_id == instance.id)
    ):
        if row_state == "open":
            current.add(element_id)
        elif row_state == "completed":
            done.add(element_id)
    done.update(
        session.scalars(
            select(HistoryEvent.element_id).where(
                HistoryEvent.instance_id == instance.id,
                HistoryEvent.kind.in_(("task_completed", "timer_fired")),
                HistoryEvent.element_id.is_not(None),
            )
        )
    )
    known = _element_ids(diagram_xml(session, instance))
    current &= known
    return Progress(done=sorted((done & known) - current), open=sorted(current))


def bpmn_text(definition: Definition) -> str:
    """The .bpmn file among the deployed files (DMN tables sit beside it)."""
    files: dict[str, Any] = definition.files or {}
    bpmn = {name: text for name, text in files.items() if name.endswith(".bpmn")}
    for text in bpmn.values():
        if f'id="{definition.process_id}"' in text:
            return str(text)
    if bpmn:
        return str(next(iter(bpmn.values())))
    raise NotFound(f"流程定义 {definition.process_id} 第 {definition.version} 版没有 BPMN 文件")


def _element_ids(xml: str) -> set[str]:
    root = etree.fromstring(xml.encode(), parser=etree.XMLParser(resolve_entities=False))
    return {
        str(e.get("id"))
        for process in root.iter(f"{{{_BPMN}}}process")
        for e in process.iter()
        if e.get("id")
    }


def _spiff_tasks(state: bytes) -> Iterator[tuple[str, int]]:
    """(task spec name, state) of every task of the saved workflow and its subprocesses."""
    if not state:
        return
    saved = orjson.loads(state)
    workflows = [saved]
    while workflows:
        workflow = workflows.pop()
        for task in workflow.get("tasks", {}).values():
            yield task["task_spec"], task["state"]
        workflows.extend(workflow.get("subprocesses", {}).values())
