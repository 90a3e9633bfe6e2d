"""`jtflow bench modeler`: the modeler's server work as a process owner meets it (issue 14):
checking a draft of the event lifecycle with the running cases' migration preview, and trying
it on the recorded inputs of closed cases. The bars: ≤ 3 s with 10,000 running cases, ≤ 60 s
for a trial on 1,000 closed cases.

The draft tightens 签收 from 1 working day to 4 hours, so every case waiting at 签收 has a
deadline that moves and some closed cases would have gone red. Running cases wait at 签收;
closed ones were signed for after 1 to 6 hours and archived.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import click
from sqlalchemy import select

from cli.bench import REPORT, _prepared
from engine.case_migration import preview_on_draft
from engine.config import Settings
from engine.definitions.deploy import collect_files, parse
from engine.definitions.drafts import check_draft
from engine.demo import actor_for, answer_for
from engine.draft_trial import closed_cases, prepare, totals, try_cases
from engine.models import Task
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
AFTER_TRANSFER = ("handle_reply", "leader_approve", "center_audit", "archive")


@click.command("modeler")
@click.option("--running", default=200, show_default=True, help="Running cases to preview.")
@click.option("--closed", default=50, show_default=True, help="Closed cases to try the draft on.")
@click.option("--database", default=None, help="SQLite file to use (default: a temporary one).")
def modeler(running: int, closed: int, database: str | None) -> None:
    """Time check-and-preview of a lifecycle draft and its trial on closed cases."""
    for line in run(running, closed, database):
        click.echo(line)


def run(running: int, closed: int, database: str | None) -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="jtflow-bench-modeler-"))
    url = f"sqlite:///{database or folder / 'bench.sqlite'}"
    jtflow = _prepared(url)
    started = time.perf_counter()
    for hours in range(closed):
        _closed_case(jtflow, 1 + hours % 6)
    for _ in range(running):
        _waiting_at_sign_for(jtflow)
    yield (
        f"cases made: {running} running, {closed} closed in "
        f"{time.perf_counter() - started:.0f} s; database: {url}"
    )
    files = collect_files(_draft(folder))

    started = time.perf_counter()
    problems = check_draft(files, LIFECYCLE, jtflow.forms)
    _, spec, dependencies = parse(files)
    report = preview_on_draft(jtflow, LIFECYCLE, spec, dependencies)
    seconds = time.perf_counter() - started
    assert not problems and not report.refused, (problems, report.refused, len(report.migrated))
    yield f"check and preview, {running} running cases: {seconds:.2f} s (bar: 3 s at 10,000)"

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


def _complete(jtflow: Jtflow, case_id: int, element: str) -> None:
    with jtflow.sessions() as session:
        task = session.scalars(
            select(Task).where(
                Task.instance_id == case_id, Task.element_id == element, Task.state == "open"
            )
        ).one()
    jtflow.complete(task.id, answer_for(element, task.unit_code), actor_for(task))


def _waiting_at_sign_for(jtflow: Jtflow) -> int:
    report = {**REPORT, "discovered_at": _clock(jtflow).now().isoformat()}  # nothing overdue
    case = jtflow.report_event(report, reporter="c_monitor")
    _complete(jtflow, case.case_id, "classify")
    return case.case_id


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
    for old, new in SIGN_FOR_IN_FOUR_HOURS:
        assert old in text, old
        text = text.replace(old, new)
    diagram.write_text(text, encoding="utf-8")
    return diagram
