"""Fixtures: a real SQLite file per test (copied from a migrated template) and a fake clock
that ticks a millisecond at every read, as a real one moves between two reads."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from engine.config import PROJECT_ROOT, Settings, load_calendar
from engine.db import make_engine, make_session_factory, migrate
from engine.definitions.forms import FormRegistry
from engine.demo import add_demo_users
from engine.people.reference import seed_organisations
from engine.run.state import FinishedTaskConverter
from engine.service import Jtflow
from engine.time.clock import SHANGHAI, FakeClock, TickingClock

# Monday 28 September 2026, 09:00 in Xiamen: the week before the National Day holiday.
START = datetime(2026, 9, 28, 9, 0, tzinfo=SHANGHAI)
FORMS = FormRegistry(PROJECT_ROOT / "forms")
FinishedTaskConverter.verify = True  # every reuse of a finished task's saved form is checked
CALENDAR = load_calendar(Settings().calendar_dirs)


def build(url: str, clock: FakeClock) -> Jtflow:
    """A new engine object on an existing database, as a new process would make."""
    return Jtflow(
        make_session_factory(make_engine(url)), clock=clock, calendar=CALENDAR, forms=FORMS
    )


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "jtflow.sqlite"
    url = f"sqlite:///{path}"
    jtflow = build(url, FakeClock(START))
    migrate(jtflow.sessions.kw["bind"])
    with jtflow.sessions() as session:
        seed_organisations(session)
        session.commit()
    jtflow.deploy(PROJECT_ROOT / "processes" / "event_lifecycle.bpmn")
    add_demo_users(jtflow)
    jtflow.sessions.kw["bind"].dispose()
    with sqlite3.connect(path) as connection:  # fold the WAL into the file before copying it
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def db_url(tmp_path: Path, template_db: Path) -> str:
    path = tmp_path / "jtflow.sqlite"
    shutil.copy(template_db, path)
    return f"sqlite:///{path}"


@pytest.fixture
def clock() -> TickingClock:
    """Moved by tests with `advance`/`set`, and on by 1 ms at every read: a step that read
    the clock twice where it means one instant (DESIGN.md) would show it, as on a real one."""
    return TickingClock(START)


@pytest.fixture
def jtflow(db_url: str, clock: FakeClock) -> Jtflow:
    return build(db_url, clock)


@pytest.fixture
def fresh(db_url: str, clock: FakeClock):  # type: ignore[no-untyped-def]
    """Call for a brand-new engine object on the same database and clock (save → reload → go on)."""
    return lambda: build(db_url, clock)
