"""`jtflow bench catalogue` at a tiny size: it loads what it says and prints p50/p95 for the
engine's search and the API (no timing is asserted: figures depend on the machine)."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from cli.main import main
from engine.config import Settings, open_jtflow
from engine.models import Resource


def test_bench_catalogue_loads_and_measures_both_ways(tmp_path: Path) -> None:
    database = tmp_path / "catalogue.sqlite"
    args = ["bench", "catalogue", "-n", "120", "--requests", "12", "--database", str(database)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "load: 120 resources" in result.output
    for what in ("search (engine)", "GET /api/catalogue"):
        assert re.search(rf"{re.escape(what)}: 12 searches, p50 [0-9.]+ ms, p95", result.output)
    jtflow = open_jtflow(Settings(database_url=f"sqlite:///{database}"))
    with jtflow.sessions() as session:
        categories = session.scalar(select(func.count(func.distinct(Resource.category))))
    assert categories == 25  # every D2 leaf
    jtflow.sessions.kw["bind"].dispose()
