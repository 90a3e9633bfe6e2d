"""`jtflow bench inbox` at a tiny size: it loads what it says, the copies are valid chains,
and it prints one line per endpoint."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from cli.main import main
from engine.config import Settings, open_jtflow
from engine.models import HistoryEvent, Task
from engine.record.audit import verify


def test_bench_inbox_measures_both_endpoints_on_the_load_it_describes(tmp_path: Path) -> None:
    database = tmp_path / "inbox.sqlite"
    args = ["bench", "inbox", "--tasks", "8", "--history", "900", "--requests", "14"]
    result = CliRunner().invoke(main, [*args, "--database", str(database)])
    assert result.exit_code == 0, result.output
    for endpoint in ("GET /", "GET /api/tasks"):
        line = re.search(
            rf"endpoint={re.escape(endpoint)} tasks=8 history=(\d+) .*p95=", result.output
        )
        assert line is not None, result.output
        assert int(line.group(1)) >= 900

    jtflow = open_jtflow(Settings(database_url=f"sqlite:///{database}"))
    with jtflow.sessions() as session:
        unit = (Task.state == "open", Task.unit_code == "TRANSPORT_DEV")
        assert session.scalar(select(func.count()).where(*unit)) == 8
        assert session.scalar(select(func.count()).select_from(HistoryEvent)) >= 900
        checked = verify(session)
    assert not checked.broken and checked.events >= 900
