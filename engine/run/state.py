"""Workflow state as bytes, without its spec: the spec is stored once per definition version.

SpiffWorkflow's serializer writes the whole spec into every saved workflow and
rebuilds it on every load. Here the spec objects are built once per version and
shared, as SpiffWorkflow itself shares one spec among many workflows.
"""

from __future__ import annotations

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
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from .spiff import ClockedCycle, ClockedDuration, ClockedTimeDate

SpecPair = tuple[Any, dict[str, Any]]


_FINAL = TaskState.COMPLETED | TaskState.CANCELLED


class FinishedTaskConverter(TaskConverter):
    """Converts a finished task once, then reuses that dict at every later save.

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
            return super().to_dict(task)
        key = (task.state, task.last_state_change, len(task._children), task.task_spec)
        cached = getattr(task, "_jtflow_dict", None)
        if cached is not None and cached[0] == key:
            if self.verify:
                assert cached[1] == {**super().to_dict(task), "typename": "Task"}, task
            return cached[1]
        dct = super().to_dict(task)
        task._jtflow_dict = (key, dct)
        return dct


class _SpeclessWorkflowConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(
        self, dct: dict[str, Any], spec: Any = None, subprocess_specs: Any = None
    ) -> BpmnWorkflow:
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
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
