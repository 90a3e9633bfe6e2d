"""`jtflow bench timers`: how late timers fire, with many timers waiting, on 1 or 3 workers.

How the load is made (say it plainly, since it decides what the figures mean):

- **Measured timers**: `--due` real cases (报送 as 紧急 by the monitoring post, then 分类转办
  transferred), each with its real `timer_phone_report` (E7: 1 hour after the transfer). The
  transfer is played on a fake clock set one hour before the instant the timer should come
  due, so the due instants are spread evenly over `--window` seconds a little in the future
  (window 0: all due in the same instant). Their earlier timers (the yellow-light warnings,
  already due) are fired before the workers start, so only the measured ones come due.
- **Filler** up to `--timers` waiting timers: by default copies of a real waiting timer row
  (same case, fresh ids) due 30 days or more later — they load the timer table and its index
  but never come due during the run. `--filler real` reports real cases instead (about
  5 ms each on SQLite: 100,000 timers take several minutes to load).
- **Workers**: real `jtflow worker` processes on the real clock (SQLite: one worker).
- **Lateness** of a timer = `timer.fired_at` (the instant its firing step ran, written in the
  same transaction as the `timer_fired` history event) minus `timer.due_at`.
"""

from __future__ import annotations

import math
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click
from sqlalchemy import func, insert, select, text

from engine.config import PROJECT_ROOT, Settings, open_jtflow
from engine.db import make_engine
from engine.demo import actor_for, answer_for
from engine.models import Timer
from engine.service import Jtflow
from engine.time.clock import SystemClock

URGENT = {
    "channel": "monitoring",
    "urgency": "urgent",
    "title": "隧道照明故障（计时器压测）",
    "description": "视频巡查发现隧道照明故障。",
    "location": "翔安隧道",
    "facility": {"type": "tunnel", "name": "翔安隧道"},
}
FILLER_DAYS = 30
STARTED = "计时器进程已启动"


@click.command("timers")
@click.option(
    "--timers",
    "sizes",
    default="10000,100000",
    show_default=True,
    help="Waiting timers in the table, comma-separated.",
)
@click.option("--db", "databases", default="sqlite,postgres", show_default=True)
@click.option("--workers", "worker_counts", default="1,3", show_default=True)
@click.option("--due", default=500, show_default=True, help="Timers that come due during the run.")
@click.option(
    "--window",
    default=20.0,
    show_default=True,
    help="Seconds over which they come due (0: all at once).",
)
@click.option("--filler", type=click.Choice(["rows", "real"]), default="rows", show_default=True)
@click.option(
    "--postgres-url",
    envvar="JTFLOW_TEST_POSTGRES_URL",
    default="postgresql://postgres@127.0.0.1:5432/test",
    show_default=True,
    help="A scratch schema is made in this database and dropped afterwards.",
)
@click.option("--lease-seconds", default=60.0, show_default=True)
def timers(
    sizes: str,
    databases: str,
    worker_counts: str,
    due: int,
    window: float,
    filler: str,
    postgres_url: str,
    lease_seconds: float,
) -> None:
    """Lateness of timer firing (p50/p99/max), one line per configuration."""
    click.echo(
        f"load: {due} real cases' timer_phone_report due over {window:g} s; "
        f"filler: {'real cases' if filler == 'real' else 'copied timer rows'} due ≥{FILLER_DAYS} days out; "
        "lateness = fired_at - due_at, real clock, real `jtflow worker` processes"
    )
    for size in _ints(sizes):
        for database in _words(databases):
            counts = [1] if database == "sqlite" else _ints(worker_counts)
            for workers in counts:
                with _database(database, postgres_url) as url:
                    result = measure(url, size, workers, due, window, filler, lease_seconds)
                click.echo(f"timers={size} db={database} workers={workers} {result}")


def _ints(text: str) -> list[int]:
    return [int(part) for part in _words(text)]


def _words(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


@contextmanager
def _database(kind: str, postgres_url: str) -> Iterator[str]:
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="jtflow-bench-timers-"))
        try:
            yield f"sqlite:///{folder / 'bench.sqlite'}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    if kind != "postgres":
        raise click.BadParameter(f"unknown database {kind!r} (sqlite, postgres)")
    with scratch_schema(postgres_url) as url:
        yield url


@contextmanager
def scratch_schema(base_url: str) -> Iterator[str]:
    """A fresh schema in the PostgreSQL database, dropped afterwards; the URL selects it."""
    schema = f"jtflow_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def measure(
    url: str, size: int, workers: int, due: int, window: float, filler: str, lease: float
) -> str:
    from cli.bench import _prepared

    jtflow = _prepared(url)
    real_now = SystemClock().now
    # pilot: what one measured case costs to load, to know how far ahead to set the dues
    started = time.perf_counter()
    for _ in range(10):
        _transferred(jtflow, real_now() + timedelta(days=FILLER_DAYS))
    per_case = (time.perf_counter() - started) / 10
    lead = per_case * due * 2.0 + size / 10_000 + 8.0  # load, flush, filler, worker start
    first_due = real_now() + timedelta(seconds=lead)
    step = window / due if due else 0.0
    for number in range(due):
        _transferred(jtflow, first_due + timedelta(seconds=step * number))
    open_jtflow(Settings(database_url=url)).fire_due_timers()  # earlier warnings, on real clock
    last_due = first_due + timedelta(seconds=window)
    with jtflow.sessions() as session:
        measured = list(
            session.scalars(
                select(Timer.id).where(
                    Timer.state == "waiting", Timer.due_at >= first_due, Timer.due_at <= last_due
                )
            )
        )
    _fill(jtflow, url, size, filler)
    if url.startswith("sqlite"):  # fold the load's write-ahead log in now, not in a firing
        with jtflow.sessions() as session:
            session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    procs = start_workers(url, workers, lease)
    try:
        ready = real_now()
        late_start = ready > first_due
        deadline = time.monotonic() + lead + window + 120
        while time.monotonic() < deadline:
            if _waiting(jtflow, measured) == 0:
                break
            time.sleep(0.2)
    finally:
        _stop(procs)
    lateness, unfired = _lateness(jtflow, measured)
    jtflow.sessions.kw["bind"].dispose()
    if not lateness:
        return f"nothing fired (unfired={unfired})"
    line = (
        f"p50={_pct(lateness, 50):.3f}s p99={_pct(lateness, 99):.3f}s "
        f"max={max(lateness):.3f}s measured={len(lateness)}"
    )
    if unfired:
        line += f" unfired={unfired}"
    if late_start:
        line += " (workers were ready only after the first due instant)"
    return line


def _transferred(jtflow: Jtflow, due_at: datetime) -> None:
    """A real urgent case transferred one hour before `due_at`: its phone report is due then."""
    jtflow.clock.set(due_at - timedelta(hours=1))  # type: ignore[attr-defined]
    report = {**URGENT, "discovered_at": jtflow.clock.now().isoformat()}
    ref = jtflow.report_event(report, reporter="c_monitor")
    task = next(t for t in ref.tasks if t.element_id == "classify")
    jtflow.complete(task.id, answer_for("classify", task.unit_code), actor_for(task))


def _count_waiting(jtflow: Jtflow) -> int:
    with jtflow.sessions() as session:
        return session.scalar(select(func.count()).where(Timer.state == "waiting")) or 0


def _fill(jtflow: Jtflow, url: str, size: int, filler: str) -> None:
    missing = size - _count_waiting(jtflow)
    far = SystemClock().now() + timedelta(days=FILLER_DAYS)
    if filler == "real":
        jtflow.clock.set(far)  # type: ignore[attr-defined]
        report = {**URGENT, "urgency": "normal", "discovered_at": far.isoformat()}
        while missing > 0:
            for _ in range(min(500, max(1, missing // 2))):
                jtflow.report_event(dict(report), reporter="c_monitor")
            missing = size - _count_waiting(jtflow)
        return
    with jtflow.sessions() as session:
        template = session.scalars(
            select(Timer).where(Timer.state == "waiting").order_by(Timer.due_at.desc()).limit(1)
        ).one()
        rows = [
            {
                "instance_id": template.instance_id,
                "spiff_task_id": f"filler-{number}",
                "element_id": template.element_id,
                "watches": template.watches,
                "due_at": far + timedelta(seconds=number),
                "provisional": False,
                "state": "waiting",
            }
            for number in range(max(0, missing))
        ]
        for start in range(0, len(rows), 5000):
            session.execute(insert(Timer), rows[start : start + 5000])
        session.commit()


def start_workers(url: str, count: int, lease: float) -> list[subprocess.Popen[str]]:
    """`count` real `jtflow worker` processes on `url`, each waited for until it has started."""
    env = {
        **os.environ,
        "JTFLOW_DATABASE_URL": url,
        "JTFLOW_TIMER_LEASE_SECONDS": str(lease),
    }
    procs = [
        subprocess.Popen(
            worker_command(),
            env=env,
            cwd=PROJECT_ROOT,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )
        for _ in range(count)
    ]
    for proc in procs:
        wait_started(proc, timeout=30)
    return procs


def worker_command() -> list[str]:
    script = Path(sys.executable).parent / "jtflow"
    if script.exists():
        return [str(script), "worker"]
    return [sys.executable, "-m", "cli.main", "worker"]


def wait_started(proc: subprocess.Popen[str], timeout: float) -> None:
    """Wait for the worker's start line; then keep draining its stderr so it never blocks."""
    lines: queue.Queue[str] = queue.Queue()

    def drain() -> None:
        assert proc.stderr is not None
        with proc.stderr:  # closed at the worker's exit, by the only thread reading it
            for line in proc.stderr:
                lines.put(line)
        lines.put("")

    threading.Thread(target=drain, daemon=True).start()
    seen: list[str] = []
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            line = lines.get(timeout=max(0.01, end - time.monotonic()))
        except queue.Empty:
            break
        if STARTED in line:
            return
        if line == "":
            break
        seen.append(line)
    raise RuntimeError(f"worker did not start: {''.join(seen)[-2000:]}")


def _stop(procs: list[subprocess.Popen[str]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def _waiting(jtflow: Jtflow, ids: list[int]) -> int:
    with jtflow.sessions() as session:
        return sum(
            session.scalar(
                select(func.count()).where(
                    Timer.id.in_(ids[start : start + 5000]), Timer.state == "waiting"
                )
            )
            or 0
            for start in range(0, len(ids), 5000)
        )


def _lateness(jtflow: Jtflow, ids: list[int]) -> tuple[list[float], int]:
    lateness: list[float] = []
    unfired = 0
    with jtflow.sessions() as session:
        for start in range(0, len(ids), 5000):
            rows: Any = session.execute(
                select(Timer.state, Timer.due_at, Timer.fired_at).where(
                    Timer.id.in_(ids[start : start + 5000])
                )
            )
            for state, due_at, fired_at in rows:
                if state == "fired" and fired_at is not None:
                    lateness.append((fired_at - due_at).total_seconds())
                else:
                    unfired += 1
    return sorted(lateness), unfired


def _pct(values: list[float], percent: float) -> float:
    """Nearest-rank percentile of sorted values."""
    rank = max(1, math.ceil(percent / 100 * len(values)))
    return values[rank - 1]
