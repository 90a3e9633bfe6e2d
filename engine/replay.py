"""Replaying a case (S2): its recorded inputs re-executed, checked against its recorded history.

The inputs of a case are what people and clocks did to it: the report, each claim,
release and completion with its data, each firing of due timers, each step the workflow
refused (with the input it refused), each calendar load and each migration to another
version — all at their recorded instants. Everything else in the history (tasks opened
and cancelled, lights changed, the end) is what the engine made of them. A replay runs the
inputs on the recorded definition versions, on a fake clock, in a scratch SQLite database,
and compares every event it produces with the stored one: the first difference is
reported with its step, and said in words (engine/record/divergence.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import orjson
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from .case_migration import migrate_case
from .definitions.element_names import element_names
from .errors import InvalidInput, JtflowError, StalledInstance
from .models import (
    Attachment,
    CalendarYear,
    Definition,
    HistoryEvent,
    Instance,
    Task,
    Timer,
)
from .people.visibility import find_case
from .record.divergence import Divergence
from .record.retention import remove_attachment, said_removed
from .retiming import recompute_provisional, use_calendar
from .scratch_database import ScratchDatabase, copy_definition
from .service import Jtflow
from .sharing import revoke_case_grant
from .time.calendar import WorkingCalendar
from .time.calendar_years import schedule_of
from .time.clock import FakeClock

INPUTS = (
    "case_reported",
    "task_claimed",
    "task_released",
    "task_completed",
    "timer_fired",
    "deadline_recomputed",  # an administrator loaded a calendar year (SPEC §2)
    "step_failed",  # a completion or a firing the workflow refused, tried again
    "migrated",  # a process owner moved the case to another version of its process
    "grant_revoked",  # a provider or the center revoked a sharing request's grant (D6)
    "attachment_removed",  # an administrator removed a file past its retention (O4)
)
_RANDOM_KEYS = ("spiff_task_id", "watch_id")  # SpiffWorkflow's task UUIDs differ from run to run


@dataclass(frozen=True)
class Replay:
    case_no: str
    events: int
    divergence: Divergence | None
    state: dict[str, Any] | None = None  # with `until`: the case as it stood at that step
    removed_files: tuple[str, ...] = ()  # said of files removed under retention (O4)


class ReplayUnsupported(JtflowError):
    """The history holds an event this replay cannot re-execute."""


def replay_case(source: Jtflow, case: str | int, until: int | None = None) -> Replay:
    """Re-execute the case's inputs and compare each produced event with the stored one.

    With `until` = k, stop once event k is reproduced and return the case as it stood after
    the engine step that recorded it: open tasks with owners and lights, waiting timers,
    status and the step's data (the state an auditor steps through)."""
    with source.sessions() as session:
        instance = find_case(session, case)
        recorded = list(
            session.scalars(
                select(HistoryEvent)
                .where(HistoryEvent.instance_id == instance.id)
                .order_by(HistoryEvent.seq)
            )
        )
        source_tasks = list(
            session.scalars(
                select(Task.id).where(Task.instance_id == instance.id).order_by(Task.id)
            )
        )
        for event in recorded:
            if event.kind == "step_failed" and "attempt" not in (event.data or {}):
                raise ReplayUnsupported(
                    f"案件 {instance.case_no} 第 {event.seq} 步是失败的步骤，"
                    "当时的版本未记录失败的输入，不能重放"
                )
        if until is not None and not 1 <= until <= len(recorded):
            raise InvalidInput(f"案件 {instance.case_no} 只有第 1 至 {len(recorded)} 步")
        versions = _versions_of(session, recorded)
        with scratch_copy(source, session, instance, versions[0]) as target:
            name = instance.case_no or str(instance.id)
            if until is None:
                result = _run(target, name, recorded, source_tasks, versions, whole=True)
            else:
                result = _run(target, name, recorded[:until], source_tasks, versions, whole=False)
        result = replace(result, removed_files=tuple(said_removed(session, instance.id)))
        if result.divergence is None:
            return result
        names = element_names(session, instance)  # to say the divergence in words
        return replace(result, divergence=replace(result.divergence, names=names))


def _run(
    target: Jtflow,
    case_no: str,
    recorded: list[HistoryEvent],
    source_tasks: list[int],
    versions: list[Definition],
    *,
    whole: bool,
) -> Replay:
    """`whole`: `recorded` is the entire history, so the replay must produce nothing more."""
    clock = target.clock
    assert isinstance(clock, FakeClock)
    case_id: int | None = None
    produced: list[HistoryEvent] = []
    task_ids: dict[int, int] = {}
    for position, stored in enumerate(recorded):
        if stored.kind in INPUTS and len(produced) <= position:
            clock.set(stored.at)
            try:
                case_id = _apply(target, stored, case_id, source_tasks, versions)
            except JtflowError as e:  # the recorded input no longer goes through
                refused = {"error": f"{type(e).__name__}: {e}"}
                expected = _comparable(stored, {})
                return Replay(case_no, position, Divergence(stored.seq, expected, refused))
            produced += _events_after(target, case_id, len(produced))
            task_ids = _task_map(target, case_id, source_tasks)
        replayed = produced[position] if position < len(produced) else None
        expected = _comparable(stored, {})
        got = None if replayed is None else _comparable(replayed, task_ids)
        if got != expected:
            return Replay(case_no, position, Divergence(stored.seq, expected, got))
    if whole and len(produced) > len(recorded):
        extra = _comparable(produced[len(recorded)], task_ids)
        return Replay(case_no, len(recorded), Divergence(len(recorded) + 1, {}, extra))
    state = _state(target, case_id, task_ids) if case_id is not None else None
    return Replay(case_no, len(recorded), None, state)


def _state(target: Jtflow, case_id: int, task_ids: dict[int, int]) -> dict[str, Any]:
    with target.sessions() as session:
        instance = session.get(Instance, case_id)
        assert instance is not None
        tasks = list(
            session.scalars(
                select(Task)
                .where(Task.instance_id == case_id, Task.state == "open")
                .order_by(Task.id)
            )
        )
        timers = list(
            session.scalars(
                select(Timer)
                .where(Timer.instance_id == case_id, Timer.state == "waiting")
                .order_by(Timer.due_at)
            )
        )
        workflow = target.runtime.codec.load(
            instance.state, target.runtime.spec_of(session, instance.definition_id)
        )
    ready = [t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.manual]
    data = (ready[0] if ready else workflow.last_task or workflow.task_tree).data
    return {
        "status": instance.status,
        "open_tasks": [
            {
                "task_id": task_ids.get(t.id),
                "element_id": t.element_id,
                "name": t.name,
                "unit": t.unit_code,
                "role": t.role,
                "assignee": t.assignee,
                "light": t.light,
                "due_at": _iso(t.due_at),
                "warn_at": _iso(t.warn_at),
                "provisional": t.provisional,
            }
            for t in tasks
        ],
        "waiting_timers": [
            {"element_id": t.element_id, "watches": t.watches, "due_at": _iso(t.due_at)}
            for t in timers
        ],
        "data": orjson.loads(orjson.dumps(data, default=str)),
    }


def _iso(instant: Any) -> str | None:
    return None if instant is None else instant.isoformat()


def _apply(
    target: Jtflow,
    stored: HistoryEvent,
    case_id: int | None,
    source: list[int],
    versions: list[Definition],
) -> int:
    data = stored.data or {}
    if stored.kind == "case_reported" and "process" in data:  # a case started from its facts
        return target.start_case(data["process"], data, starter=stored.actor).case_id
    if stored.kind == "case_reported":
        report = {k: data[k] for k in REPORT_FIELDS if k in data}
        return target.report_event(report, reporter=stored.actor).case_id
    assert case_id is not None, "a case's history starts with its report"
    kind = data["attempt"] if stored.kind == "step_failed" else stored.kind
    if kind == "timer_fired":
        target.fire_due_timers()  # a firing that fails again is recorded, not raised
        return case_id
    if stored.kind == "deadline_recomputed":
        _load_calendar_year(target, stored)
        return case_id
    if stored.kind == "grant_revoked":
        revoke_case_grant(target, case_id, data["reason"], actor=stored.actor)
        return case_id
    if stored.kind == "attachment_removed":
        _remove_attachment(target, stored)
        return case_id
    if stored.kind == "migrated":
        _add_definition(target, versions, data["to_definition"])
        migrate_case(target, case_id, to_version=data["to_version"], actor=stored.actor)
        return case_id
    task_id = _task_map(target, case_id, source, reverse=True)[data["task_id"]]
    if kind == "task_claimed":
        target.claim(task_id, stored.actor)
    elif kind == "task_released":
        target.release(task_id, stored.actor)
    else:
        try:
            target.complete(task_id, data["data"], stored.actor)
        except StalledInstance:  # recorded as step_failed, compared with the stored one
            if stored.kind != "step_failed":
                raise
    return case_id


def _remove_attachment(target: Jtflow, stored: HistoryEvent) -> None:
    """The removal again, on the scratch copy's row (no file there to delete)."""
    with target.sessions() as session:
        attachment = session.get(Attachment, stored.data["attachment_id"])
        assert attachment is not None, "the scratch copy holds the case's attachments"
        remove_attachment(session, attachment, stored.actor, stored.at, stored.data["reason"])
        session.commit()


REPORT_FIELDS = (
    "channel",
    "urgency",
    "title",
    "description",
    "location",
    "facility",
    "discovered_at",
)


def calendar_as_of(
    calendar: WorkingCalendar, loads: list[CalendarYear], instant: datetime
) -> WorkingCalendar:
    """The calendar in force at `instant`: a year an administrator loaded later is taken back
    to its previous load, or to not loaded at all (the package or a calendar file may know
    it; a file year overridden later by a load is not restored — the replay then reports
    the difference rather than hiding it)."""
    for year in {row.year for row in loads if row.loaded_at > instant}:
        earlier = [row for row in loads if row.year == year and row.loaded_at <= instant]
        calendar = calendar.without_year(year)
        if earlier:
            calendar = calendar.with_year(schedule_of(earlier[-1]))
    return calendar


def calendar_loads(session: Session) -> list[CalendarYear]:
    return list(session.scalars(select(CalendarYear).order_by(CalendarYear.id)))


def _load_calendar_year(target: Jtflow, stored: HistoryEvent) -> None:
    """Replay an administrator's load: the year as it was loaded then, and its recomputation."""
    data = stored.data or {}
    with target.sessions() as session:  # the scratch database holds a copy of the loads
        loads = [
            row
            for row in calendar_loads(session)
            if row.year == data.get("calendar_year") and row.loaded_at <= stored.at
        ]
    if not loads:
        raise ReplayUnsupported(f"找不到 {data.get('calendar_year')} 年日历的加载记录，无法重放")
    schedule = schedule_of(loads[-1])
    functions = target.runtime.functions
    use_calendar(functions, functions.calendar.with_year(schedule))
    recompute_provisional(target, schedule, actor=stored.actor)


def _events_after(target: Jtflow, case_id: int, seq: int) -> list[HistoryEvent]:
    with target.sessions() as session:
        return list(
            session.scalars(
                select(HistoryEvent)
                .where(HistoryEvent.instance_id == case_id, HistoryEvent.seq > seq)
                .order_by(HistoryEvent.seq)
            )
        )


def _task_map(
    target: Jtflow, case_id: int | None, source: list[int], reverse: bool = False
) -> dict[int, int]:
    """Task rows are created in the same order in both runs: replayed id ↔ recorded id."""
    if case_id is None:
        return {}
    with target.sessions() as session:
        replayed = list(
            session.scalars(select(Task.id).where(Task.instance_id == case_id).order_by(Task.id))
        )
    pairs = zip(replayed, source, strict=False)
    return {s: r for r, s in pairs} if reverse else dict(pairs)


def _comparable(event: HistoryEvent, task_ids: dict[int, int]) -> dict[str, Any]:
    """An event as it must replay: its instant, actor, kind, element and data, with the
    replay's task ids translated to the recorded ones and random UUIDs left out."""
    return {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "kind": event.kind,
        "element_id": event.element_id,
        "definition": event.definition_id,
        "data": _translated(event.data or {}, task_ids),
    }


def _translated(data: dict[str, Any], task_ids: dict[int, int]) -> dict[str, Any]:
    out = {k: v for k, v in data.items() if k not in _RANDOM_KEYS}
    if "task_id" in out and task_ids:
        out["task_id"] = task_ids.get(out["task_id"], out["task_id"])
    return out


def _versions_of(session: Session, recorded: list[HistoryEvent]) -> list[Definition]:
    """The definition versions the case ran on, the one it was reported on first."""
    ids = list(dict.fromkeys(e.definition_id for e in recorded))
    definitions = {
        d.id: d for d in session.scalars(select(Definition).where(Definition.id.in_(ids)))
    }
    return [definitions[id] for id in ids]


def _add_definition(target: Jtflow, versions: list[Definition], definition_id: int) -> None:
    """A version the case migrates to enters the scratch database when the replay gets there
    (before, a new report there would start on it)."""
    with target.sessions() as session:
        if session.get(Definition, definition_id) is None:
            session.add(copy_definition(next(d for d in versions if d.id == definition_id)))
            session.commit()


@contextmanager
def scratch_copy(
    source: Jtflow, session: Session, instance: Instance, reported_on: Definition
) -> Iterator[Jtflow]:
    """A scratch database for one case, on the calendar as it stood when it was reported."""
    scratch = ScratchDatabase(session)
    try:
        scratch.add_case(session, instance, reported_on)
        calendar = calendar_as_of(
            source.runtime.functions.calendar, calendar_loads(session), instance.created_at
        )
        yield scratch.jtflow(source, FakeClock(instance.created_at), calendar)
    finally:
        scratch.close()
