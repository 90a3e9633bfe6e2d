"""`jtflow bench sharing`: sharing requests from start to grant through jtflow (persisted to
SQLite) against raw SpiffWorkflow, measured as `jtflow bench` measures the event lifecycle.

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
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from cli.bench import START, _plain, _prepared, _rates, _timed, overhead_line
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


def run(requests: int, database: str | None, rounds: int = 5) -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="jtflow-bench-sharing-"))
    url = f"sqlite:///{database or folder / 'bench.sqlite'}"
    jtflow = _prepared(url)
    jtflow.deploy(Settings(database_url=url).processes_dir / f"{sharing.PROCESS}.bpmn", "bench")
    resource_id = _resource(jtflow)
    yield f"sharing requests: {requests} (each {STEPS} user tasks) x {rounds} rounds, database: {url}"
    _persisted(jtflow, resource_id, 5)  # warm caches and imports alike
    _raw(jtflow, resource_id, 5)
    raw, persisted = [], []
    for _ in range(rounds):
        raw.append(requests / _timed(lambda j, n: _raw(j, resource_id, n), jtflow, requests))
        persisted.append(
            requests / _timed(lambda j, n: _persisted(j, resource_id, n), jtflow, requests)
        )
    raw_rate, persisted_rate = statistics.median(raw), statistics.median(persisted)
    yield f"raw SpiffWorkflow (in memory): {raw_rate:.1f} requests/s (median; {_rates(raw)})"
    yield (
        f"jtflow (persisted to SQLite, grant written): {persisted_rate:.1f} requests/s "
        f"(median; {_rates(persisted)})"
    )
    yield overhead_line(persisted_rate, raw_rate, STEPS + 1)  # the request is a step too
    yield f"ratio: {persisted_rate / raw_rate:.2f}"


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


def _persisted(jtflow: Jtflow, resource_id: int, n: int) -> None:
    for _ in range(n):
        opened = sharing.request_sharing(jtflow, resource_id, _form(), requester=REQUESTER).tasks
        while opened:
            task = opened[0]
            opened = jtflow.complete(task.id, ANSWERS[task.element_id], actor_for(task))


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
@click.option("-n", "requests", default=300, show_default=True)
@click.option("--database", default=None, help="SQLite file to use (default: a temporary one).")
def sharing_command(requests: int, database: str | None) -> None:
    """N sharing requests start to grant persisted to SQLite vs raw SpiffWorkflow; the ratio."""
    for line in run(requests, database):
        click.echo(line)
