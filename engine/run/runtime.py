"""Loading an instance, moving it one step, and saving it with its rows and history.

One step is one transaction (DESIGN.md): load → act → advance → save state,
task and timer rows and history → commit, driven by engine/run/step.py. The instance
row's version number makes a stale writer fail with a Conflict instead of
overwriting a newer state. One step is also one instant: a step runs inside
`Runtime.step()`, and everything it writes, and every `now()` its diagram code
and timers see, is that instant.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from ..errors import CaseArchived
from ..models import Definition, Instance
from ..time.calendar import WorkingCalendar
from ..time.clock import Clock, StepClock
from .diagram_functions import DiagramFunctions
from .guarded_evaluator import CodeBudget, GuardedEnvironment
from .history import HistoryWriter
from .instance_row import write_instance
from .rows import (
    EVALUATED_ON_OPEN,
    Snapshot,
    redefine_tasks,
    sync_tasks,
    sync_timers,
    write_completions,
)
from .runner import TreeView, advance, property_of
from .spiff import ClockedScriptEngine, bound_multi_instances
from .state import SpecPair, WorkflowCodec
from .tasks import OpenTask

# how a case can end; a sharing request (D3–D7) ends granted, refused or checked
ENDED = ("archived", "returned", "recorded", "completed", "granted", "refused", "checked")

# a hook run in a step's transaction once its workflow is written: the rows a domain derives
# from where the case got to (a grant, D6), written atomically with the step
WriteHook = Callable[[Session, "Loaded", datetime, str], None]


@dataclass
class Loaded:
    """An instance with its live workflow, for the length of one step."""

    instance: Instance
    workflow: BpmnWorkflow
    history: HistoryWriter
    before: Snapshot = field(default_factory=Snapshot)
    completed: set[str] = field(default_factory=set)
    done_rows: list[dict[str, Any]] = field(default_factory=list)  # complete_task's, to write
    after: Snapshot = field(default_factory=Snapshot)  # set by write: the next step's `before`
    opened: list[OpenTask] = field(default_factory=list)  # set by write: the rows it inserted
    changed: bool = True  # False: the act changed nothing, the step writes nothing
    # carried open tasks' new definitions (a migration), by Spiff task id, for their rows
    redefined: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Advanced:
    """A workflow moved on in memory, with the property values its new tasks' rows need."""

    view: TreeView
    evaluated: dict[tuple[str, str], Any]


class Runtime:
    """Holds what every step needs: the step clock, the calendar-bound helpers, the codec, the
    specs.

    It also keeps the live workflows of recently stepped instances, keyed by the instance
    row's version: a step whose row still has that version continues the live object
    instead of deserializing it. An entry is taken out while a step runs and put back
    only after its commit, so a failed or raced step never leaves a mutated workflow behind.
    """

    def __init__(
        self,
        clock: Clock,
        calendar: WorkingCalendar,
        live_workflows: int = 256,
        budget: CodeBudget | None = None,
    ):
        self.clock = StepClock(clock)  # what steps, diagram helpers and timers read
        self.functions = DiagramFunctions(self.clock, calendar)
        self.environment = GuardedEnvironment(self.functions.published(), budget)
        self.codec = WorkflowCodec()
        self._specs: dict[int, SpecPair] = {}
        self._live: OrderedDict[int, tuple[int, BpmnWorkflow, Snapshot]] = OrderedDict()
        self._timer_listeners: list[Callable[[], None]] = []
        self._write_hooks: list[WriteHook] = []
        self._live_max = live_workflows

    def script_engine(self) -> ClockedScriptEngine:
        return ClockedScriptEngine(
            self.clock, self.environment, self.functions.watching_provisional
        )

    def step(self) -> AbstractContextManager[datetime]:
        """Within the block, this thread's step has one instant: the clock is read once on
        entering and that instant is the step's `now()` everywhere (nested blocks share it)."""
        return self.clock.step()

    def budget(self) -> AbstractContextManager[None]:
        """Within the block, all diagram code of this thread shares one step's budget."""
        return self.environment.step_budget()

    def spec_of(self, session: Session, definition_id: int) -> SpecPair:
        """Spec objects are built once per definition version and shared by its instances."""
        spec = self._specs.get(definition_id)
        if spec is None:
            definition = session.get(Definition, definition_id)
            assert definition is not None
            spec = self._specs[definition_id] = self.codec.load_spec(definition.spec)
            bound_multi_instances([spec[0], *spec[1].values()])
        return spec

    def new_workflow(
        self, session: Session, definition_id: int, data: dict[str, Any]
    ) -> BpmnWorkflow:
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
            _, wf, snapshot = live
        else:
            wf = self.codec.load(instance.state, self.spec_of(session, instance.definition_id))
            wf.script_engine = self.script_engine()
            snapshot = Snapshot.of(TreeView.of(wf))
        return Loaded(instance, wf, HistoryWriter(session, instance), snapshot)

    def on_new_timers(self, listener: Callable[[], None]) -> None:
        """Call `listener` after any step in this process commits a new waiting timer
        (the in-process scheduler wakes, so a timer due soon is not left to its next look)."""
        self._timer_listeners.append(listener)

    def on_write(self, hook: WriteHook) -> None:
        """Run `hook` in every step's transaction after the workflow, rows and end are
        written and before its history is: what it adds commits or rolls back with the step."""
        self._write_hooks.append(hook)

    def committed(self, loaded: Loaded) -> None:
        """Call after the step's commit: the live workflow now matches the stored version."""
        if loaded.after.timers.keys() - loaded.before.timers.keys():
            for listener in self._timer_listeners:
                listener()
        instance = loaded.instance
        if instance.ended_at is not None:
            return
        self._live[instance.id] = (instance.version, loaded.workflow, loaded.after)
        while len(self._live) > self._live_max:
            self._live.popitem(last=False)

    # -- saving ----------------------------------------------------------------------

    def advance(self, loaded: Loaded) -> Advanced:
        """Run the workflow on and evaluate what its new tasks' rows need: all of the
        step's diagram code, before the step writes anything (no write lock held meanwhile)."""
        wf = loaded.workflow
        view = advance(wf)
        evaluated = {
            (str(task.id), name): evaluate_property(wf, task, name)
            for task in view.ready_user
            if str(task.id) not in loaded.before.tasks
            for name in EVALUATED_ON_OPEN
        }
        return Advanced(view, evaluated)

    def write(
        self, session: Session, loaded: Loaded, advanced: Advanced, actor: str
    ) -> list[OpenTask]:
        """Write the advanced workflow's state, task rows, timer rows and history.

        Returns the tasks the step opened."""
        wf, instance, history = loaded.workflow, loaded.instance, loaded.history
        now = self.clock.instant()
        view = advanced.view
        loaded.after = Snapshot.of(view)
        with session.no_autoflush:
            write_completions(session, loaded.done_rows)
            watches = sync_timers(session, instance, view, loaded.before, history, now)
            opened = sync_tasks(
                session,
                instance,
                view,
                loaded.before,
                loaded.completed,
                history,
                now,
                watches,
                advanced.evaluated,
            )
            loaded.opened = opened
            redefine_tasks(session, loaded.redefined)
            instance.state = self.codec.dump(wf)  # after sync: timers carry their provisional flag
            instance.updated_at = now
            if wf.completed:
                instance.status = _end_status(wf)
                instance.ended_at = now
            for hook in self._write_hooks:  # before the end, so its events precede case_ended
                hook(session, loaded, now, actor)
            if wf.completed:
                history.append("case_ended", at=now, actor=actor, data={"status": instance.status})
        write_instance(session, instance)
        session.flush()  # anything else the act or a hook changed through the ORM
        history.write()
        return opened


def evaluate_property(wf: BpmnWorkflow, task: Any, name: str) -> Any:
    """A property's value; one written `=expression` is evaluated against the task's data."""
    value = property_of(task, name)
    if value is None or not value.startswith("="):
        return value
    return wf.script_engine.evaluate(task, value[1:])


_STATUS_ZH = {
    "archived": "归档",
    "returned": "退件",
    "recorded": "办结备案",
    "completed": "结束",
    "granted": "授权",
    "refused": "不予共享",
    "checked": "校核完成",
}


def _end_status(wf: BpmnWorkflow) -> str:
    """The case status named by the end event reached (extension property `case_status`)."""
    for task in wf.get_tasks(state=TaskState.COMPLETED, max_depth=10**9):
        spec = task.task_spec
        if type(spec).__name__ == "EndEvent":
            status = spec.extensions.get("properties", {}).get("case_status")
            if status and not spec.bpmn_id.startswith("timer_"):
                return str(status)
    return "completed"
