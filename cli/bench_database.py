"""Where a benchmark runs and what it sends there: the bench's own database (a SQLite file, or
a database of its own on a PostgreSQL server, dropped afterwards) and a count of the SQL
statements, round trips and commits an engine sends, taken from SQLAlchemy's engine events.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from cli.bench_timers import scratch_schema
from engine.db import make_engine

SQLITE = "sqlite"


@dataclass(frozen=True)
class BenchDatabase:
    url: str
    kind: str  # "sqlite" or "postgresql", as the result lines name it
    where: str  # said in the header line: the file, or the database or schema made for the run


@contextmanager
def bench_database(target: str | None) -> Iterator[BenchDatabase]:
    """The database a benchmark writes to.

    `target` is None or "sqlite" (a new temporary file, removed afterwards), a SQLite file
    path or `sqlite:///` URL (that file, kept: rows of earlier runs stay), or a
    `postgresql://` URL naming a server: the bench creates a database `jtflow_bench_…` of
    its own there and drops it afterwards, or where it may not create databases, a schema
    `jtflow_…` in the URL's database, dropped likewise. Nothing the bench did not create is
    touched, so repeated runs start clean."""
    if target is None or target == SQLITE:
        folder = Path(tempfile.mkdtemp(prefix="jtflow-bench-"))
        try:
            yield BenchDatabase(f"sqlite:///{folder / 'bench.sqlite'}", SQLITE, "a new file")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    elif target.startswith(("postgresql://", "postgresql+psycopg://")):
        with _postgres(target) as database:
            yield database
    elif "://" in target and not target.startswith("sqlite:///"):
        raise ValueError(
            f"--database {target}: expected a SQLite file, sqlite:///FILE or postgresql://…"
        )
    else:
        path = target.removeprefix("sqlite:///")
        yield BenchDatabase(f"sqlite:///{path}", SQLITE, path)


@contextmanager
def _postgres(server_url: str) -> Iterator[BenchDatabase]:
    name = f"jtflow_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        except DBAPIError:  # no CREATEDB right: a schema of our own in the given database
            with scratch_schema(server_url) as url:
                yield BenchDatabase(url, "postgresql", "a new schema")
            return
        url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
        try:
            yield BenchDatabase(url, "postgresql", f"database {name}")
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@dataclass
class SqlCount:
    """Cursor executions seen on one engine: each is a round trip; an executemany counts one
    round trip and one statement per parameter set."""

    statements: int = 0
    round_trips: int = 0
    commits: int = 0


@contextmanager
def counting_sql(engine: Engine) -> Iterator[SqlCount]:
    """Count what `engine` sends while the block runs."""
    count = SqlCount()

    def executed(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        count.round_trips += 1
        count.statements += len(parameters) if executemany else 1

    def committed(conn: Any) -> None:
        count.commits += 1

    event.listen(engine, "before_cursor_execute", executed)
    event.listen(engine, "commit", committed)
    try:
        yield count
    finally:
        event.remove(engine, "before_cursor_execute", executed)
        event.remove(engine, "commit", committed)
