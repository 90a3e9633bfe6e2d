"""`jtflow bench modeler`: the modeler's server work as a process owner meets it (issue 14):
checking a draft of the event lifecycle with the running cases' migration preview, and trying
it on the recorded inputs of closed cases. The bars: ≤ 3 s with 10,000 running cases, ≤ 60 s
for a trial on 1,000 closed cases.

The draft tightens 签收 from 1 working day to 4 hours and turns 办理答复's light yellow at 70 %
of its time instead of 80 %, so cases waiting at either have deadlines that move and some
closed cases would have gone red. Running cases come in several urgencies and channels and
sit at different steps (签收, 办理答复 in a first or second round, 单位领导审核, 中心审核), each
with its own instants, as a real backlog does: the preview groups cases that sit alike, and
a bench whose cases all sat alike would flatter it. Closed ones were signed for after 1 to 6
hours and archived.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import click
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cli.bench import REPORT, START, _prepared
from engine.config import Settings, open_jtflow
from engine.definitions.deploy import collect_files, parse
from engine.definitions.drafts import check_draft
from engine.demo import actor_for, answer_for
from engine.draft_trial import closed_cases, prepare, totals, try_cases
from engine.migration_preview import preview_on_draft
from engine.models import Instance, Task
from engine.run.runtime import ENDED
from engine.service import LIFECYCLE, Jtflow
from engine.time.clock import FakeClock

SIGN_FOR_IN_FOUR_HOURS = (
    (
        "warn_at(transferred_at, add_working_days(transferred_at, 1))",
        "warn_at(transferred_at, add_hours(transferred_at, 4))",
    ),
    (
        "<bpmn:timeDate>add_working_days(transferred_at, 1)</bpmn:timeDate>",
        "<bpmn:timeDate>add_hours(transferred_at, 4)</bpmn:timeDate>",
    ),
)
HANDLE_REPLY_DUE = (
    "within(deadline(handle_from, feedback_rule), discovered_at, platform_rule, center_share)"
)
HANDLE_REPLY_YELLOW_AT_70 = (
    f"<bpmn:timeDate>warn_at(handle_from, {HANDLE_REPLY_DUE})</bpmn:timeDate>",
    f"<bpmn:timeDate>warn_at(handle_from, {HANDLE_REPLY_DUE}, 0.7)</bpmn:timeDate>",
)
AFTER_TRANSFER = ("handle_reply", "leader_approve", "center_audit", "archive")
# where running cases sit: (urgency, channel, the steps done after 分类转办); an urgent case
# also waits at 督办 and 电话报告, a returned one is in its second round of 办理答复
BACKLOG = (
    ("normal", "monitoring", ()),
    ("pressing", "hotline_12328", ()),
    ("urgent", "platform_12345", ()),
    ("normal", "hotline_12328", ("sign_for",)),
    ("pressing", "monitoring", ("sign_for",)),
    ("normal", "platform_12345", ("sign_for", "handle_reply")),
    ("pressing", "monitoring", ("sign_for", "handle_reply", "leader_approve")),
    ("normal", "monitoring", ("sign_for", "handle_reply", "leader_approve", "returned")),
)
REPORTERS = {"monitoring": "c_monitor", "hotline_12328": "c_12328", "platform_12345": "c_platform"}
RETURNED = {"accepted": False, "reason": "答复缺少处置情况", "basis": "E10 答复要素"}


@click.command("modeler")
@click.option("--running", default=200, show_default=True, help="Running cases to preview.")
@click.option("--closed", default=50, show_default=True, help="Closed cases to try the draft on.")
@click.option("--database", default=None, help="SQLite file to use (default: a temporary one).")
@click.option(
    "--reuse",
    is_flag=True,
    help="Time the --database made by an earlier run as it is, making no cases.",
)
def modeler(running: int, closed: int, database: str | None, reuse: bool) -> None:
    """Time check-and-preview of a lifecycle draft and its trial on closed cases."""
    if reuse and database is None:
        raise click.UsageError("--reuse needs --database")
    for line in run(running, closed, database, reuse=reuse):
        click.echo(line)


def run(running: int, closed: int, database: str | None, *, reuse: bool = False) -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="jtflow-bench-modeler-"))
    url = f"sqlite:///{database or folder / 'bench.sqlite'}"
    if reuse:
        jtflow = open_jtflow(Settings(database_url=url), FakeClock(START))
        with jtflow.sessions() as session:
            running = _count(session, running=True)
            closed = min(closed, _count(session, running=False))
            latest = session.scalar(select(func.max(Instance.updated_at)))
        if latest is not None:  # the clock goes on from the last step the cases took
            _clock(jtflow).set(latest.replace(tzinfo=UTC))
        yield f"cases reused: {running} running, {closed} closed; database: {url}"
    else:
        jtflow = _prepared(url)
        started = time.perf_counter()
        for hours in range(closed):
            _closed_case(jtflow, 1 + hours % 6)
        for number in range(running):
            _running_case(jtflow, number)
        yield (
            f"cases made: {running} running, {closed} closed in "
            f"{time.perf_counter() - started:.0f} s; database: {url}"
        )
    files = collect_files(_draft(folder))

    jtflow = open_jtflow(Settings(database_url=url), jtflow.clock)  # no case left in memory
    started, cpu = time.perf_counter(), time.process_time()
    problems = check_draft(files, LIFECYCLE, jtflow.forms)
    _, spec, dependencies = parse(files)
    report = preview_on_draft(jtflow, LIFECYCLE, spec, dependencies)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert not problems and not report.refused, (problems, report.refused, len(report.migrated))
    moved = sum(1 for migration in report.migrated if migration.retimed)
    yield (  # CPU seconds too: on a shared machine the wall clock also counts the waiting
        f"check and preview, {running} running cases: {seconds:.2f} s, CPU {cpu:.2f} s "
        f"(bar: 3 s at 10,000); {moved} with deadlines moved"
    )
    if closed == 0:
        shutil.rmtree(folder, ignore_errors=True)
        return

    started = time.perf_counter()
    draft = prepare(jtflow, files)
    with jtflow.sessions() as session:
        cases = closed_cases(session, LIFECYCLE, closed)
    results = [tried.__dict__ for tried in try_cases(jtflow, draft, cases)]
    seconds = time.perf_counter() - started
    summary = totals(results)
    yield (
        f"trial on {len(results)} closed cases: {seconds:.2f} s (bar: 60 s at 1,000); "
        f"diverged {summary['diverged']}, red by step {summary['turned_red_by_step']}"
    )
    shutil.rmtree(folder, ignore_errors=True)


def _clock(jtflow: Jtflow) -> FakeClock:
    clock = jtflow.clock
    assert isinstance(clock, FakeClock)
    return clock


def _complete(
    jtflow: Jtflow, case_id: int, element: str, answer: dict[str, Any] | None = None
) -> None:
    with jtflow.sessions() as session:
        task = session.scalars(
            select(Task).where(
                Task.instance_id == case_id, Task.element_id == element, Task.state == "open"
            )
        ).one()
    jtflow.complete(task.id, answer or answer_for(element, task.unit_code), actor_for(task))


def _waiting_at_sign_for(
    jtflow: Jtflow, urgency: str = "normal", channel: str = "monitoring"
) -> int:
    report = {
        **REPORT,
        "urgency": urgency,
        "channel": channel,
        "discovered_at": _clock(jtflow).now().isoformat(),  # nothing overdue
    }
    case = jtflow.report_event(report, reporter=REPORTERS[channel])
    _complete(jtflow, case.case_id, "classify")
    return case.case_id


def _running_case(jtflow: Jtflow, number: int) -> None:
    """One case of the backlog, at the step and with the data its number picks."""
    urgency, channel, done = BACKLOG[number % len(BACKLOG)]
    clock = _clock(jtflow)
    clock.advance(minutes=7 + number % 50)  # each case its own instants
    case_id = _waiting_at_sign_for(jtflow, urgency, channel)
    for element in done:
        clock.advance(minutes=20 + number % 90)
        if element == "returned":
            _complete(jtflow, case_id, "center_audit", RETURNED)
        else:
            _complete(jtflow, case_id, element)


def _count(session: Session, *, running: bool) -> int:
    ended = Instance.status.in_(ENDED)
    return session.scalar(select(func.count(Instance.id)).where(~ended if running else ended)) or 0


def _closed_case(jtflow: Jtflow, signed_after_hours: int) -> None:
    clock = _clock(jtflow)
    case_id = _waiting_at_sign_for(jtflow)
    clock.advance(hours=signed_after_hours)
    _complete(jtflow, case_id, "sign_for")
    for element in AFTER_TRANSFER:
        clock.advance(hours=1)
        _complete(jtflow, case_id, element)


def _draft(folder: Path) -> Path:
    processes = Settings().processes_dir
    target = folder / "draft"
    shutil.copytree(processes, target)
    diagram = target / f"{LIFECYCLE}.bpmn"
    text = diagram.read_text(encoding="utf-8")
    for old, new in (*SIGN_FOR_IN_FOUR_HOURS, HANDLE_REPLY_YELLOW_AT_70):
        assert old in text, old
        text = text.replace(old, new)
    diagram.write_text(text, encoding="utf-8")
    return diagram
