"""`jtflow bench notifications` at a tiny size: it loads the unit's tasks with their
notifications, times the inbox and the bell's look, and holds bells open on a real server.
No figure is asserted: the bench reports, a test never times."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from cli.main import main


def test_bench_notifications_prints_its_lines(tmp_path: Path) -> None:
    args = ["bench", "notifications", "--tasks", "6", "--requests", "14", "--streams", "3"]
    args += ["--seconds", "1", "--bell-seconds", "0.5", "--database", str(tmp_path / "n.sqlite")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    told = re.search(r"transport_handler's: (.*)", result.output)
    assert told is not None, result.output  # each task told once: new, or urgent (E7)
    assert sum(int(n) for n in re.findall(r"(?:task|urgent)=(\d+)", told.group(1))) == 6
    for endpoint in ("GET /", "GET /api/tasks", "GET /notifications/look"):
        assert f"endpoint={endpoint} " in result.output, result.output
    streams = re.search(r"idle streams=3 .*server CPU [\d.]+% .*errors=(\d+)", result.output)
    assert streams is not None and streams.group(1) == "0", result.output
