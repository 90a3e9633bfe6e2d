"""`jtflow bench throughput`: complete lifecycles driven through N processes sharing one
database, as N nodes would; cases per second for each N.

Each process (multiprocessing, spawn) opens its own engine on the database and drives its
share of the cases from report to archive, the lifecycle `jtflow bench` runs: one in four
reaches its yellow light, its process moves its fake clock there and fires due timers
through the engine's timer path — which, as on N nodes, may be another process's case's
timer (a step of one case racing another is what the version check is for). A step that
meets a Conflict is tried again, never dropped; the retries are counted. The processes
start together once each has opened its engine and stepped one case (spawn and imports are
not timed); the time is from the first start to the last finish. At the end the database
is asked whether every case reached its end.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from queue import Empty
from threading import BrokenBarrierError
from typing import Any, TypeVar

import click
from sqlalchemy import func, select

from cli.bench import CACHES, DATABASE_HELP, _prepared, opened, persisted_lifecycles, yellow_instant
from cli.bench_database import bench_database
from engine.errors import Conflict
from engine.models import Instance, Timer

MAX_ATTEMPTS = 50  # a step still racing after this many tries is a bug, not contention
READY_SECONDS = 300.0  # spawning, importing and warming up every process
T = TypeVar("T")


@dataclass(frozen=True)
class Driven:
    """What one process did between the common start and its finish."""

    started: float  # time.monotonic(): one system-wide clock on Linux
    finished: float
    cases: int
    retries: int


def run(
    cases: int,
    database: str | None,
    process_counts: Sequence[int] = (1, 2),
    cache: str = "cold",
) -> Iterator[str]:
    yield (
        f"throughput: {cases} lifecycles per configuration (each report + 6 user tasks; one "
        f"in 4 reaches its yellow light), split over N spawned processes, cache {cache}"
    )
    with bench_database(database) as db:
        yield f"database: {db.kind}, {db.where}"
        prepared = _prepared(db.url)
        yellow = yellow_instant(prepared)
        prepared.sessions.kw["bind"].dispose()
        rates: dict[int, float] = {}
        for count in process_counts:
            before = _ended(db.url)
            driven = drive(db.url, cache, _shares(cases, count), yellow)
            after = _ended(db.url)
            seconds = max(d.finished for d in driven) - min(d.started for d in driven)
            done = sum(d.cases for d in driven)
            rates[count] = done / seconds
            expected = before[0] + done + count  # each process also warmed up on one case
            yield (
                f"db={db.kind} processes={count} cache={cache} cases={done} "
                f"seconds={seconds:.2f} cases/s={rates[count]:.1f} "
                f"retries={sum(d.retries for d in driven)} "
                f"timers-fired={after[2] - before[2]} ended={after[1]}/{after[0]}"
            )
            if after[0] != expected or after[1] != after[0]:
                raise click.ClickException(
                    f"{after[0] - after[1]} of {after[0]} cases did not reach their end "
                    f"(expected {expected} cases): a step was lost"
                )
        if 1 in rates:
            yield "scaling: " + " ".join(
                f"N={n} {rate / rates[1]:.2f}x" for n, rate in rates.items() if n != 1
            )


def _shares(cases: int, count: int) -> list[int]:
    return [cases // count + (1 if i < cases % count else 0) for i in range(count)]


def _ended(url: str) -> tuple[int, int, int]:
    """(cases, cases ended, timers fired) in the database."""
    jtflow = opened(url, "warm")
    try:
        with jtflow.sessions() as session:
            total = session.scalar(select(func.count()).select_from(Instance)) or 0
            ended = session.scalar(
                select(func.count()).select_from(Instance).where(Instance.ended_at.is_not(None))
            )
            fired = session.scalar(
                select(func.count()).select_from(Timer).where(Timer.state == "fired")
            )
        return total, ended or 0, fired or 0
    finally:
        jtflow.sessions.kw["bind"].dispose()


def drive(url: str, cache: str, shares: list[int], yellow: datetime) -> list[Driven]:
    """Run one process per share, started together; what each did."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(shares) + 1)
    results = context.Queue()
    procs = [
        context.Process(target=_drive, args=(url, cache, share, yellow, barrier, results))
        for share in shares
    ]
    for proc in procs:
        proc.start()
    try:
        # a process that failed while getting ready breaks the barrier; its message is queued
        with suppress(BrokenBarrierError):
            barrier.wait(timeout=READY_SECONDS)
        driven: list[Driven] = []
        for _ in procs:
            try:
                outcome = results.get(timeout=READY_SECONDS)
            except Empty:
                raise click.ClickException("a bench process neither finished nor failed") from None
            if isinstance(outcome, str):
                raise click.ClickException(f"a bench process failed: {outcome}")
            driven.append(outcome)
        return driven
    finally:
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.terminate()
                proc.join()


def _drive(url: str, cache: str, cases: int, yellow: datetime, barrier: Any, results: Any) -> None:
    """One process: get ready, wait for the others, drive `cases` lifecycles."""
    try:
        jtflow = opened(url, cache)
        retries = [0]

        def attempt(step: Callable[[], T]) -> T:
            for _ in range(MAX_ATTEMPTS - 1):
                try:
                    return step()
                except Conflict:
                    retries[0] += 1
            return step()

        persisted_lifecycles(jtflow, 1, yellow, attempt)  # specs, imports, connections
        retries[0] = 0
        barrier.wait(timeout=READY_SECONDS)
        started = time.monotonic()
        persisted_lifecycles(jtflow, cases, yellow, attempt)
        finished = time.monotonic()
        jtflow.sessions.kw["bind"].dispose()
        results.put(Driven(started, finished, cases, retries[0]))
    except BaseException as e:
        barrier.abort()
        results.put(f"{type(e).__name__}: {e}")


def _counts(text: str) -> list[int]:
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or min(counts) < 1:
        raise click.BadParameter(f"{text!r}: process counts such as 1,2")
    return counts


@click.command("throughput")
@click.option("-n", "cases", default=120, show_default=True, help="Lifecycles per N, split.")
@click.option("--database", default=None, help=f"{DATABASE_HELP}.")
@click.option("--processes", default="1,2", show_default=True, help="Process counts, e.g. 1,2,4.")
@click.option("--cache", type=click.Choice(CACHES), default="cold", show_default=True)
def throughput(cases: int, database: str | None, processes: str, cache: str) -> None:
    """Lifecycles/s through N processes sharing one database, one line per N."""
    for line in run(cases, database, _counts(processes), cache):
        click.echo(line)
