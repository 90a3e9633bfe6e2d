"""The benchmarks on PostgreSQL: each makes a database of its own on the server, runs, prints
its lines and drops the database (no timed assertions)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from cli.bench import run
from cli.bench_sequence import run as run_sequence
from cli.bench_throughput import run as run_throughput
from engine.db import make_engine

pytestmark = [pytest.mark.postgres]


def _bench_databases(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            names = connection.execute(
                text("SELECT datname FROM pg_database WHERE datname LIKE 'jtflow_bench_%'")
            )
            return set(names.scalars())
    finally:
        engine.dispose()


def test_bench_lifecycle_on_postgresql_leaves_nothing_behind(pg_base_url: str) -> None:
    before = _bench_databases(pg_base_url)
    lines = list(run(2, [pg_base_url], ("cold",), rounds=1))
    assert lines[1].startswith("database: postgresql, database jtflow_bench_")
    (line,) = [line for line in lines if line.startswith("db=")]
    assert line.startswith("db=postgresql cache=cold raw=") and "round-trips/step=" in line
    assert _bench_databases(pg_base_url) == before


def test_bench_sequence_on_postgresql(pg_base_url: str) -> None:
    lines = list(run_sequence(2, [pg_base_url], ("warm",), rounds=1))
    (line,) = [line for line in lines if line.startswith("shape=")]
    assert line.startswith("shape=sequence db=postgresql cache=warm raw=")


def test_bench_throughput_on_two_processes_ends_every_case(pg_base_url: str) -> None:
    """Two spawned processes share the database; conflicts are retried, every case ends."""
    lines = list(run_throughput(4, pg_base_url, (2,), "cold"))
    (line,) = [line for line in lines if line.startswith("db=postgresql processes=")]
    assert "processes=2 " in line and "cases=4 " in line and "retries=" in line
    assert "ended=7/7" in line  # 4, two warm-ups and the yellow instant's case
