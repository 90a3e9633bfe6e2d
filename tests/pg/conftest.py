"""The real PostgreSQL server at JTFLOW_TEST_POSTGRES_URL: a fresh schema per test, dropped after.

Without the variable these tests are skipped, except under CI (JTFLOW_CI=1), where a missing
server is a failure: multi-node behaviour must not pass by being skipped.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta

import pytest

from cli.bench import _prepared
from cli.bench_timers import scratch_schema, start_workers
from engine.config import Settings, open_jtflow
from engine.service import Jtflow
from engine.time.clock import FakeClock
from tests.factories import report


@pytest.fixture(scope="session")
def pg_base_url() -> str:
    url = os.environ.get("JTFLOW_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("JTFLOW_CI") == "1":
            pytest.fail("JTFLOW_TEST_POSTGRES_URL is not set: CI must run the PostgreSQL tests")
        pytest.skip("JTFLOW_TEST_POSTGRES_URL is not set")
    return url


@pytest.fixture
def pg_url(pg_base_url: str) -> Iterator[str]:
    """A migrated, seeded schema of its own, with the lifecycle deployed and the demo users."""
    with scratch_schema(pg_base_url) as url:
        _prepared(url).sessions.kw["bind"].dispose()
        try:
            yield url
        finally:  # a failed test must not leave connections for a later test's GC to find
            while _OPENED:
                _OPENED.pop().sessions.kw["bind"].dispose()


def report_many(url: str, count: int, first: datetime, step: timedelta, procs: int = 4) -> None:
    """Report `count` real cases, case i discovered and reported at first + i * step (on a
    fake clock), loaded by a few processes at once (SpiffWorkflow is CPU-bound)."""
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(procs, mp_context=context) as pool:
        jobs = [
            pool.submit(_report_share, url, count, first, step, offset, procs)
            for offset in range(procs)
        ]
        for job in jobs:
            job.result()


def _report_share(
    url: str, count: int, first: datetime, step: timedelta, offset: int, procs: int
) -> None:
    clock = FakeClock(first)
    jtflow = open_jtflow(Settings(database_url=url), clock)
    for number in range(offset, count, procs):
        clock.set(first + step * number)
        report(jtflow)
    jtflow.sessions.kw["bind"].dispose()


_OPENED: list[Jtflow] = []


def engine_on(url: str) -> Jtflow:
    """An engine on the test's schema, disposed when the test ends."""
    jtflow = open_jtflow(Settings(database_url=url))
    _OPENED.append(jtflow)
    return jtflow


class Workers:
    """Real `jtflow worker` processes on one database."""

    def __init__(self, url: str, lease_seconds: float):
        self.url, self.lease_seconds = url, lease_seconds
        self.procs: list[subprocess.Popen[str]] = []

    def start(self, count: int) -> list[subprocess.Popen[str]]:
        started = start_workers(self.url, count, self.lease_seconds)
        self.procs += started
        return started

    def stop(self) -> list[int]:
        """SIGTERM every live worker; their exit codes."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        return [proc.wait(timeout=30) for proc in self.procs]


@pytest.fixture
def workers(pg_url: str) -> Iterator[Callable[[float], Workers]]:
    made: list[Workers] = []

    def make(lease_seconds: float = 60.0) -> Workers:
        made.append(Workers(pg_url, lease_seconds))
        return made[-1]

    yield make
    for group in made:
        for proc in group.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
