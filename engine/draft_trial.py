"""Trying a draft on history (issue 14): the recorded inputs of closed cases re-run on the
draft, to say per case where it would have gone otherwise — a step that no longer comes, a
step that comes in addition, a deadline that moves, a light that would have turned red.

The cases run one after the other in a scratch database (engine/scratch_database.py)
with the draft in place of the version each was reported on, on today's calendar; nothing is
written to the real database but the trial's progress row. Between two recorded inputs the clock moves to the next input's instant and
the draft's timers fire as they come due, so a shorter deadline shows as a red light the
record never had. An input is matched to the draft's open task at the same element: a
recorded step the draft does not open ends that case's trial, saying so.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .definitions.deploy import DiagramFile, content_hash, parse
from .definitions.element_names import ElementName, element_names, parse_names
from .errors import JtflowError, NotFound
from .models import Definition, HistoryEvent, Instance, Task, Timer, TrialRun
from .record.divergence import element_text
from .replay import REPORT_FIELDS
from .run.runtime import ENDED
from .scratch_database import ScratchDatabase
from .service import Jtflow
from .time.clock import SHANGHAI, FakeClock

MAX_CASES = 5000
log = logging.getLogger(__name__)
HUMAN_INPUTS = ("task_claimed", "task_released", "task_completed")


@dataclass
class CaseTrial:
    """One closed case re-run on the draft."""

    case_no: str
    differences: list[str] = field(default_factory=list)  # sentences, in order
    turned_red: list[str] = field(default_factory=list)  # steps red on the draft, not before
    left_red: list[str] = field(default_factory=list)  # steps red before, not on the draft
    stopped: bool = False  # the draft could not take a recorded step

    @property
    def diverged(self) -> bool:
        return bool(self.differences)


@dataclass(frozen=True)
class Draft:
    """The draft as a definition the scratch database can hold, and its element names."""

    process_id: str
    files: list[DiagramFile]
    spec: bytes
    names: dict[str, ElementName]


def prepare(jtflow: Jtflow, files: list[DiagramFile]) -> Draft:
    process_id, spec, dependencies = parse(files)
    bpmn = next(f for f in files if not f.is_dmn)
    return Draft(
        process_id,
        files,
        jtflow.runtime.codec.dump_spec(spec, dependencies),
        parse_names(bpmn.content.decode("utf-8")),
    )


def closed_cases(session: Session, process_id: str, count: int) -> list[int]:
    """The process's `count` most recently closed cases, oldest first."""
    rows = session.scalars(
        select(Instance.id)
        .join(Definition, Definition.id == Instance.definition_id)
        .where(Definition.process_id == process_id, Instance.status.in_(ENDED))
        .order_by(Instance.ended_at.desc(), Instance.id.desc())
        .limit(max(0, min(count, MAX_CASES)))
    )
    return sorted(rows)


def start_trial(
    jtflow: Jtflow, process_id: str, author: str, files: list[DiagramFile], count: int
) -> int:
    """Record a trial of the draft on the last `count` closed cases; run it with run_trial."""
    with jtflow.sessions() as session:
        cases = closed_cases(session, process_id, count)
        trial = TrialRun(
            process_id=process_id,
            author=author,
            started_at=jtflow.clock.now(),
            total=len(cases),
            results=[],
        )
        session.add(trial)
        session.commit()
        return trial.id


def run_trial(jtflow: Jtflow, trial_id: int, files: list[DiagramFile]) -> None:
    """Try each case, saving progress after every one (the page polls it)."""
    with jtflow.sessions() as session:
        trial = _trial(session, trial_id)
        cases = closed_cases(session, trial.process_id, trial.total)
    results: list[dict[str, Any]] = []
    try:
        for tried in try_cases(jtflow, prepare(jtflow, files), cases):
            results.append(asdict(tried))
            _save(jtflow, trial_id, results)
    except Exception as e:  # it runs in the background: every failure is said on its row
        log.exception("trial %s of a draft stopped", trial_id)
        _save(jtflow, trial_id, results, error=f"试运行中断：{e}")
    else:
        _save(jtflow, trial_id, results, finished=True)


def try_case(source: Jtflow, draft: Draft, case_id: int) -> CaseTrial:
    (tried,) = try_cases(source, draft, [case_id])
    return tried


def try_cases(source: Jtflow, draft: Draft, case_ids: list[int]) -> Iterator[CaseTrial]:
    """Each case re-run on the draft, one after the other in one scratch database, on
    today's calendar: what the draft would do now to cases like these."""
    with source.sessions() as session:
        scratch = ScratchDatabase(session)
    try:
        clock = FakeClock(source.clock.now())
        target = scratch.jtflow(source, clock, source.runtime.functions.calendar)
        for case_id in case_ids:
            yield _try(source, scratch, target, draft, case_id)
    finally:
        scratch.close()


def _try(
    source: Jtflow, scratch: ScratchDatabase, target: Jtflow, draft: Draft, case_id: int
) -> CaseTrial:
    with source.sessions() as session:
        instance = session.get(Instance, case_id)
        assert instance is not None
        recorded = list(
            session.scalars(
                select(HistoryEvent)
                .where(HistoryEvent.instance_id == case_id)
                .order_by(HistoryEvent.seq)
            )
        )
        recorded_tasks = {
            t.id: t for t in session.scalars(select(Task).where(Task.instance_id == case_id))
        }
        first = session.get(Definition, recorded[0].definition_id)
        assert first is not None
        names = {**element_names(session, instance), **draft.names}
        stand_in = Definition(
            id=first.id,  # the draft in the place of the version the case was reported on
            process_id=draft.process_id,
            version=first.version,
            content_hash=content_hash(draft.files),
            files={f.name: f.content.decode("utf-8") for f in draft.files},
            spec=draft.spec,
            deployed_at=first.deployed_at,
            deployed_by=first.deployed_by,
        )
        scratch.add_case(session, instance, stand_in)
    return _rerun(target, instance.case_no or str(case_id), recorded, recorded_tasks, names)


def _rerun(
    target: Jtflow,
    case_no: str,
    recorded: list[HistoryEvent],
    recorded_tasks: dict[int, Task],
    names: dict[str, ElementName],
) -> CaseTrial:
    clock = target.clock
    trial = CaseTrial(case_no)

    def said(element_id: str) -> str:
        return element_text(names, element_id)

    case_id: int | None = None
    for event in recorded:
        if event.kind == "case_reported":
            clock.set(event.at)  # type: ignore[attr-defined]  # the scratch copy's FakeClock
            data = event.data or {}
            if "process" in data:
                case_id = target.start_case(data["process"], data, starter=event.actor).case_id
            else:
                case_id = target.report_event(
                    {k: data[k] for k in REPORT_FIELDS if k in data}, reporter=event.actor
                ).case_id
            continue
        if event.kind not in HUMAN_INPUTS or case_id is None:
            continue
        clock.set(event.at)  # type: ignore[attr-defined]
        target.fire_due_timers()
        was = recorded_tasks.get((event.data or {}).get("task_id", -1))
        if was is None:
            continue
        task_id = _open_task_at(target, case_id, was.element_id)
        if task_id is None:
            trial.differences.append(
                f"{_minute(event.at)}「{said(was.element_id)}」在草稿中不会出现"
                "（草稿走了另一条路线），此后的步骤无法比较"
            )
            trial.stopped = True
            break
        try:
            if event.kind == "task_claimed":
                target.claim(task_id, event.actor)
            elif event.kind == "task_released":
                target.release(task_id, event.actor)
            else:
                target.complete(task_id, (event.data or {}).get("data", {}), event.actor)
        except JtflowError as e:
            trial.differences.append(
                f"{_minute(event.at)}「{said(was.element_id)}」的办理在草稿中被拒绝：{e}"
            )
            trial.stopped = True
            break
    if case_id is not None and not trial.stopped:
        clock.set(recorded[-1].at)  # type: ignore[attr-defined]
        target.fire_due_timers()
    if case_id is not None:
        _compare(target, case_id, recorded, recorded_tasks, trial, said)
        _stop_timers(target, case_id)
    return trial


def _stop_timers(target: Jtflow, case_id: int) -> None:
    """The next case's clock must not fire this one's timers: it is done being compared."""
    with target.sessions() as session:
        session.execute(
            update(Timer)
            .where(Timer.instance_id == case_id, Timer.state == "waiting")
            .values(state="cancelled")
        )
        session.commit()


def _compare(
    target: Jtflow,
    case_id: int,
    recorded: list[HistoryEvent],
    recorded_tasks: dict[int, Task],
    trial: CaseTrial,
    said: Callable[[str], str],
) -> None:
    with target.sessions() as session:
        events = list(
            session.scalars(select(HistoryEvent).where(HistoryEvent.instance_id == case_id))
        )
        tasks = list(
            session.scalars(select(Task).where(Task.instance_id == case_id).order_by(Task.id))
        )
    red_before = _red(recorded)
    red_now = _red(events)
    trial.turned_red = sorted(said(e) for e in red_now - red_before)
    trial.left_red = sorted(said(e) for e in red_before - red_now)
    for step in trial.turned_red:
        trial.differences.append(f"「{step}」在草稿中会亮红灯（记录中没有）")
    for step in trial.left_red:
        trial.differences.append(f"「{step}」在草稿中不会亮红灯（记录中亮过）")
    before_steps = _first_due(recorded_tasks.values())
    now_steps = _first_due(tasks)
    for element in sorted(set(now_steps) - set(before_steps)):
        if not trial.stopped:
            trial.differences.append(f"草稿中会多出步骤「{said(element)}」")
    for element, due in sorted(now_steps.items()):
        was = before_steps.get(element)
        if element in before_steps and was != due:
            trial.differences.append(f"「{said(element)}」的时限由 {_when(was)} 变为 {_when(due)}")


def _red(events: list[HistoryEvent]) -> set[str]:
    return {
        e.element_id
        for e in events
        if e.kind == "light_changed" and (e.data or {}).get("light") == "red" and e.element_id
    }


def _first_due(tasks: Any) -> dict[str, datetime | None]:
    """Each step's deadline the first time it opened."""
    found: dict[str, datetime | None] = {}
    for task in sorted(tasks, key=lambda t: t.id):
        found.setdefault(task.element_id, task.due_at)
    return found


def _when(instant: datetime | None) -> str:
    return "无时限" if instant is None else _minute(instant)


def _minute(instant: datetime) -> str:
    """Xiamen time to the minute: an owner reads when, not a replay's exact instant."""
    return instant.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _open_task_at(target: Jtflow, case_id: int, element_id: str) -> int | None:
    with target.sessions() as session:
        return session.scalar(
            select(Task.id)
            .where(Task.instance_id == case_id, Task.element_id == element_id, Task.state == "open")
            .order_by(Task.id)
            .limit(1)
        )


def totals(results: list[dict[str, Any]]) -> dict[str, Any]:
    """How many cases the draft would have taken elsewhere, and red lights by step."""
    red: Counter[str] = Counter(step for r in results for step in r["turned_red"])
    return {
        "tried": len(results),
        "diverged": sum(1 for r in results if r["differences"]),
        "turned_red_by_step": dict(red.most_common()),
    }


def _trial(session: Session, trial_id: int) -> TrialRun:
    trial = session.get(TrialRun, trial_id)
    if trial is None:
        raise NotFound(f"试运行 {trial_id} 不存在")
    return trial


def _save(
    jtflow: Jtflow,
    trial_id: int,
    results: list[dict[str, Any]],
    *,
    finished: bool = False,
    error: str | None = None,
) -> None:
    with jtflow.sessions() as session:
        trial = _trial(session, trial_id)
        trial.results = list(results)
        trial.done = len(results)
        if finished or error:
            trial.finished_at = jtflow.clock.now()
            trial.error = error[:1000] if error else None
        session.commit()
