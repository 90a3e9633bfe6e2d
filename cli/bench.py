"""`jtflow bench`: full lifecycles through jtflow (persisted) against raw SpiffWorkflow.

Both sides use the same parsed spec, the same helpers and clock, and the same inputs:
report → 分类转办 → 签收 → 办理答复 → 单位领导审核 → 中心审核 → 归档. One lifecycle in four
reaches its yellow light: after the report the fake clock moves past 分类转办's warning
instant, and the timer fires before the case goes on — through the engine's timer path
(`Jtflow.fire_due_timers`, what the scheduler calls) on the persisted side, through
SpiffWorkflow's own `refresh_timers` on the raw side. Raw SpiffWorkflow evaluates diagram
code with its own plain eval (`--guard` adds a side that runs jtflow with that plain eval,
so the cost of the guarded evaluator is measured in the same run).

Each configuration (database × cache) is measured apart: warm keeps the runtime's live
workflows (the engine's default); cold keeps none, so every step loads the stored state,
as a second process, a restart or a cache miss does. Rates are timed without tracing, in
alternating rounds whose medians are compared (so a burst of machine noise hits one round,
not one side); SQL statements, round trips and commits per step are counted in a separate
pass, from SQLAlchemy's engine events.
"""

from __future__ import annotations

import gc
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

import click
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Engine

from cli.bench_database import BenchDatabase, bench_database, counting_sql
from engine.config import Settings, open_jtflow
from engine.db import migrate
from engine.definitions.deploy import latest_definition
from engine.demo import actor_for, add_demo_users, answer_for
from engine.people.reference import seed_organisations
from engine.run.runner import property_of
from engine.run.spiff import ClockedScriptEngine
from engine.run.tasks import OpenTask, fill_form_data
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
YELLOW_EVERY = 4  # one lifecycle in four reaches its yellow light
CACHES = ("warm", "cold")
COUNTED = YELLOW_EVERY  # lifecycles in the counting pass: one reaches its yellow light

# what a side does to n cases: the persisted side returns the steps it took
Side = Callable[[int], object]
DATABASE_HELP = (
    "sqlite (a temporary file, the default), a SQLite file, or postgresql://… (the bench "
    "makes a database of its own there and drops it)"
)


def chosen_caches(text: str) -> list[str]:
    """`--cache warm,cold` as a list, refused unless each is warm or cold."""
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    if not chosen or any(cache not in CACHES for cache in chosen):
        raise click.BadParameter(f"{text!r}: warm, cold or warm,cold", param_hint="--cache")
    return chosen


def run(
    lifecycles: int,
    databases: Sequence[str | None] = (None,),
    caches: Sequence[str] = CACHES,
    rounds: int = 5,
    guard: bool = False,
    memory: bool = False,
) -> Iterator[str]:
    yield (
        f"lifecycles: {lifecycles} x {rounds} rounds (each report + {STEPS} user tasks; "
        f"one in {YELLOW_EVERY} reaches its yellow light and fires its timer)"
    )
    for target in databases:
        with bench_database(target) as database:
            yield f"database: {database.kind}, {database.where}"
            _prepared(database.url).sessions.kw["bind"].dispose()
            for cache in caches:
                yield from _configuration(database, cache, lifecycles, rounds, guard, memory)


def _configuration(
    database: BenchDatabase, cache: str, lifecycles: int, rounds: int, guard: bool, memory: bool
) -> Iterator[str]:
    jtflow = opened(database.url, cache)
    yellow = yellow_instant(jtflow)
    sides: dict[str, Side] = {
        "raw": lambda n: raw_lifecycles(jtflow, n, yellow),
        "persisted": lambda n: persisted_lifecycles(jtflow, n, yellow),
    }
    plain = None
    if guard:
        plain = opened(database.url, cache)
        plain.runtime.environment = _plain(plain)
        sides["plain"] = lambda n: persisted_lifecycles(plain, n, yellow)
    for side in sides.values():
        side(min(lifecycles, YELLOW_EVERY))  # warm imports, specs and the database's caches
    rates = alternating(sides, lifecycles, rounds)
    raw, persisted = statistics.median(rates["raw"]), statistics.median(rates["persisted"])
    counted = count_steps(jtflow, lambda: persisted_lifecycles(jtflow, COUNTED, yellow))
    line = (
        f"db={database.kind} cache={cache} raw={raw:.1f}/s persisted={persisted:.1f}/s "
        f"ratio={persisted / raw:.2f} {counted.line(persisted, raw)}"
    )
    if plain is not None:
        plain_rate = statistics.median(rates["plain"])
        line += f" plain={plain_rate:.1f}/s guard={100 * (1 - persisted / plain_rate):.1f}%"
    yield line
    yield "  lifecycles/s by round: " + "; ".join(f"{k} {_rates(v)}" for k, v in rates.items())
    if memory:
        traced = min(lifecycles, 50)
        yield (
            f"  peak traced memory over {traced} lifecycles: "
            f"raw {_peak_mib(sides['raw'], traced):.1f} MiB, "
            f"persisted {_peak_mib(sides['persisted'], traced):.1f} MiB; "
            f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
        )
    for engine in (jtflow, plain):
        if engine is not None:
            engine.sessions.kw["bind"].dispose()


def alternating(sides: dict[str, Side], n: int, rounds: int) -> dict[str, list[float]]:
    """Each side's rate (cases/s) in each round, the sides taking turns within a round."""
    rates: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(rounds):
        for name, side in sides.items():
            rates[name].append(n / _timed(side, n))
    return rates


@dataclass(frozen=True)
class Counted:
    """What the persisted side sent to the database over a counting pass."""

    steps: int
    cases: int
    statements: int
    round_trips: int
    commits: int
    loads: int | None  # stored states deserialized (None: the codec could not be watched)

    def line(self, persisted_rate: float, raw_rate: float) -> str:
        steps_per_case = self.steps / self.cases
        per_step = (1 / persisted_rate - 1 / raw_rate) / steps_per_case * 1000
        loads = "?" if self.loads is None else f"{self.loads / self.steps:.2f}"
        return (
            f"persistence/step={per_step:.1f}ms "
            f"statements/step={self.statements / self.steps:.1f} "
            f"round-trips/step={self.round_trips / self.steps:.1f} "
            f"commits/step={self.commits / self.steps:.2f} loads/step={loads}"
        )


def count_steps(jtflow: Jtflow, work: Callable[[], int], cases: int = COUNTED) -> Counted:
    """Run `work` on `cases` cases (it returns the steps it took), counting its SQL and the
    stored states it loaded."""
    engine: Engine = jtflow.sessions.kw["bind"]
    with counting_sql(engine) as sql, counting_loads(jtflow) as loads:
        steps = work()
    return Counted(steps, cases, sql.statements, sql.round_trips, sql.commits, loads())


@contextmanager
def counting_loads(jtflow: Jtflow) -> Iterator[Callable[[], int | None]]:
    """Count the stored workflow states the runtime deserializes (a cold step loads one)."""
    codec = getattr(jtflow.runtime, "codec", None)
    original = getattr(codec, "load", None)
    if codec is None or original is None:
        yield lambda: None
        return
    calls = [0]

    def load(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(*args, **kwargs)

    setattr(codec, "load", load)  # noqa: B010 - an instance attribute over the method
    try:
        yield lambda: calls[0]
    finally:
        delattr(codec, "load")


def _rates(rates: list[float]) -> str:
    return " ".join(f"{r:.1f}" for r in rates)


def _prepared(url: str) -> Jtflow:
    """The bench's database migrated and seeded, the lifecycle deployed, the demo users in."""
    settings = Settings(database_url=url)
    jtflow = open_jtflow(settings, FakeClock(START))
    migrate(jtflow.sessions.kw["bind"])
    with jtflow.sessions() as session:
        seed_organisations(session)
        session.commit()
    jtflow.deploy(settings.processes_dir / f"{LIFECYCLE}.bpmn", "bench")
    add_demo_users(jtflow)
    return jtflow


def opened(url: str, cache: str) -> Jtflow:
    """An engine on a prepared database, on a fake clock standing at START, warm (the
    engine's default cache of live workflows) or cold (none kept: every step loads and
    deserializes the stored state)."""
    if cache not in CACHES:
        raise ValueError(f"cache {cache!r}: expected warm or cold")
    live = Settings().live_workflows if cache == "warm" else 0
    return open_jtflow(Settings(database_url=url, live_workflows=live), FakeClock(START))


def yellow_instant(jtflow: Jtflow) -> datetime:
    """Between 分类转办's warning and its deadline, for a case reported at START: the instant
    a lifecycle that reaches its yellow light moves the clock to. Read from one real case."""
    clock = _fake(jtflow)
    clock.set(START)
    first = jtflow.report_event(dict(REPORT), reporter="c_monitor").tasks[0]
    task = jtflow.task(first.id)
    assert task.warn_at is not None and task.due_at is not None
    opened = [first]
    while opened:  # finish it, so no timer of it is left waiting
        opened = _complete(jtflow, opened[0])
    return task.warn_at + (task.due_at - task.warn_at) / 2


def _fake(jtflow: Jtflow) -> FakeClock:
    clock = jtflow.clock
    assert isinstance(clock, FakeClock), "the bench moves the clock: open it on a FakeClock"
    return clock


def persisted_lifecycles(
    jtflow: Jtflow,
    n: int,
    yellow: datetime,
    attempt: Callable[[Callable[[], Any]], Any] | None = None,
) -> int:
    """n lifecycles through the engine, each step committed; returns the steps taken (report,
    user tasks and timer firings). `attempt` runs each step (the throughput bench retries a
    step that met a Conflict)."""
    clock = _fake(jtflow)
    once = attempt or (lambda step: step())
    steps = 0
    for number in range(n):
        clock.set(START)
        opened = once(lambda: jtflow.report_event(dict(REPORT), reporter="c_monitor")).tasks
        steps += 1
        if number % YELLOW_EVERY == 0:
            clock.set(yellow)
            steps += jtflow.fire_due_timers()  # as the scheduler's tick does
        while opened:
            opened = once(partial(_complete, jtflow, opened[0]))
            steps += 1
    clock.set(START)
    return steps


def _complete(jtflow: Jtflow, task: OpenTask) -> list[OpenTask]:
    """The demo answer to the task, by the demo user who holds its unit and role."""
    return jtflow.complete(task.id, answer_for(task.element_id, task.unit_code), actor_for(task))


class _PlainEnvironment(TaskDataEnvironment):
    """SpiffWorkflow's own evaluator (plain eval/exec, no checks, no budget): what the
    guarded evaluator is measured against."""

    @contextmanager
    def step_budget(self) -> Iterator[None]:
        yield


def _plain(jtflow: Jtflow) -> _PlainEnvironment:
    return _PlainEnvironment(jtflow.runtime.functions.published())


def raw_lifecycles(jtflow: Jtflow, n: int, yellow: datetime) -> int:
    """The same path on the same spec objects, in memory: no database, no serialization.
    Returns the timers that fired (one per lifecycle that reached its yellow light)."""
    runtime, clock = jtflow.runtime, _fake(jtflow)
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
    fired = 0
    for number in range(n):
        clock.set(START)
        wf = BpmnWorkflow(spec, subprocess_specs, script_engine=engine)
        wf.get_tasks()[0].data.update(facts)
        wf.do_engine_steps()
        if number % YELLOW_EVERY == 0:
            clock.set(yellow)
            wf.refresh_timers()
            wf.do_engine_steps()
            fired += sum(_is_timer(t) for t in wf.get_tasks(state=TaskState.COMPLETED))
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
    clock.set(START)
    return fired


def _is_timer(task: Any) -> bool:
    return isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition)


def _timed(side: Side, n: int) -> float:
    gc.collect()
    started = time.perf_counter()
    side(n)
    return time.perf_counter() - started


def _peak_mib(side: Side, n: int) -> float:
    gc.collect()
    tracemalloc.start()
    side(n)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20
