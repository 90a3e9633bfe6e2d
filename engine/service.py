"""jtflow's engine as one object: the operations the CLI and the web app call.

Each operation that changes a case is one step (engine/run/step.py): one transaction at one
instant. A step that fails leaves the instance as it was before the step and records the
failure, at the step's instant, in the case history, so a stalled instance is never silent
and nothing already saved is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from .data import data_checks, grants
from .definitions import deploy as deployment
from .definitions.forms import FormRegistry
from .errors import CaseArchived, Conflict, JtflowError, NotFound
from .knowledge_rows import hold_the_schedule, publish_when_accepted
from .models import Definition, HistoryEvent, Instance, Task, User
from .notify.writing import notify_step
from .people.access_rule import is_personal
from .people.users import get_user
from .people.visibility import find_case
from .record.attachments import bind as bind_attachments
from .record.attachments import take_files
from .record.cases import case_facts, case_number
from .run.cycle_fires import record_cycle_fires
from .run.guarded_evaluator import CodeBudget
from .run.history import GENESIS, HistoryWriter, case_history
from .run.rows import assign_task, complete_task
from .run.runtime import Loaded, Runtime, evaluate_property
from .run.step import CaseStep, case_step
from .run.tasks import OpenTask, fill_form_data, open_tasks_for, task_for_action
from .time import timers
from .time.calendar import WorkingCalendar
from .time.clock import Clock

LIFECYCLE = "event_lifecycle"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CaseRef:
    case_id: int
    case_no: str
    tasks: list[OpenTask]  # the tasks reporting it opened


class Jtflow:
    """The engine, bound to a database, a clock, a working-day calendar and the forms."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        clock: Clock,
        calendar: WorkingCalendar,
        forms: FormRegistry,
        timer_lease_seconds: float = timers.DEFAULT_LEASE_SECONDS,
        timer_batch: int = timers.DEFAULT_BATCH,
        code_budget: CodeBudget | None = None,
        live_workflows: int = 256,
    ):
        self.sessions = sessions
        self.clock = clock
        self.calendar = calendar  # also for the catalogue's 更新时限 (engine.data.overdue)
        self.runtime = Runtime(clock, calendar, live_workflows, budget=code_budget)
        # rows derived from where a case got to, written in the step that got it there
        self.runtime.on_write(grants.grant_when_granted)  # D6
        self.runtime.on_write(data_checks.settle_source_when_checked)  # D7
        self.runtime.on_write(notify_step)  # the bell: who is told what (issue 16)
        self.runtime.on_write(record_cycle_fires)  # a cycle timer's firing, in the chain
        self.runtime.on_write(publish_when_accepted)  # O2: an accepted submission's version
        self.runtime.on_write(hold_the_schedule)  # O2: one quarterly schedule at a time
        # the forms deployed in this database, as of the step's instant (or now, outside one)
        self.forms = forms.bound(sessions, self.runtime.clock)
        self.worker_id = timers.worker_id()  # owner of the timer leases this object takes
        self.timer_lease_seconds = timer_lease_seconds
        self.timer_batch = timer_batch

    # -- definitions -------------------------------------------------------------------

    def deploy(self, path: Path, actor: str = "system") -> tuple[Definition, bool]:
        return self.deploy_files(deployment.collect_files(path), actor)

    def deploy_files(
        self, files: list[deployment.DiagramFile], actor: str, note: str | None = None
    ) -> tuple[Definition, bool]:
        """Check and store the files as a new version (the same content: the existing one)."""
        with self.sessions() as session:
            definition, created = deployment.deploy(
                session,
                files,
                forms=self.forms,
                codec=self.runtime.codec,
                actor=actor,
                now=self.clock.now(),
                note=note,
            )
            session.commit()
            return definition, created

    # -- cases -------------------------------------------------------------------------

    def report_event(self, report: dict[str, Any], *, reporter: str) -> CaseRef:
        """报送: register an event and start its lifecycle; returns its case number."""
        with case_step(self.runtime, self.sessions) as step:
            user = get_user(step.session, reporter)
            facts = case_facts(self.forms, report, user)
            refused = "事件未能报送，未保存任何内容："
            return self._open_case(step, LIFECYCLE, facts, actor=reporter, refused=refused)

    def start_case(
        self,
        process_id: str,
        facts: dict[str, Any],
        *,
        starter: str,
        attachments: Sequence[int] = (),
    ) -> CaseRef:
        """Start a case of any deployed process with facts its own service already checked
        (a sharing request, a market application). The facts name the process and carry
        the case's title, channel and urgency; they are the case's first history event,
        so a replay starts the case again from them alone. `attachments` are the starter's
        uploads the facts describe: the case takes them in the same transaction."""
        facts = {**facts, "process": process_id}
        with case_step(self.runtime, self.sessions) as step:
            get_user(step.session, starter)  # an unknown starter is refused before anything
            refused = "案件未能开始，未保存任何内容："
            return self._open_case(
                step, process_id, facts, actor=starter, refused=refused, attachments=attachments
            )

    def _open_case(
        self,
        step: CaseStep,
        process_id: str,
        facts: dict[str, Any],
        *,
        actor: str,
        refused: str,
        attachments: Sequence[int] = (),
    ) -> CaseRef:
        session, now = step.session, step.now
        definition_id = deployment.latest_definition_id(session, process_id)
        if definition_id is None:
            raise NotFound(f"流程 {process_id} 尚未部署：请先运行 `jtflow init`")
        instance = Instance(
            definition_id=definition_id,
            status="running",
            state=b"",
            channel=facts["channel"],
            urgency=facts["urgency"],
            title=facts["title"],
            location=facts.get("location"),
            facts=facts,
            created_at=now,
            updated_at=now,
            history_seq=0,
            history_hash=GENESIS,
        )
        workflow = self.runtime.new_workflow(session, definition_id, facts)

        def inserted(loaded: Loaded) -> None:
            instance.case_no = case_number(instance.id, now, facts.get("process"))
            bind_attachments(session, attachments, instance.id, actor)
            loaded.history.append("case_reported", at=now, actor=actor, data=facts)

        opened = step.start(
            Loaded(instance, workflow, HistoryWriter(session, instance)),
            actor=actor,
            refused=refused,
            inserted=inserted,
        )
        assert instance.case_no is not None  # numbered once inserted
        return CaseRef(instance.id, instance.case_no, opened)

    def case(self, case: str | int) -> Instance:
        with self.sessions() as session:
            return find_case(session, case)

    def history(self, case: str | int) -> list[HistoryEvent]:
        with self.sessions() as session:
            return case_history(session, find_case(session, case).id)

    # -- tasks -------------------------------------------------------------------------

    def tasks_for(self, username: str) -> list[tuple[Task, Instance]]:
        with self.sessions() as session:
            return open_tasks_for(session, get_user(session, username))

    def task(self, task_id: int) -> Task:
        with self.sessions() as session:
            task = session.get(Task, task_id)
            if task is None:
                raise NotFound(f"任务 {task_id} 不存在")
            return task

    def claim(self, task_id: int, username: str) -> None:
        self._task_change(task_id, username, claim=True)

    def release(self, task_id: int, username: str) -> None:
        self._task_change(task_id, username, claim=False)

    def _task_change(self, task_id: int, username: str, *, claim: bool) -> None:
        with case_step(self.runtime, self.sessions) as step:
            session, now = step.session, step.now
            task, instance, _ = task_for_action(session, task_id, username)
            if not claim and task.assignee != username:
                raise Conflict(f"任务 {task_id} 未由 {username} 认领，无需释放")
            if not claim and is_personal(task):
                raise Conflict(f"任务 {task_id} 是交给 {username} 本人的，不能释放给他人（M1）")
            assign_task(task, username if claim else None)
            instance.updated_at = now  # bumps the version: claims race like completions
            history = HistoryWriter(session, instance)
            history.append(
                "task_claimed" if claim else "task_released",
                at=now,
                actor=username,
                element_id=task.element_id,
                data={"task_id": task.id},
            )
            session.flush()
            history.write()

    def complete(self, task_id: int, data: dict[str, Any], username: str) -> list[OpenTask]:
        """Complete a task with form data, checked against its form and the user's unit and role.
        A file field names one of the user's uploads: the case takes it, the history its hash.

        Returns the tasks this step opened."""
        with case_step(self.runtime, self.sessions) as step:
            now = step.now
            task, instance, _ = task_for_action(step.session, task_id, username)
            submitted = {**(task.defaults or {}), **data}
            self.forms.validate(task.form, submitted)
            schema = self.forms.schema(task.form)
            submitted = take_files(
                step.session, schema, submitted, by=username, instance_id=instance.id
            )
            filled = fill_form_data(schema, submitted)

            def act(loaded: Loaded) -> None:
                spiff_task = loaded.workflow.get_task_from_id(UUID(task.spiff_task_id))
                if spiff_task is None or spiff_task.state != TaskState.READY:
                    raise Conflict(f"任务 {task_id} 已不在待办状态，请刷新后重试")
                spiff_task.data.update(filled)
                spiff_task.run()
                loaded.completed.add(task.spiff_task_id)
                done = complete_task(task, username, now, submitted)
                loaded.done_rows.append(done)
                loaded.history.append(
                    "task_completed",
                    at=now,
                    actor=username,
                    element_id=task.element_id,
                    data={
                        "task_id": task.id,
                        "data": submitted,
                        "late_seconds": done["late_seconds"],
                    },
                )
                recorded = evaluate_property(loaded.workflow, spiff_task, "records")
                if recorded:  # what the diagram says this answer means, e.g. "returned" (E4, E10)
                    loaded.history.append(
                        str(recorded),
                        at=now,
                        actor=username,
                        element_id=task.element_id,
                        data={"task_id": task.id},
                    )
                granted = evaluate_property(loaded.workflow, spiff_task, "grant")
                if granted:  # a step that grants a resource mid-case (M3): with the step
                    grants.grant_in_step(step.session, loaded, dict(granted), by=username, now=now)

            attempt = {"attempt": "task_completed", "task_id": task.id, "data": submitted}
            return step.run(instance, act, actor=username, attempt=attempt).opened

    # -- timers ------------------------------------------------------------------------

    def fire_due_timers(self) -> int:
        """Claim the timers due by the clock's now, then fire them case by case in due order.

        Each case is one transaction. A case that raced another step (Conflict) gives its
        lease back and is retried on the next wake; the other cases go on. Returns how many
        timers fired."""
        fired = 0
        while True:
            with self.sessions() as session:
                claims = timers.claim_due(
                    session,
                    owner=self.worker_id,
                    now=self.clock.now(),
                    lease_seconds=self.timer_lease_seconds,
                    limit=self.timer_batch,
                )
                session.commit()
            batch_fired = sum(
                self._fire_case(id, group) for id, group in timers.by_instance(claims)
            )
            fired += batch_fired
            # a full batch means more may be due; a full batch that fired nothing is all
            # conflicts or failures, left to the next wake rather than retried in a loop
            if len(claims) < self.timer_batch or batch_fired == 0:
                return fired

    def _fire_case(self, instance_id: int, claims: list[timers.Claim]) -> int:
        owner = self.worker_id
        try:
            with case_step(self.runtime, self.sessions) as step:
                waiting = timers.waiting_of(step.session, instance_id)
                if not timers.still_mine(waiting, claims, owner):
                    return 0  # fired or taken over by another worker meanwhile
                instance = step.session.get(Instance, instance_id)
                assert instance is not None
                step.run(
                    instance,
                    lambda loaded: loaded.workflow.refresh_timers(),
                    actor="system",
                    attempt={"attempt": "timer_fired"},
                )
                # each firing is one event, a cycle timer's too (its row only moves on)
                assert step.loaded is not None
                return step.loaded.history.written.count("timer_fired")
        except CaseArchived:
            with self.sessions() as session:
                timers.cancel(session, claims)
                session.commit()
            return 0
        except Conflict as e:
            log.info(
                "timers of case %s raced another step, retried on the next wake: %s", instance_id, e
            )
            with self.sessions() as session:
                timers.release(session, claims, owner)
                session.commit()
            return 0
        except JtflowError as e:  # recorded in the case history; retried when the lease expires
            log.warning("timers of case %s did not fire: %s", instance_id, e)
            return 0

    def next_timer_due(self) -> datetime | None:
        """When this worker may next have a timer to fire: the earliest due waiting timer, or
        for a timer another worker holds a live lease on, the end of that lease."""
        with self.sessions() as session:
            return timers.next_claimable(session, owner=self.worker_id, now=self.clock.now())

    def users(self) -> list[User]:
        with self.sessions() as session:
            return list(session.scalars(select(User).order_by(User.unit_code, User.username)))
