"""`jtflow bench`: full lifecycles through jtflow (persisted to SQLite) against raw SpiffWorkflow.

Both runs use the same parsed spec, the same helpers and clock, and the same
inputs: report → 分类转办 → 签收 → 办理答复 → 单位领导审核 → 中心审核 → 归档.
Raw SpiffWorkflow evaluates diagram code with its own plain eval; a third side runs jtflow
with that plain eval too, so the cost of the guarded evaluator is measured in the same run.
Rates are timed without tracing, in alternating rounds whose medians are compared (so a
burst of machine noise hits one round, not one side); peak memory comes from a separate
traced pass.
"""

from __future__ import annotations

import gc
import resource
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment
from SpiffWorkflow.util.task import TaskState

from engine.config import Settings, open_jtflow
from engine.db import migrate
from engine.definitions.deploy import latest_definition
from engine.demo import actor_for, add_demo_users, answer_for
from engine.people.reference import seed_organisations
from engine.run.runner import property_of
from engine.run.spiff import ClockedScriptEngine
from engine.run.tasks import fill_form_data
from engine.service import LIFECYCLE, Jtflow
from engine.time.clock import SHANGHAI, FakeClock

START = datetime(2026, 9, 28, 9, 0, tzinfo=SHANGHAI)
REPORT = {
    "channel": "monitoring",
    "urgency": "normal",
    "title": "候车亭顶棚漏水",
    "description": "视频巡查发现候车亭顶棚破损漏水。",
    "location": "火车站公交场站",
    "facility": {"type": "bus_station", "name": "火车站公交场站"},
    "discovered_at": START.isoformat(),
}
STEPS = 6  # user tasks in one lifecycle on this path


def run(lifecycles: int, database: str | None, rounds: int = 5) -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="jtflow-bench-"))
    url = f"sqlite:///{database or folder / 'bench.sqlite'}"
    jtflow = _prepared(url)
    yield (f"lifecycles: {lifecycles} (each {STEPS} user tasks) x {rounds} rounds, database: {url}")
    unguarded = open_jtflow(Settings(database_url=url), jtflow.clock)
    unguarded.runtime.environment = _plain(unguarded)
    _persisted(jtflow, 5)  # warm caches and imports alike
    _persisted(unguarded, 5)
    _raw(jtflow, 5)
    raw, persisted, plain = [], [], []
    for _ in range(rounds):
        raw.append(lifecycles / _timed(_raw, jtflow, lifecycles))
        persisted.append(lifecycles / _timed(_persisted, jtflow, lifecycles))
        plain.append(lifecycles / _timed(_persisted, unguarded, lifecycles))
    raw_rate, persisted_rate = statistics.median(raw), statistics.median(persisted)
    plain_rate = statistics.median(plain)
    yield f"raw SpiffWorkflow (in memory): {raw_rate:.1f} lifecycles/s (median; {_rates(raw)})"
    yield (
        f"jtflow (persisted to SQLite): {persisted_rate:.1f} lifecycles/s "
        f"(median; {_rates(persisted)})"
    )
    yield (
        f"jtflow with SpiffWorkflow's plain eval instead of the guarded evaluator: "
        f"{plain_rate:.1f} lifecycles/s (median; {_rates(plain)}); "
        f"the guard costs {100 * (1 - persisted_rate / plain_rate):.1f} %"
    )
    traced = min(lifecycles, 50)
    yield (
        f"peak traced memory over {traced} lifecycles: "
        f"raw {_peak_mib(_raw, jtflow, traced):.1f} MiB, "
        f"persisted {_peak_mib(_persisted, jtflow, traced):.1f} MiB; "
        f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    yield overhead_line(persisted_rate, raw_rate, STEPS + 1)  # the report is a step too
    yield f"ratio: {persisted_rate / raw_rate:.2f}"


def overhead_line(persisted_rate: float, raw_rate: float, steps: int) -> str:
    """What persisting costs per step, in time: the ratio alone depends on how much work
    SpiffWorkflow does per step, which differs from process to process."""
    per_step = (1 / persisted_rate - 1 / raw_rate) / steps * 1000
    return f"persistence per step: {per_step:.1f} ms (persisted minus raw, over {steps} steps)"


def _rates(rates: list[float]) -> str:
    return "rounds " + " ".join(f"{r:.1f}" for r in rates)


def _prepared(url: str) -> Jtflow:
    settings = Settings(database_url=url)
    jtflow = open_jtflow(settings, FakeClock(START))
    migrate(jtflow.sessions.kw["bind"])
    with jtflow.sessions() as session:
        seed_organisations(session)
        session.commit()
    jtflow.deploy(settings.processes_dir / f"{LIFECYCLE}.bpmn", "bench")
    add_demo_users(jtflow)
    return jtflow


def _timed(fn: Any, jtflow: Jtflow, n: int) -> float:
    gc.collect()
    started = time.perf_counter()
    fn(jtflow, n)
    return time.perf_counter() - started


def _peak_mib(fn: Any, jtflow: Jtflow, n: int) -> float:
    gc.collect()
    tracemalloc.start()
    fn(jtflow, n)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def _persisted(jtflow: Jtflow, n: int) -> None:
    for _ in range(n):
        opened = jtflow.report_event(dict(REPORT), reporter="c_monitor").tasks
        for _ in range(STEPS):
            task = opened[0]
            opened = jtflow.complete(
                task.id, answer_for(task.element_id, task.unit_code), actor_for(task)
            )


class _PlainEnvironment(TaskDataEnvironment):
    """SpiffWorkflow's own evaluator (plain eval/exec, no checks, no budget): what the
    guarded evaluator is measured against."""

    @contextmanager
    def step_budget(self) -> Iterator[None]:
        yield


def _plain(jtflow: Jtflow) -> _PlainEnvironment:
    return _PlainEnvironment(jtflow.runtime.functions.published())


def _raw(jtflow: Jtflow, n: int) -> None:
    """The same path on the same spec objects, in memory: no database, no serialization."""
    runtime = jtflow.runtime
    with jtflow.sessions() as session:
        definition = latest_definition(session, LIFECYCLE)
        assert definition is not None
        spec, subprocess_specs = runtime.spec_of(session, definition.id)
    facts = {
        **REPORT,
        "discovered_at": "2026-09-28T01:00:00+00:00",
        "facility_type": "bus_station",
        "facility_name": "火车站公交场站",
        "reporter": "c_monitor",
        "reporter_unit": "CENTER",
    }
    # SpiffWorkflow's own evaluator, so the ratio includes what the guarded evaluator costs
    engine = ClockedScriptEngine(
        runtime.clock, _plain(jtflow), runtime.functions.watching_provisional
    )
    for _ in range(n):
        wf = BpmnWorkflow(spec, subprocess_specs, script_engine=engine)
        wf.get_tasks()[0].data.update(facts)
        wf.do_engine_steps()
        while not wf.completed:
            task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
            defaults = property_of(task, "form_defaults")
            answer = answer_for(task.task_spec.bpmn_id, "")
            if defaults:
                answer = {**wf.script_engine.evaluate(task, defaults[1:]), **answer}
            form = (property_of(task, "formJsonSchemaFilename") or "").removesuffix(".json")
            task.data.update(fill_form_data(jtflow.forms.schema(form), answer))
            task.run()
            wf.do_engine_steps()
