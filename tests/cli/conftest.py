"""The command line on the test's own database file."""

from __future__ import annotations

import pytest
from click.testing import CliRunner, Result

from cli.main import main


@pytest.fixture
def cli(db_url: str):  # type: ignore[no-untyped-def]
    """The command line on the test's migrated, seeded database (shared with `jtflow`)."""

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        runner = CliRunner(env={"JTFLOW_DATABASE_URL": db_url, **(env or {})})
        return runner.invoke(main, list(args))

    return run
