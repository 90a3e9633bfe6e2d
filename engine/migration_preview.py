"""What a draft would mean for a process's running cases (issue 14's Check), for thousands.

Migrating a case depends on where it sits — its tasks, their elements, states and places in
the tree — and, for its deadlines, on its data. Cases that sit alike (the same version and
the same tree, read from the stored state by engine/run/stored_tree.py) migrate alike: the
first of them is loaded and migrated by SpiffWorkflow as a single preview does, and its
changed elements, or its refusal for elements the draft lacks, are the group's. Deadlines are
each case's own: migrating resets every waiting timer, which evaluates the draft's timer
expression on its parent task's data at the step's instant; here that is done on each case's
stored data, through the same timer definition and guarded evaluator, at the preview's one
instant. The first case's deadlines are computed both ways and must agree.

Whatever this cannot vouch for is previewed case by case, the slow way (`preview_each`): a
state not read with certainty; a group whose migration runs diagram code other than a timer
(a pre-script, data inputs, a multi-instance or call activity reset, a non-timer event) or
fails on its first case for any other reason than missing elements; a group whose two ways
disagree; a case whose evaluation fails. Nothing is written.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.specs.control import BoundaryEventJoin
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.manual_task import ManualTask
from SpiffWorkflow.bpmn.specs.mixins.none_task import NoneTask
from SpiffWorkflow.bpmn.specs.mixins.parallel_gateway import ParallelGateway
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from .case_migration import (
    Migration,
    MigrationReport,
    MissingElements,
    SpecDiffs,
    explained,
    migrate_tree,
    moved_deadlines,
)
from .errors import JtflowError
from .models import Definition, Instance
from .run.runner import all_tasks, watched_element
from .run.runtime import ENDED, Loaded
from .run.spiff import ClockedScriptEngine
from .run.step import case_step
from .run.stored_tree import StoredTree, read_tree
from .service import Jtflow
from .time.clock import parse_instant

_BATCH = 500  # states read from the database at a time
_OPEN = (TaskState.READY, TaskState.WAITING)  # what migrate_workflow resets


@dataclass(frozen=True)
class _Case:
    instance_id: int
    name: str  # its case number
    version: int
    definition_id: int


@dataclass(frozen=True)
class _Timer:
    """A waiting timer the migration resets: where it is in the tree, its new definition."""

    index: int
    spec: Any  # the draft's task spec
    element_id: str
    watches: str | None


@dataclass
class _Group:
    """What the cases sitting alike share: their refusal, or their changed elements and
    the timers whose deadlines each must compute; or neither (`alike` False)."""

    alike: bool
    refused: str | None = None
    changed: list[str] = field(default_factory=list)
    timers: list[_Timer] = field(default_factory=list)


def preview_on_draft(
    jtflow: Jtflow, process_id: str, spec: Any, dependencies: dict[str, Any]
) -> MigrationReport:
    """What a draft would mean for the process's running cases, had it been deployed and
    they migrated to it: each case's changed elements and moved deadlines, or why it could
    not move. The draft's spec is parsed by the caller and never stored; nothing is written."""
    return DraftPreview(jtflow, spec, dependencies).grouped(process_id).report


def preview_each(
    jtflow: Jtflow, process_id: str, spec: Any, dependencies: dict[str, Any]
) -> MigrationReport:
    """The same, each case loaded and migrated on its own: what the grouped preview must
    equal, and what it falls back on."""
    return DraftPreview(jtflow, spec, dependencies).each(process_id).report


def _running(jtflow: Jtflow, process_id: str) -> Iterator[tuple[_Case, bytes]]:
    """The process's running cases in case order, with their stored states. The states are
    read by id, a batch at a time: sorting the rows with their states would copy them all."""
    with jtflow.sessions() as session:
        cases = [
            _Case(instance_id, case_no or str(instance_id), version, definition_id)
            for instance_id, case_no, version, definition_id in session.execute(
                select(Instance.id, Instance.case_no, Definition.version, Instance.definition_id)
                .join(Definition, Definition.id == Instance.definition_id)
                .where(Definition.process_id == process_id, Instance.status.not_in(ENDED))
                .order_by(Instance.id)
            )
        ]
        for start in range(0, len(cases), _BATCH):
            batch = cases[start : start + _BATCH]
            rows = session.execute(
                select(Instance.id, Instance.state).where(
                    Instance.id.in_([case.instance_id for case in batch])
                )
            )
            states: dict[int, bytes] = {instance_id: state for instance_id, state in rows}
            for case in batch:
                state = states.get(case.instance_id)
                if state is not None:  # gone meanwhile: nothing to preview
                    yield case, state


class DraftPreview:
    """One preview of a draft: its report so far, and how many cases it loaded in full."""

    def __init__(self, jtflow: Jtflow, spec: Any, dependencies: dict[str, Any]):
        self.jtflow, self.spec, self.dependencies = jtflow, spec, dependencies
        self.runtime = jtflow.runtime
        self.restore = self.runtime.codec.registry.restore
        self.engine: ClockedScriptEngine = self.runtime.script_engine()
        self.diffs = SpecDiffs(self.runtime.codec.registry)
        self.groups: dict[tuple[Any, ...], _Group] = {}
        self.report = MigrationReport()
        self.loaded = 0  # cases deserialized and migrated, the slow way

    def grouped(self, process_id: str) -> DraftPreview:
        """Preview the process's running cases, group by group."""
        with self.runtime.step(), _no_cycle_collection():  # one instant for all deadlines
            for case, state in _running(self.jtflow, process_id):
                self.add(case, state)
        return self

    def each(self, process_id: str) -> DraftPreview:
        """Preview the process's running cases one by one, the slow way."""
        with self.runtime.step():
            for case, _ in _running(self.jtflow, process_id):
                self.one_by_one(case)
        return self

    def add(self, case: _Case, state: bytes) -> None:
        tree = read_tree(state)
        if tree is None:
            self.one_by_one(case)
            return
        key = (case.definition_id, tree.key)
        group = self.groups.get(key)
        if group is None:  # the first of its group: previewed in full, and vouched for
            group = self.groups[key] = self._first(case, tree)
            return
        if not group.alike:
            self.one_by_one(case)
        elif group.refused is not None:
            self.report.refused[case.name] = group.refused
        else:
            retimed = self._deadlines(tree, group.timers)
            if retimed is None:
                self.one_by_one(case)
            else:
                self.report.migrated.append(
                    Migration(case.name, case.version, None, list(group.changed), retimed)
                )

    def one_by_one(self, case: _Case) -> None:
        """Load and migrate the case on its own, as a dry run of migrate_case does."""
        try:
            migration, _ = self._loaded(case, lambda loaded: None)
        except JtflowError as e:
            self.report.refused[case.name] = str(e)
        else:
            self.report.migrated.append(migration)

    def _first(self, case: _Case, tree: StoredTree) -> _Group:
        """Preview the case in full; say what its group shares, when that can be trusted."""
        try:
            migration, group = self._loaded(case, lambda loaded: self._group_of(tree, loaded))
        except MissingElements as e:  # raised before anything of the case's data is read
            self.report.refused[case.name] = str(e)
            return _Group(alike=True, refused=str(e))
        except JtflowError as e:
            self.report.refused[case.name] = str(e)
            return _Group(alike=False)
        self.report.migrated.append(migration)
        assert group is not None
        if group.alike and self._deadlines(tree, group.timers) != migration.retimed:
            return _Group(alike=False)  # the two ways disagree: trust neither for the others
        group.changed = migration.changed
        return group

    def _loaded(
        self, case: _Case, inspect: Callable[[Loaded], _Group | None]
    ) -> tuple[Migration, _Group | None]:
        """The case previewed as a dry run of migrate_case; `inspect` sees it migrated."""
        runtime = self.runtime
        self.loaded += 1

        def act(loaded: Loaded) -> tuple[Migration, _Group | None]:
            changed = migrate_tree(self.diffs, loaded.workflow, self.spec, self.dependencies)
            migration = Migration(case.name, case.version, None, changed, moved_deadlines(loaded))
            return migration, inspect(loaded)

        with case_step(runtime, self.jtflow.sessions) as step, explained(case.name, None):
            instance = step.session.get(Instance, case.instance_id)
            assert instance is not None
            return step.run(instance, act, actor="system", preview=True).value

    def _group_of(self, tree: StoredTree, loaded: Loaded) -> _Group:
        """From the migrated first case: whether its migration ran no diagram code but its
        timers', and which timers the others must compute."""
        tasks = _tasks_by_id(loaded.workflow)
        reset = [  # a task dropped with a reset ancestor is not reset itself
            tasks[task_id]
            for index, task_id in enumerate(tree.ids)
            if tree.state_of(index) in _OPEN and task_id in tasks
        ]
        if not all(_resets_without_code(task.task_spec) for task in reset):
            return _Group(alike=False)
        timers = []
        for task_id in loaded.before.timers:  # the waiting timers, in moved_deadlines' order
            index = tree.ids.index(task_id.encode())
            task = tasks[tree.ids[index]]  # there: moved_deadlines has found it
            spec = task.task_spec
            timers.append(_Timer(index, spec, spec.bpmn_id, watched_element(task)))
        return _Group(alike=True, timers=timers)

    def _deadlines(self, tree: StoredTree, timers: Iterable[_Timer]) -> list[dict[str, Any]] | None:
        """The case's moved deadlines, as moved_deadlines says them; None when a timer could
        not be evaluated here (the case is then previewed on its own, failure and all)."""
        moved = []
        try:
            with self.runtime.budget():  # the case's diagram code, as in its own step
                for timer in timers:
                    was = tree.internal_of(timer.index)["event_value"]
                    parent = tree.parents[timer.index]
                    assert parent is not None
                    value = self._reset(timer.spec, tree.data_of(parent, self.restore))
                    if parse_instant(value) == parse_instant(was):
                        continue
                    moved.append(
                        {
                            "element_id": timer.element_id,
                            "watches": timer.watches,
                            "old_due_at": parse_instant(was).isoformat(),
                            "new_due_at": parse_instant(value).isoformat(),
                        }
                    )
        except Exception:  # noqa: BLE001 - any failure: the slow way says it exactly
            return None
        return moved

    def _reset(self, spec: Any, data: dict[str, Any]) -> Any:
        """The deadline a reset timer of `spec` computes on `data`: the timer definition's
        own has_fired, on a stand-in for the reset task."""
        task = _ResetTimer(self.engine, spec, data)
        spec.event_definition.has_fired(task)
        return task.internal_data["event_value"]


class _ResetTimer:
    """What a timer's has_fired reads of its task just after a reset: no internal data yet,
    and data equal to its parent's (which diagram expressions cannot change: they have no
    attribute access and no assignment)."""

    def __init__(self, engine: ClockedScriptEngine, spec: Any, data: dict[str, Any]):
        self.workflow = _Workflow(engine)
        self.task_spec, self.data = spec, data
        self.internal_data: dict[str, Any] = {}

    def _get_internal_data(self, name: str, default: Any = None) -> Any:
        return self.internal_data.get(name, default)

    def _set_internal_data(self, **kwargs: Any) -> None:
        self.internal_data.update(kwargs)


@dataclass(frozen=True)
class _Workflow:
    script_engine: ClockedScriptEngine


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Reading ten thousand trees makes millions of short-lived tuples, which reference
    counting frees; the cycle collector's passes over them, and over the growing report,
    took a sixth of the preview. It is paused for the preview and then resumes."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _tasks_by_id(wf: Any) -> dict[bytes, Any]:
    """Every task of the workflow and its subprocesses, by its id as the state writes it."""
    return {str(task.id).encode(): task for task in all_tasks(wf)}


def _resets_without_code(spec: Any) -> bool:
    """Whether resetting a task of this (new) spec runs no diagram code but a timer's: no
    pre-script, no data inputs, no loop or call; a timer event, or a task or join that only
    waits."""
    if getattr(spec, "prescript", None) or getattr(spec, "data_input_associations", None):
        return False
    io = getattr(spec, "io_specification", None)
    if io is not None and io.data_inputs:
        return False
    if isinstance(spec, CatchingEvent):
        definition = spec.event_definition
        return isinstance(definition, (TimeDateEventDefinition, DurationTimerEventDefinition))
    return isinstance(spec, (UserTask, ManualTask, NoneTask, ParallelGateway, BoundaryEventJoin))
