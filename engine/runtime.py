"""Loading an instance, moving it one step, and saving it with its rows and history.

One step is one transaction (DESIGN.md): load → act → advance → save state,
task and timer rows and history → commit. The instance row's version number
makes a stale writer fail with a Conflict instead of overwriting a newer state.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from .calendar import WorkingCalendar
from .clock import Clock, parse_instant
from .diagram_functions import DiagramFunctions
from .errors import CaseArchived
from .history import HistoryWriter
from .models import Definition, Instance, Task, Timer
from .runner import advance, human_tasks, property_of, waiting_timers
from .script_safety import SafeTaskDataEnvironment, restricted_globals
from .spiff import ClockedScriptEngine
from .state import SpecPair, WorkflowCodec

ENDED = ("archived", "returned", "recorded", "completed")


@dataclass
class Loaded:
    """An instance with its live workflow, for the length of one step."""

    instance: Instance
    workflow: BpmnWorkflow
    history: HistoryWriter


class Runtime:
    """Holds what every step needs: the clock, the calendar-bound helpers, the codec, the specs.

    It also keeps the live workflows of recently stepped instances, keyed by the instance
    row's version: a step whose row still has that version continues the live object
    instead of deserializing it. An entry is taken out while a step runs and put back
    only after its commit, so a failed or raced step never leaves a mutated workflow behind.
    """

    def __init__(self, clock: Clock, calendar: WorkingCalendar, live_workflows: int = 256):
        self.clock = clock
        self.functions = DiagramFunctions(clock, calendar)
        self.codec = WorkflowCodec()
        self._specs: dict[int, SpecPair] = {}
        self._live: OrderedDict[int, tuple[int, BpmnWorkflow]] = OrderedDict()
        self._live_max = live_workflows

    def script_engine(self) -> ClockedScriptEngine:
        environment = SafeTaskDataEnvironment(restricted_globals(self.functions.published()))
        return ClockedScriptEngine(self.clock, environment)

    def spec_of(self, session: Session, definition_id: int) -> SpecPair:
        """Spec objects are built once per definition version and shared by its instances."""
        spec = self._specs.get(definition_id)
        if spec is None:
            definition = session.get(Definition, definition_id)
            assert definition is not None
            spec = self._specs[definition_id] = self.codec.load_spec(definition.spec)
        return spec

    def new_workflow(self, session: Session, definition_id: int, data: dict[str, Any]) -> BpmnWorkflow:
        spec, subprocess_specs = self.spec_of(session, definition_id)
        wf = BpmnWorkflow(spec, subprocess_specs, script_engine=self.script_engine())
        wf.get_tasks(state=TaskState.READY)[0].data.update(data)
        return wf

    def load(self, session: Session, instance: Instance) -> Loaded:
        if instance.status in ENDED:
            raise CaseArchived(
                f"案件 {instance.case_no} 已{_STATUS_ZH[instance.status]}，不能再更改（E13）"
            )
        live = self._live.pop(instance.id, None)
        if live is not None and live[0] == instance.version:
            wf = live[1]
        else:
            wf = self.codec.load(instance.state, self.spec_of(session, instance.definition_id))
            wf.script_engine = self.script_engine()
        return Loaded(instance, wf, HistoryWriter(session, instance))

    def committed(self, loaded: Loaded) -> None:
        """Call after the step's commit: the live workflow now matches the stored version."""
        instance = loaded.instance
        if instance.ended_at is not None:
            return
        self._live[instance.id] = (instance.version, loaded.workflow)
        while len(self._live) > self._live_max:
            self._live.popitem(last=False)

    # -- saving ----------------------------------------------------------------------

    def save(self, session: Session, loaded: Loaded, actor: str) -> None:
        """Advance the workflow, then write its state, task rows, timer rows and history."""
        wf, instance = loaded.workflow, loaded.instance
        now = self.clock.now()
        advance(wf)
        with session.no_autoflush:
            instance.state = self.codec.dump(wf)
            instance.updated_at = now
            timers = self._sync_timers(session, loaded, now, actor)
            self._sync_tasks(session, loaded, now, timers)
            if wf.completed:
                instance.status = _end_status(wf)
                instance.ended_at = now
                loaded.history.append("case_ended", at=now, actor=actor,
                                      data={"status": instance.status})
        session.flush()

    def _sync_timers(
        self, session: Session, loaded: Loaded, now: datetime, actor: str
    ) -> dict[str, Timer]:
        """Mirror waiting timers into rows; record the ones that fired. Returns due by watched element."""
        wf, instance = loaded.workflow, loaded.instance
        waiting = {str(t.task.id): t for t in waiting_timers(wf)}
        rows = {
            r.spiff_task_id: r
            for r in session.scalars(
                select(Timer).where(Timer.instance_id == instance.id, Timer.state == "waiting")
            )
        }
        for spiff_id, row in rows.items():
            if spiff_id in waiting:
                continue
            task = wf.get_task_from_id(_uuid(spiff_id))
            fired = task is not None and task.state == TaskState.COMPLETED
            row.state = "fired" if fired else "cancelled"
            if fired:
                row.fired_at = now
                loaded.history.append(
                    "timer_fired",
                    at=now,
                    actor="system",
                    element_id=row.element_id,
                    data={"due_at": row.due_at.isoformat(), "watches": row.watches,
                          "provisional": row.provisional},
                )
        by_watched: dict[str, Timer] = {}
        for spiff_id, timer in waiting.items():
            row = rows.get(spiff_id)
            if row is None:
                row = Timer(
                    instance_id=instance.id,
                    spiff_task_id=spiff_id,
                    element_id=timer.task.task_spec.bpmn_id,
                    watches=timer.watches,
                    due_at=parse_instant(timer.due),
                    provisional=self.functions.is_provisional(timer.due),
                    state="waiting",
                )
                session.add(row)
            if timer.watches:
                by_watched[timer.watches] = row
        return by_watched

    def _sync_tasks(
        self, session: Session, loaded: Loaded, now: datetime, timers: dict[str, Timer]
    ) -> None:
        wf, instance = loaded.workflow, loaded.instance
        ready = {str(t.id): t for t in human_tasks(wf)}
        rows = {
            r.spiff_task_id: r
            for r in session.scalars(
                select(Task).where(Task.instance_id == instance.id, Task.state == "open")
            )
        }
        for spiff_id, row in rows.items():
            if spiff_id not in ready and row.state == "open":  # completed rows are this step's own
                row.state = "cancelled"
                loaded.history.append(
                    "task_cancelled", at=now, actor="system", element_id=row.element_id,
                    data={"task_id": row.id},
                )
        created = []
        for spiff_id, task in ready.items():
            if spiff_id in rows:
                continue
            element_id = task.task_spec.bpmn_id
            timer = timers.get(element_id)
            row = Task(
                instance_id=instance.id,
                spiff_task_id=spiff_id,
                element_id=element_id,
                name=task.task_spec.bpmn_name or element_id,
                lane=task.task_spec.lane,
                unit_code=self._evaluate_property(wf, task, "unit") or "",
                role=property_of(task, "role") or "",
                form=(property_of(task, "formJsonSchemaFilename") or "").removesuffix(".json"),
                state="open",
                created_at=now,
                due_at=timer.due_at if timer else None,
                provisional=timer.provisional if timer else False,
                defaults=self._evaluate_property(wf, task, "form_defaults", raw=True),
            )
            session.add(row)
            created.append(row)
        if created:
            session.flush()  # the new rows' ids go into the history
        for row in created:
            loaded.history.append(
                "task_created", at=now, actor="system", element_id=row.element_id,
                data={"task_id": row.id, "unit": row.unit_code, "role": row.role,
                      "due_at": row.due_at.isoformat() if row.due_at else None},
            )

    @staticmethod
    def _evaluate_property(wf: BpmnWorkflow, task: Any, name: str, raw: bool = False) -> Any:
        value = property_of(task, name)
        if value is None or not value.startswith("="):
            return value
        result = wf.script_engine.evaluate(task, value[1:])
        return result if raw else str(result)


_STATUS_ZH = {"archived": "归档", "returned": "退件", "recorded": "办结备案", "completed": "结束"}


def _end_status(wf: BpmnWorkflow) -> str:
    """The case status named by the end event reached (extension property `case_status`)."""
    for task in wf.get_tasks(state=TaskState.COMPLETED, max_depth=10**9):
        spec = task.task_spec
        if type(spec).__name__ == "EndEvent":
            status = spec.extensions.get("properties", {}).get("case_status")
            if status and not spec.bpmn_id.startswith("timer_"):
                return str(status)
    return "completed"


def _uuid(text: str) -> Any:
    from uuid import UUID

    return UUID(text)

