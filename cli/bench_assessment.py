"""`jtflow bench assessment`: server time of `GET /api/assessment` (and the page) for one
year with 100,000 cases and their history, on SQLite.

How the load is made (it decides what the figures mean):

- **Template cases**: `SEED_CASES` real cases played through the engine on a fake clock from
  Monday 2025-01-06: six channels, four urgencies and facility types that route to every
  handling unit; each is signed for and answered after a random 0.5–30 hours (so some
  turn yellow and red and are pressed, urgent ones overseen), about one in five replies is
  returned by the center once or twice, and every seventh case stops at a random step, so
  it stays open; the others run to the end, archived by the center. Due timers fire as the
  clock moves.
- **Copies**: the templates are copied (instance, task, timer and history rows under new
  ids, every instant moved by a whole number of days, the history chain rehashed) until the
  database holds `--cases` cases, spread evenly over 2025. The copies leave out the
  workflow state (nothing measured reads it).
- **The first count**: the copies, like the tasks of a database upgraded to the running
  totals (engine/assessment/tally.py), are not counted yet; the first read counts them all.
  That is timed once on its own and printed, then ANALYZE; every timed request counts what
  settled since, as in service.
- **Server time**: the WSGI middleware of `jtflow bench inbox` (from the call into the app
  until the body is produced), the clock at 2026-01-10: `GET /api/assessment` as the
  center's analyst for 2025 (every unit), a quarter, a month, one unit; the dashboard's
  series `GET /api/assessment/charts` and the dashboard page `/assessment` (figures and
  charts) for 2025; one untimed pass first. p50/p95/max, and the CPU time beside them.
"""

from __future__ import annotations

import os
import random
import secrets
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click
from sqlalchemy import Connection, func, insert, select, text

from cli.bench import _prepared
from cli.bench_inbox import ServerTimer, _quantile, _sign_in
from cli.bench_timers import scratch_schema
from engine.assessment.tally import refresh
from engine.config import Settings, open_jtflow
from engine.db import migrate
from engine.demo import CHANNELS, REPORTER, actor_for, answer_for
from engine.models import HistoryEvent, Instance, Task, Timer, table_of
from engine.people.accounts import create_token
from engine.record.cases import case_number
from engine.run.history import GENESIS, event_hash, hashed_fields
from engine.service import Jtflow
from engine.time.clock import SHANGHAI, FakeClock

START = datetime(2025, 1, 6, 9, 0, tzinfo=SHANGHAI)
NOW = datetime(2026, 1, 10, 12, 0, tzinfo=SHANGHAI)
SEED_CASES = 49
FACILITIES = ("bus_station", "brt_station", "bridge", "trunk_road", "other", "tunnel", "other")
URGENCIES = ("normal", "pressing", "normal", "urgent", "normal", "critical", "pressing")
USER = "c_analyst"
COPY_BATCH = 1_000
REQUESTS = (  # (name, path, query): the API as a client asks it, the dashboard as a person
    ("year", "/api/assessment", {"period": "2025"}),
    ("quarter", "/api/assessment", {"period": "2025-Q2"}),
    ("month", "/api/assessment", {"period": "2025-11"}),
    ("unit", "/api/assessment", {"period": "2025", "unit": "BUS_GROUP"}),
    ("charts", "/api/assessment/charts", {"period": "2025"}),
    ("dashboard", "/assessment", {"period": "2025"}),
)


@click.command("assessment")
@click.option("--cases", default=100_000, show_default=True, help="Cases in the year.")
@click.option("--requests", default=100, show_default=True, help="Timed requests per query.")
@click.option("--database", default=None, help="SQLite file to use (default: a temporary one).")
@click.option(
    "--reuse",
    is_flag=True,
    help="Time the --database made by an earlier run (migrated to this version), making no cases.",
)
@click.option(
    "--postgres",
    default=None,
    help="A PostgreSQL URL: run there instead, in a scratch schema dropped afterwards.",
)
def assessment(
    cases: int, requests: int, database: str | None, reuse: bool, postgres: str | None
) -> None:
    """Server time (p50/p95/max) of GET /api/assessment and the dashboard for a year of cases."""
    if postgres:
        with scratch_schema(postgres) as url:
            run(url, cases, requests)
        return
    if reuse and not database:
        raise click.UsageError("--reuse times an earlier run's database: give it with --database")
    path = database or Path(tempfile.mkdtemp(prefix="jtflow-bench-assess-")) / "assess.sqlite"
    run(f"sqlite:///{path}", cases, requests, reuse=reuse)


def run(url: str, cases: int, requests: int, *, reuse: bool = False) -> None:
    jtflow = _prepared(url) if not reuse else _reopened(url)
    click.echo(f"database: {url.split('?')[0]}")
    started = time.perf_counter()
    if not reuse:
        templates = _seed(jtflow, min(SEED_CASES, cases))
        _copy(jtflow, templates, cases - len(templates))
    click.echo(f"load: {_describe(jtflow)}; made in {time.perf_counter() - started:.0f} s")
    tallied = time.perf_counter()
    refresh(jtflow.sessions.kw["bind"], NOW)
    click.echo(  # once, by the first read after the cases were copied in (or an upgrade)
        f"first count of the running totals: {time.perf_counter() - tallied:.1f} s"
    )
    with jtflow.sessions.kw["bind"].begin() as connection:  # statistics of the steady state
        connection.execute(text("ANALYZE"))
    click.echo(f"machine load (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for line in measure(jtflow, url, requests):
        click.echo(line)
    jtflow.sessions.kw["bind"].dispose()


def _reopened(url: str) -> Jtflow:
    """An earlier run's database, migrated to this version."""
    jtflow = open_jtflow(Settings(database_url=url), FakeClock(START))
    migrate(jtflow.sessions.kw["bind"])
    return jtflow


def _seed(jtflow: Jtflow, count: int) -> list[int]:
    """Real cases, played as described above; returns their ids."""
    clock = jtflow.clock
    assert isinstance(clock, FakeClock)
    rng = random.Random(15)
    made = []
    for number in range(count):
        clock.set(START + timedelta(hours=7 * number))
        channel = CHANNELS[number % len(CHANNELS)]
        report = {
            "channel": channel,
            "urgency": URGENCIES[number % len(URGENCIES)],
            "title": f"基础设施事件 {number}",
            "description": "巡查发现设施损坏，需核实处置。",
            "location": f"厦门市 {number} 号",
            "facility": {"type": FACILITIES[number % len(FACILITIES)], "name": f"设施 {number}"},
            "discovered_at": clock.now().isoformat(),
        }
        case = jtflow.report_event(report, reporter=REPORTER[channel])
        made.append(case.case_id)
        stop = rng.randint(2, 12) if number % 7 == 6 else 99
        returns = 0
        for _ in range(stop):
            tasks = _open(jtflow, case.case_id)  # to the archive: the center archives it
            if not tasks:
                break
            task = tasks[0]
            clock.advance(hours=rng.uniform(0.5, 30))
            jtflow.fire_due_timers()
            answer = answer_for(task.element_id, task.unit_code)
            if task.element_id == "center_audit" and returns < 2 and rng.random() < 0.35:
                answer, returns = (
                    {"accepted": False, "reason": "缺少处置情况", "basis": "E8"},
                    returns + 1,
                )
            jtflow.complete(task.id, answer, actor_for(task))
    clock.set(NOW)
    jtflow.fire_due_timers()
    return made


def _open(jtflow: Jtflow, case_id: int) -> list[Task]:
    with jtflow.sessions() as session:
        return list(
            session.scalars(
                select(Task)
                .where(Task.instance_id == case_id, Task.state == "open")
                .order_by(Task.id)
            )
        )


_INSTANCE_TIMES = ("created_at", "updated_at", "ended_at")
_TASK_TIMES = ("created_at", "due_at", "warn_at", "completed_at")
_TIMER_TIMES = ("due_at", "lease_expires_at", "fired_at")


def _rows(
    connection: Connection, model: Any, case_ids: list[int]
) -> dict[int, list[dict[str, Any]]]:
    table = table_of(model)
    key = table.c.id if model is Instance else table.c.instance_id
    found: dict[int, list[dict[str, Any]]] = {id: [] for id in case_ids}
    order = [table.c.id] if model is not HistoryEvent else [table.c.instance_id, table.c.seq]
    for row in connection.execute(select(table).where(key.in_(case_ids)).order_by(*order)):
        values = row._asdict()
        found[values["id"] if model is Instance else values["instance_id"]].append(values)
    return found


def _copy(jtflow: Jtflow, template_ids: list[int], copies: int) -> None:
    """`copies` shifted copies of the templates, spread over 2025 (see the module's text)."""
    engine = jtflow.sessions.kw["bind"]
    with engine.begin() as connection:
        instances = _rows(connection, Instance, template_ids)
        tasks = _rows(connection, Task, template_ids)
        timers = _rows(connection, Timer, template_ids)
        events = _rows(connection, HistoryEvent, template_ids)
        next_case = int(connection.scalar(select(func.max(Instance.id))) or 0) + 1
        next_task = [int(connection.scalar(select(func.max(Task.id))) or 0) + 1]
        made = 0
        while made < copies:
            batch: dict[Any, list[dict[str, Any]]] = {
                m: [] for m in (Instance, Task, Timer, HistoryEvent)
            }
            for _ in range(min(COPY_BATCH, copies - made)):
                template = template_ids[made % len(template_ids)]
                shift = timedelta(days=(made * 360) // max(copies, 1))
                _copy_case(
                    next_case,
                    shift,
                    instances[template][0],
                    tasks[template],
                    timers[template],
                    events[template],
                    batch,
                    next_task,
                )
                next_case += 1
                made += 1
            for model, rows in batch.items():
                if rows:
                    connection.execute(insert(table_of(model)), rows)


def _shifted(row: dict[str, Any], names: Iterable[str], shift: timedelta) -> dict[str, Any]:
    return {**row, **{n: row[n] + shift for n in names if row.get(n) is not None}}


def _copy_case(
    case_id: int,
    shift: timedelta,
    instance: dict[str, Any],
    tasks: list[dict[str, Any]],
    timers: list[dict[str, Any]],
    events: list[dict[str, Any]],
    batch: dict[Any, list[dict[str, Any]]],
    next_task: list[int],
) -> None:
    """One shifted copy; `next_task` holds the next task row id, so a reminder's
    chased_task_id can name its copy's step (one open reminder per chased step)."""
    copied = _shifted(instance, _INSTANCE_TIMES, shift)
    prev = GENESIS
    for event in events:
        row = {**_shifted(event, ("at",), shift), "instance_id": case_id, "prev_hash": prev}
        row.pop("id")
        row["hash"] = prev = event_hash(prev, hashed_fields(row))
        batch[HistoryEvent].append(row)
    copied.update(
        id=case_id,
        case_no=case_number(case_id, copied["created_at"]),
        state=b"",
        history_hash=prev,
    )
    batch[Instance].append(copied)
    task_ids = {}
    copies = []
    for task in tasks:
        row = {**_shifted(task, _TASK_TIMES, shift), "instance_id": case_id, "tallied": False}
        task_ids[task["id"]] = row["id"] = next_task[0]
        next_task[0] += 1
        row["spiff_task_id"] = str(uuid.uuid4())
        copies.append(row)
    for row in copies:
        row["chased_task_id"] = task_ids.get(row["chased_task_id"], row["chased_task_id"])
    batch[Task].extend(copies)
    for timer in timers:
        row = {**_shifted(timer, _TIMER_TIMES, shift), "instance_id": case_id}
        row.pop("id")
        row["spiff_task_id"] = str(uuid.uuid4())
        batch[Timer].append(row)


def _describe(jtflow: Jtflow) -> str:
    with jtflow.sessions() as session:

        def count(model: Any) -> int:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)

        first, last = session.execute(
            select(func.min(Instance.created_at), func.max(Instance.created_at))
        ).one()
        return (
            f"cases={count(Instance)} (reported {first:%Y-%m-%d} to {last:%Y-%m-%d}) "
            f"tasks={count(Task)} timers={count(Timer)} history={count(HistoryEvent)}"
        )


def measure(jtflow: Jtflow, url: str, requests: int) -> Iterable[str]:
    from webui import create_app

    clock = jtflow.clock
    assert isinstance(clock, FakeClock)
    clock.set(NOW)
    # the pages sign their cookies with it; a throwaway one for this run (SQLite keeps its own)
    os.environ.setdefault("JTFLOW_SECRET_KEY", secrets.token_urlsafe(32))
    app = create_app(Settings(database_url=url), jtflow=jtflow)
    timer = ServerTimer(app.wsgi_app)
    app.wsgi_app = timer  # type: ignore[method-assign]
    with jtflow.sessions() as session:
        token = create_token(session, USER, clock.now())
        session.commit()
    client = app.test_client()
    _sign_in(client, USER)
    headers = {"Authorization": f"Bearer {token}"}
    for name, path, query in REQUESTS:
        response = client.get(path, query_string=query, headers=headers)  # warm-up
        assert response.status_code == 200, (
            f"{name}: {response.status_code} {response.data[:300]!r}"
        )
        timer.seconds.clear()
        timer.cpu_seconds.clear()
        for _ in range(requests):
            client.get(path, query_string=query, headers=headers)
        ms = sorted(1000 * s for s in timer.seconds)
        cpu = sorted(1000 * s for s in timer.cpu_seconds)
        yield (
            f"GET {path} {name} {query}: requests={len(ms)} "
            f"p50={_quantile(ms, 0.5):.0f}ms p95={_quantile(ms, 0.95):.0f}ms max={ms[-1]:.0f}ms "
            f"(cpu p50={_quantile(cpu, 0.5):.0f}ms p95={_quantile(cpu, 0.95):.0f}ms; "
            f"mean {statistics.mean(ms):.0f}ms)"
        )
        if name == "year":
            bus = next(u for u in response.json["units"] if u["unit"] == "BUS_GROUP")  # type: ignore[index]
            events = bus["events"]
            yield (
                f"  BUS_GROUP 2025: received={events['received']['value']} "
                f"sign_for={events['sign_for_on_time_rate']['value']} "
                f"closure avg={events['closure']['average_wd']} p90={events['closure']['p90_wd']} "
                f"returns={events['returns']['value']} escalations={events['escalations']['value']}"
            )
