"""Moving a live SpiffWorkflow instance on, and reading what it waits for.

SpiffWorkflow's task iterator stops at depth 1000, so after ~500 turns of a
return-for-resubmission loop `do_engine_steps()` silently strands READY tasks.
Here every look at the tree reads the flat task tables (no depth limit, one
pass), stranded engine tasks are run, and a workflow that has work left but
nothing able to move it raises StalledInstance.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

from ..errors import StalledInstance

_MAX_ROUNDS = 10_000
_ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED


def all_tasks(wf: BpmnWorkflow) -> Iterator[Any]:
    """Every task of the workflow and its subprocesses, at any depth."""
    yield from list(wf.tasks.values())
    for sub in list(wf.subprocesses.values()):
        yield from list(sub.tasks.values())


@dataclass
class TreeView:
    """One pass over every task of a workflow, sorted into what steps and saves look at."""

    ready_user: list[Any] = field(default_factory=list)
    ready_engine: list[Any] = field(default_factory=list)
    waiting_timers: list[WaitingTimer] = field(default_factory=list)
    fired_timers: list[Any] = field(default_factory=list)
    errors: list[Any] = field(default_factory=list)
    active: bool = False  # anything READY, WAITING or STARTED
    closed_reminders: list[Any] = field(default_factory=list)  # closed by this advance (E12)

    @classmethod
    def of(cls, wf: BpmnWorkflow) -> TreeView:
        view = cls()
        for task in all_tasks(wf):
            state = task.state
            if state == TaskState.COMPLETED:
                if _is_timer(task):
                    view.fired_timers.append(task)
                continue
            if state & _ACTIVE:
                view.active = True
            if state == TaskState.READY:
                (view.ready_user if task.task_spec.manual else view.ready_engine).append(task)
            elif state == TaskState.WAITING:
                timer = _waiting_timer(task)
                if timer is not None:
                    view.waiting_timers.append(timer)
            elif state == TaskState.ERROR:
                view.errors.append(task)
        return view


def advance(wf: BpmnWorkflow) -> TreeView:
    """Run every engine task that can run, at any depth; check the instance can go on.

    A reminder (催办/督办) whose chased step is done closes here, in the step that finished
    the chased step, so every caller and a replay close it alike (E12).
    Returns the view of the tree the step ends with."""
    closed: list[Any] = []
    for _ in range(_MAX_ROUNDS):
        wf.do_engine_steps()
        view = TreeView.of(wf)
        if view.ready_engine:
            for task in view.ready_engine:
                task.run()
            continue
        done = [t for t in view.ready_user if reminder_is_done(t)]
        if not done:
            break
        for task in done:
            task.run()
        closed.extend(done)
    else:
        raise StalledInstance(
            "流程在一步内执行了过多引擎任务（疑似死循环）：请检查流程图中的循环条件"
        )
    _drop_finished_subprocesses(wf)
    check_not_stalled(wf, view)
    view.closed_reminders = closed
    return view


def _drop_finished_subprocesses(wf: BpmnWorkflow) -> None:
    """A finished round of a looped call activity is history, not state: keep saves O(open work).

    Its data has been merged into the parent and the case history keeps every step of it.
    """
    for task_id, sub in list(wf.subprocesses.items()):
        parent = wf.get_task_from_id(task_id)
        if sub.completed and (parent is None or parent.has_state(TaskState.FINISHED_MASK)):
            del wf.subprocesses[task_id]


def check_not_stalled(wf: BpmnWorkflow, view: TreeView | None = None) -> None:
    view = view or TreeView.of(wf)
    if view.errors:
        names = ", ".join(t.task_spec.bpmn_id or t.task_spec.name for t in view.errors)
        raise StalledInstance(f"流程步骤执行出错（{names}）：请检查该步骤的脚本或条件")
    if not wf.completed and not view.active:
        raise StalledInstance(
            "流程未结束却没有可办理的任务或等待中的计时器：请联系流程负责人检查流程图"
        )


@dataclass(frozen=True)
class WaitingTimer:
    task: Any
    due: str
    watches: str | None  # the element id of the task a boundary timer watches


def _is_timer(task: Any) -> bool:
    return isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition)


def waiting_timers(wf: BpmnWorkflow) -> list[WaitingTimer]:
    return TreeView.of(wf).waiting_timers


def _waiting_timer(task: Any) -> WaitingTimer | None:
    if not _is_timer(task) or task._get_internal_data("event_fired", False):
        return None
    due = task._get_internal_data("event_value")
    return None if due is None else WaitingTimer(task, due, watched_element(task))


def watched_element(task: Any) -> str | None:
    """The element id of the activity a boundary event is attached to."""
    watched = watched_task(task)
    return None if watched is None else str(watched.task_spec.bpmn_id)


def watched_task(task: Any) -> Any | None:
    """A boundary event's parent is the BoundaryEventSplit; its other child is the activity."""
    if not _is_boundary(task) or task.parent is None:
        return None
    for sibling in task.parent.children:
        if sibling is not task and not hasattr(sibling.task_spec, "event_definition"):
            return sibling
    return None


def watch_key(task: Any, watched: Any) -> str | None:
    """The Spiff id of the watched activity a user task's deadline comes from: the task itself,
    or a multi-instance activity it is one instance of; `watched` holds the watched ids."""
    for candidate in (task, task.parent):
        if candidate is not None and str(candidate.id) in watched:
            return str(candidate.id)
    return None


def _is_boundary(task: Any) -> bool:
    return hasattr(task.task_spec, "cancel_activity")


REMINDER = "reminder"  # a user task property: this task chases an overdue step (E12)


def is_reminder(task: Any) -> bool:
    return (property_of(task, REMINDER) or "").lower() in ("true", "1", "yes")


def chased_task(task: Any) -> Any | None:
    """The step a reminder chases: up from the reminder, across the called process, to the
    red timer whose path opened it, and the activity that timer is attached to."""
    node: Any = task
    for _ in range(_MAX_CHASE):
        if node is None:
            return None
        if _is_boundary(node):
            return watched_task(node)
        node = _up(node)
    return None


_MAX_CHASE = 200  # a reminder sits a few tasks below its call; never walk a whole tree


def _up(task: Any) -> Any | None:
    """A task's parent, or at the root of a called process the call activity's task."""
    if task.parent is not None:
        return task.parent
    parent_id = getattr(task.workflow, "parent_task_id", None)
    return None if parent_id is None else task.workflow.top_workflow.get_task_from_id(parent_id)


def reminder_is_done(task: Any) -> bool:
    """A reminder whose chased step has finished (done, or moved past) has nothing to chase."""
    if not is_reminder(task):
        return False
    chased = chased_task(task)
    return chased is not None and chased.has_state(TaskState.FINISHED_MASK)


def property_of(task: Any, name: str) -> str | None:
    props = task.task_spec.extensions.get("properties", {})
    value = props.get(name)
    return None if value is None else str(value)
