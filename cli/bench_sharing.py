"""`jtflow bench sharing`: sharing requests from start to grant through jtflow (persisted, on
SQLite or PostgreSQL, warm or cold) against raw SpiffWorkflow, measured as `jtflow bench`
measures the event lifecycle.

The path is the longest to a grant (D4, D5): a conditional request the provider refuses with
a reason → the center's review → the requester asks to negotiate → the provider declines →
局领导 coordinates and shares → the center files the outcome → granted, six user tasks as in
the lifecycle's benchmark. The persisted side goes through engine.sharing (the request's
checks against the catalogue entry, the grant written in the granting step); the raw side
runs the same spec objects in memory with SpiffWorkflow's plain eval. Rates are medians of
alternating rounds.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterator, Sequence
from typing import Any

import click
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from cli.bench import (
    DATABASE_HELP,
    START,
    Side,
    _plain,
    _prepared,
    _rates,
    alternating,
    chosen_caches,
    count_steps,
    opened,
)
from cli.bench_database import BenchDatabase, bench_database
from engine import sharing
from engine.config import Settings
from engine.definitions.deploy import latest_definition
from engine.demo import actor_for
from engine.models import Resource
from engine.run.spiff import ClockedScriptEngine
from engine.run.tasks import fill_form_data
from engine.service import Jtflow

REQUESTER = "highway_handler"
ANSWERS: dict[str, dict[str, Any]] = {  # the path: refused, negotiated in vain, coordinated
    "reply": {"agree": False, "reason": "涉及乘客个人信息。"},
    "center_review": {"review_opinion": "答复要素齐全，予以备案。"},
    "negotiate_request": {"pursue": True, "need": "线网优化。", "proposal": "线路级汇总。"},
    "negotiate_answer": {"agreed": False, "outcome": "未能达成一致。"},
    "coordinate": {"share": True, "coordination": "脱敏后共享。"},
    "file_outcome": {"filing_note": "已备案。"},
}
STEPS = len(ANSWERS)
_serial = itertools.count()  # each request a new scope: the same scope would be a duplicate


def run(
    requests: int,
    database: str | None,
    rounds: int = 5,
    caches: Sequence[str] = ("warm",),
) -> Iterator[str]:
    yield f"sharing requests: {requests} (each {STEPS} user tasks) x {rounds} rounds"
    with bench_database(database) as db:
        yield f"database: {db.kind}, {db.where}"
        prepared = _prepared(db.url)
        prepared.deploy(Settings(database_url=db.url).processes_dir / f"{sharing.PROCESS}.bpmn")
        resource_id = _resource(prepared)
        prepared.sessions.kw["bind"].dispose()
        for cache in caches:
            yield from _configuration(db, cache, resource_id, requests, rounds)


def _configuration(
    db: BenchDatabase, cache: str, resource_id: int, requests: int, rounds: int
) -> Iterator[str]:
    jtflow = opened(db.url, cache)
    sides: dict[str, Side] = {
        "raw": lambda n: _raw(jtflow, resource_id, n),
        "persisted": lambda n: _persisted(jtflow, resource_id, n),
    }
    for side in sides.values():
        side(5)  # warm caches and imports alike
    rates = alternating(sides, requests, rounds)
    raw, persisted = statistics.median(rates["raw"]), statistics.median(rates["persisted"])
    counted = count_steps(jtflow, lambda: _persisted(jtflow, resource_id, 4), 4)
    yield (
        f"process=sharing db={db.kind} cache={cache} raw={raw:.1f}/s "
        f"persisted={persisted:.1f}/s ratio={persisted / raw:.2f} {counted.line(persisted, raw)}"
    )
    yield "  requests/s by round: " + "; ".join(f"{k} {_rates(v)}" for k, v in rates.items())
    jtflow.sessions.kw["bind"].dispose()


def _resource(jtflow: Jtflow) -> int:
    with jtflow.sessions() as session:
        row = Resource(
            category="transit.arrival",
            name="公交车辆到站数据",
            provider_unit="BUS_GROUP",
            data_format="CSV",
            attribute="dynamic",
            update_period="realtime",
            share_type="conditional",
            share_scope="政务部门",
            share_modes=["download", "api"],
            source_system="公交智能调度系统",
            status="published",
            created_at=START,
            created_by="bench",
            updated_at=START,
            updated_by="bench",
        )
        session.add(row)
        session.commit()
        return row.id


def _form() -> dict[str, Any]:
    return {
        "purpose": "公交线网优化分析",
        "scope": f"思明区公交线路（第 {next(_serial)} 批）",
        "data_items": ["线路编号", "站点", "到站时间"],
        "service_mode": "download",
    }


def _persisted(jtflow: Jtflow, resource_id: int, n: int) -> int:
    """n requests start to grant through the engine; returns the steps taken."""
    steps = 0
    for _ in range(n):
        opened = sharing.request_sharing(jtflow, resource_id, _form(), requester=REQUESTER).tasks
        steps += 1
        while opened:
            task = opened[0]
            opened = jtflow.complete(task.id, ANSWERS[task.element_id], actor_for(task))
            steps += 1
    return steps


def _raw(jtflow: Jtflow, resource_id: int, n: int) -> None:
    """The same path on the same spec objects, in memory: no database, no serialization."""
    runtime = jtflow.runtime
    with jtflow.sessions() as session:
        definition = latest_definition(session, sharing.PROCESS)
        assert definition is not None
        spec, subprocess_specs = runtime.spec_of(session, definition.id)
    engine = ClockedScriptEngine(
        runtime.clock, _plain(jtflow), runtime.functions.watching_provisional
    )
    for _ in range(n):
        facts = {
            **_form(),
            "title": "共享申请：公交车辆到站数据",
            "channel": sharing.CHANNEL,
            "urgency": "normal",
            "kind": "request",
            "reporter": REQUESTER,
            "reporter_unit": "HIGHWAY_DEV",
            "grantee": "HIGHWAY_DEV",
            "resource_id": resource_id,
            "resource_name": "公交车辆到站数据",
            "provider_unit": "BUS_GROUP",
            "share_type": "conditional",
            "process": sharing.PROCESS,
        }
        wf = BpmnWorkflow(spec, subprocess_specs, script_engine=engine)
        wf.get_tasks()[0].data.update(facts)
        wf.do_engine_steps()
        while not wf.completed:
            task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
            element = task.task_spec.bpmn_id
            form = task.task_spec.extensions["properties"]["formJsonSchemaFilename"]
            schema = jtflow.forms.schema(form.removesuffix(".json"))
            task.data.update(fill_form_data(schema, ANSWERS[element]))
            task.run()
            wf.do_engine_steps()


@click.command("sharing")
@click.option("-n", "requests", default=150, show_default=True)
@click.option("--database", default=None, help=f"{DATABASE_HELP}.")
@click.option("--cache", "caches", default="warm,cold", show_default=True)
@click.option("--rounds", default=5, show_default=True)
def sharing_command(requests: int, database: str | None, caches: str, rounds: int) -> None:
    """N sharing requests start to grant persisted by jtflow vs raw SpiffWorkflow, one line
    per cache with the ratio and SQL per step."""
    for line in run(requests, database, rounds, chosen_caches(caches)):
        click.echo(line)
