"""Workflow state as bytes, without its spec: the spec is stored once per definition version.

SpiffWorkflow's serializer writes the whole spec into every saved workflow and
rebuilds it on every load. Here the spec objects are built once per version and
shared, as SpiffWorkflow itself shares one spec among many workflows.
"""

from __future__ import annotations

from copy import copy
from functools import lru_cache
from typing import Any
from uuid import UUID

import orjson
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.event_definition import (
    TimerConditionalEventDefinitionConverter,
)
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnWorkflowConverter,
    TaskConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.deep_merge import DeepMerge
from SpiffWorkflow.util.task import TaskState

from .spiff import ClockedCycle, ClockedDuration, ClockedTimeDate

SpecPair = tuple[Any, dict[str, Any]]


_FINAL = TaskState.COMPLETED | TaskState.CANCELLED


class FinishedTaskConverter(TaskConverter):
    """Converts a finished task once, then reuses that dict at every later save; a finished
    task restored from a stored state reuses the dict it was restored from.

    A completed or cancelled task whose parent is finished too never changes again
    (SpiffWorkflow copies data forward to children, and a task's saved data is a delta
    against its parent's), so a long case saves in time proportional to its open work.
    The cached dict is keyed by the task's state, last state change, children and spec
    object (a migration gives a finished task its new version's spec), and
    `verify` (on in the test suite) checks every reuse against a fresh conversion.
    """

    verify = False

    def to_dict(self, task: Task) -> dict[str, Any]:
        parent = task.parent
        if not task.has_state(_FINAL) or (parent is not None and not parent.has_state(_FINAL)):
            return self._converted(task, parent)
        key = (task.state, task.last_state_change, len(task._children), task.task_spec)
        cached = getattr(task, "_jtflow_dict", None)
        if cached is not None and cached[0] == key:
            if self.verify:
                assert cached[1] == {**super().to_dict(task), "typename": "Task"}, task
            return cached[1]
        dct = self._converted(task, parent)
        task._jtflow_dict = (key, dct)
        return dct

    def _converted(self, task: Task, parent: Task | None) -> dict[str, Any]:
        """TaskConverter.to_dict, quicker where a task's data is its parent's unchanged (a
        predicted task's, mostly): one comparison instead of one per key."""
        data: dict[str, Any] = {}
        delta: dict[str, Any] = {}
        if parent is None:
            data = task.data
        elif task.data == parent.data:
            delta = {"updates": {}, "deletions": []}
        else:
            delta = {
                "updates": DeepMerge.get_updated_keys(parent.data, task.data),
                "deletions": DeepMerge.get_deleted_keys(parent.data, task.data),
            }
        internal = task.internal_data
        dct = {
            "id": _text(task.id),
            "parent": None if parent is None else _text(task._parent),
            "children": list(map(_text, task._children)),
            "last_state_change": task.last_state_change,
            "state": task.state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": self.registry.convert(internal) if internal else {},
            "data": data,
            "delta": delta,
        }
        if self.verify:
            assert dct == super().to_dict(task), task
        return dct

    def from_dict(self, dct: dict[str, Any], workflow: Any) -> Task:
        """TaskConverter.from_dict, with the parent's data copied in one comprehension, and
        a finished task keeping `dct` for its next save (a cold step saves in time
        proportional to its open work too)."""
        spec = workflow.spec.task_specs.get(dct["task_spec"])
        task = self.target_class(workflow, spec, state=dct["state"], id=_uuid(dct["id"]))
        task._parent = None if dct["parent"] is None else _uuid(dct["parent"])
        task._children = list(map(_uuid, dct["children"]))
        task.last_state_change = dct["last_state_change"]
        task.triggered = dct["triggered"]
        internal = dct["internal_data"]
        task.internal_data = self.registry.restore(internal) if internal else {}
        if isinstance(spec, CatchingEvent) and task.has_state(TaskState.WAITING):
            workflow.top_workflow.event_manager.add_task(task)
        parent = task.parent
        delta = dct.get("delta")
        if delta and parent is not None:
            task.data = _copied(parent.data)
            updates = delta.get("updates")
            if updates:
                task.data.update(self.registry.restore(updates))
            for key in delta.get("deletions", ()):
                task.data.pop(key, None)
        else:
            task.data = self.registry.restore(dct["data"])
        if task.has_state(_FINAL) and (parent is None or parent.has_state(_FINAL)):
            key = (task.state, task.last_state_change, len(task._children), spec)
            task._jtflow_dict = (key, {**dct, "typename": "Task"})
        return task


# a case's task ids come back at every load, each three times (id, parent, child)
_uuid = lru_cache(maxsize=1 << 15)(UUID)
_text = lru_cache(maxsize=1 << 15)(str)


def _copied(data: dict[str, Any]) -> dict[str, Any]:
    """A child's copy of its parent's data, as SpiffWorkflow's DeepMerge.merge({}, data)
    makes it: containers copied one level down, values shared."""
    return {k: copy(v) if isinstance(v, _CONTAINERS) else v for k, v in data.items()}


_CONTAINERS = (dict, list, set)


class _SpeclessWorkflowConverter(BpmnWorkflowConverter):
    def mapping_to_dict(self, mapping: Any, **kwargs: Any) -> dict[str, Any]:
        convert = self.registry.convert
        return {_text(k): convert(v, **kwargs) for k, v in mapping.items()}

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(
        self, dct: dict[str, Any], spec: Any = None, subprocess_specs: Any = None
    ) -> BpmnWorkflow:
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], _uuid, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(_uuid(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class WorkflowCodec:
    """Turns specs and workflow states into bytes and back."""

    def __init__(self) -> None:
        config = dict(SPIFF_CONFIG)
        config[ClockedTimeDate] = TimerConditionalEventDefinitionConverter
        config[ClockedDuration] = TimerConditionalEventDefinitionConverter
        config[ClockedCycle] = TimerConditionalEventDefinitionConverter
        config[BpmnWorkflow] = _SpeclessWorkflowConverter
        config[Task] = FinishedTaskConverter
        self.registry = BpmnWorkflowSerializer.configure(config)

    def dump_spec(self, spec: Any, subprocess_specs: dict[str, Any]) -> bytes:
        return orjson.dumps(
            {
                "spec": self.registry.convert(spec),
                "subprocess_specs": {
                    k: self.registry.convert(v) for k, v in subprocess_specs.items()
                },
            }
        )

    def load_spec(self, data: bytes) -> SpecPair:
        dct = orjson.loads(data)
        subs = {k: self.registry.restore(v) for k, v in dct["subprocess_specs"].items()}
        return self.registry.restore(dct["spec"]), subs

    def dump(self, workflow: BpmnWorkflow) -> bytes:
        return orjson.dumps(self.registry.convert(workflow))

    def load(self, data: bytes, spec: SpecPair) -> BpmnWorkflow:
        top, subs = spec
        workflow: BpmnWorkflow = self.registry.restore(
            orjson.loads(data), spec=top, subprocess_specs=subs
        )
        return workflow
