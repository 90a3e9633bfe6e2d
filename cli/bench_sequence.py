"""`jtflow bench --shape sequence`: the plain shape engine benchmarks use, through jtflow
(persisted, every step committed) against raw SpiffWorkflow, in instances per second.

The shape (cli/bench_sequence.bpmn): start → script → three user tasks → script → three
user tasks → end; no form data (its one form, deployed into the bench's database, has no
fields), no timers. The persisted side starts each instance with `Jtflow.start_case` and
completes each task with `Jtflow.complete`, the path a handler's steps take; the raw side
runs the same spec objects in memory with SpiffWorkflow's plain eval. Measured as
`jtflow bench` measures the lifecycle: per database and cache, in alternating rounds.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator, Sequence
from pathlib import Path

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from cli.bench import (
    CACHES,
    Side,
    _plain,
    _prepared,
    _rates,
    alternating,
    count_steps,
    opened,
)
from cli.bench_database import BenchDatabase, bench_database
from engine.definitions.deploy import latest_definition
from engine.definitions.form_drafts import deploy_form_draft, save_form_draft
from engine.run.spiff import ClockedScriptEngine
from engine.service import Jtflow

PROCESS = "bench_sequence"
DIAGRAM = Path(__file__).resolve().with_name("bench_sequence.bpmn")
FORM = "bench_step"  # a form without fields: the shape has no form data
FORM_SCHEMA = {"type": "object", "title": "基准测试步骤", "properties": {}}
FACTS = {"title": "基准测试：顺序流程", "channel": "bench", "urgency": "normal"}
PERSON = "c_12328"  # CENTER's 投诉受理岗 starts each instance and does its six tasks
USER_TASKS = 6
COUNTED = 4


def run(
    instances: int,
    databases: Sequence[str | None] = (None,),
    caches: Sequence[str] = CACHES,
    rounds: int = 5,
) -> Iterator[str]:
    yield (
        f"shape sequence: {instances} instances x {rounds} rounds (each start + script + "
        f"3 user tasks + script + 3 user tasks, every step committed)"
    )
    for target in databases:
        with bench_database(target) as database:
            yield f"database: {database.kind}, {database.where}"
            prepared = _prepared(database.url)
            deploy_sequence(prepared)
            prepared.sessions.kw["bind"].dispose()
            for cache in caches:
                yield from _configuration(database, cache, instances, rounds)


def deploy_sequence(jtflow: Jtflow) -> None:
    """The shape's empty form, then its diagram (which must pass the deploy checks)."""
    now = jtflow.clock.now()
    with jtflow.sessions() as session:
        if not jtflow.forms.has(FORM):
            save_form_draft(session, FORM, "owner", FORM_SCHEMA, now)
            deploy_form_draft(session, jtflow.forms, FORM, "owner", now, "bench")
            session.commit()
    jtflow.forms.forget_deployed()
    jtflow.deploy(DIAGRAM, "bench")


def _configuration(
    database: BenchDatabase, cache: str, instances: int, rounds: int
) -> Iterator[str]:
    jtflow = opened(database.url, cache)
    sides: dict[str, Side] = {
        "raw": lambda n: raw_sequences(jtflow, n),
        "persisted": lambda n: persisted_sequences(jtflow, n),
    }
    for side in sides.values():
        side(min(instances, COUNTED))  # warm imports, specs and the database's caches
    rates = alternating(sides, instances, rounds)
    raw, persisted = statistics.median(rates["raw"]), statistics.median(rates["persisted"])
    counted = count_steps(jtflow, lambda: persisted_sequences(jtflow, COUNTED), COUNTED)
    yield (
        f"shape=sequence db={database.kind} cache={cache} raw={raw:.1f}/s "
        f"persisted={persisted:.1f} instances/s ratio={persisted / raw:.2f} "
        f"{counted.line(persisted, raw)}"
    )
    yield "  instances/s by round: " + "; ".join(f"{k} {_rates(v)}" for k, v in rates.items())
    jtflow.sessions.kw["bind"].dispose()


def persisted_sequences(jtflow: Jtflow, n: int) -> int:
    """n instances through the engine; returns the steps taken (each start and completion)."""
    steps = 0
    for _ in range(n):
        opened_tasks = jtflow.start_case(PROCESS, dict(FACTS), starter=PERSON).tasks
        steps += 1
        while opened_tasks:
            opened_tasks = jtflow.complete(opened_tasks[0].id, {}, PERSON)
            steps += 1
    return steps


def raw_sequences(jtflow: Jtflow, n: int) -> int:
    """The same shape on the same spec objects, in memory: no database, no serialization."""
    runtime = jtflow.runtime
    with jtflow.sessions() as session:
        definition = latest_definition(session, PROCESS)
        assert definition is not None
        spec, subprocess_specs = runtime.spec_of(session, definition.id)
    engine = ClockedScriptEngine(
        runtime.clock, _plain(jtflow), runtime.functions.watching_provisional
    )
    facts = {**FACTS, "process": PROCESS}  # what start_case puts into a new workflow
    for _ in range(n):
        wf = BpmnWorkflow(spec, subprocess_specs, script_engine=engine)
        wf.get_tasks()[0].data.update(facts)
        wf.do_engine_steps()
        while not wf.completed:
            wf.get_tasks(state=TaskState.READY, manual=True)[0].run()
            wf.do_engine_steps()
    return n * (USER_TASKS + 1)
