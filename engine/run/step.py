"""The one step of a case (DESIGN.md "One transaction per step"): report, claim, release,
completion, timer firing, retiming and migration all change a case through `case_step`, and
this is the one place a case step commits.

Within the block the step has one instant and one session. `CaseStep.run` loads the case,
acts on its workflow and advances it, all diagram code under one budget before the first
write, then writes the state, rows and history. Leaving the block commits with the instance
row's version check: a stale writer gets a Conflict and nothing half-written; a workflow
failure is undone and, when the step names its attempt, recorded as `step_failed` at the
step's instant, so a replay can try it again (engine/replay.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from ..errors import Conflict, StalledInstance
from ..models import Instance
from .guarded_evaluator import DiagramCodeError
from .history import HistoryWriter
from .instance_row import insert_instance
from .runtime import Loaded, Runtime
from .tasks import OpenTask

CONFLICT = "该案件刚被他人更新，本次操作未保存：请刷新后重试"

# what a workflow step can fail with: SpiffWorkflow's errors and diagram code refused at run
# time (raised directly where SpiffWorkflow calls the environment without wrapping)
STEP_FAILURES = (SpiffWorkflowException, DiagramCodeError, RecursionError)

T = TypeVar("T")


@dataclass(frozen=True)
class Stepped(Generic[T]):
    """What a step handed back: what its act returned and the tasks it opened."""

    value: T
    opened: list[OpenTask] = field(default_factory=list)


@dataclass(frozen=True)
class _Attempt:
    instance_id: int
    actor: str
    input: dict[str, Any]  # what the step tried, recorded with its failure


class CaseStep:
    """One open step: its session and instant, and what its commit must do."""

    def __init__(self, runtime: Runtime, session: Session, now: datetime):
        self.runtime, self.session, self.now = runtime, session, now
        self.conflict = CONFLICT  # said when the commit meets a newer version of the case
        self.attempt: _Attempt | None = None
        self.loaded: Loaded | None = None  # handed back to the runtime after the commit

    def run(
        self,
        instance: Instance,
        act: Callable[[Loaded], T],
        *,
        actor: str,
        attempt: dict[str, Any] | None = None,
        conflict: str | None = None,
        preview: bool = False,
    ) -> Stepped[T]:
        """Load the case, `act` on it, advance it and write it (committed on leaving the block).

        `attempt` (the input, for a replay) makes a workflow failure a recorded `step_failed`;
        without it the failure is undone and raised as it is. An act that sets
        `loaded.changed = False` writes nothing and keeps the live workflow; a `preview`
        writes nothing and drops it."""
        if conflict is not None:
            self.conflict = conflict
        loaded = self.runtime.load(self.session, instance)  # an ended case is refused (E13)
        if attempt is not None:
            self.attempt = _Attempt(instance.id, actor, attempt)
        with self.runtime.budget():
            value = act(loaded)
            if preview:
                return Stepped(value)
            if not loaded.changed:
                self.loaded = loaded
                return Stepped(value)
            advanced = self.runtime.advance(loaded)  # all diagram code, before any write
        opened = self.runtime.write(self.session, loaded, advanced, actor)
        self.loaded = loaded
        return Stepped(value, opened)

    def start(
        self,
        loaded: Loaded,
        *,
        actor: str,
        refused: str,
        inserted: Callable[[Loaded], None],
    ) -> list[OpenTask]:
        """Advance a new case, then insert it (`inserted` runs once it has its id) and write it.

        A workflow failure saves nothing and is raised as StalledInstance after `refused`."""
        try:
            with self.runtime.budget():
                advanced = self.runtime.advance(loaded)  # before the first write
        except STEP_FAILURES as e:
            raise StalledInstance(f"{refused}{failure_reason(e)}") from e
        insert_instance(self.session, loaded.instance)
        inserted(loaded)
        opened = self.runtime.write(self.session, loaded, advanced, actor)
        self.loaded = loaded
        return opened


@contextmanager
def case_step(runtime: Runtime, sessions: sessionmaker[Session]) -> Iterator[CaseStep]:
    """One step of one case: one instant, one transaction, committed on leaving the block."""
    with runtime.step() as now, sessions() as session:
        step = CaseStep(runtime, session, now)
        failed: StalledInstance | None = None
        try:
            try:
                yield step
            except (StalledInstance, *STEP_FAILURES) as e:
                session.rollback()  # the step undone, its failure kept
                if step.attempt is None:
                    raise
                if isinstance(e, StalledInstance):
                    failed = e
                else:
                    message = f"流程步骤执行失败，本次操作未保存：{failure_reason(e)}"
                    failed = StalledInstance(message)
                    failed.__cause__ = e
                _record_failure(session, step.attempt, str(failed), now)
            session.commit()
        except (StaleDataError, IntegrityError):
            session.rollback()
            raise Conflict(step.conflict) from None
        except BaseException:
            session.rollback()
            raise
        if failed is not None:
            raise failed
        if step.loaded is not None:
            runtime.committed(step.loaded)


def _record_failure(session: Session, attempt: _Attempt, message: str, at: datetime) -> None:
    """`step_failed`, at the failed step's instant, with the input it tried."""
    instance = session.get(Instance, attempt.instance_id)
    assert instance is not None
    history = HistoryWriter(session, instance)
    history.append(
        "step_failed", at=at, actor=attempt.actor, data={"error": message, **attempt.input}
    )
    session.flush()
    history.write()


def failure_reason(error: BaseException) -> str:
    """Why a step failed, in words: the innermost cause SpiffWorkflow wrapped (a refusal of
    diagram code says what to do), with the element that met it."""
    element, cause = None, error
    while True:
        spec = getattr(cause, "task_spec", None)
        element = element or getattr(spec, "bpmn_id", None)
        inner = cause.__cause__ or cause.__context__
        if inner is None or isinstance(cause, DiagramCodeError):
            break
        cause = inner
    reason = (
        str(cause) if isinstance(cause, DiagramCodeError) else f"{type(cause).__name__}: {cause}"
    )
    return f"{element}：{reason}" if element else reason
