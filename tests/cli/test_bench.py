"""`jtflow bench`: one tiny run, so the benchmark itself keeps working."""

from __future__ import annotations

from pathlib import Path

from cli.bench import run
from cli.bench_sharing import run as run_sharing


def test_bench_compares_raw_persisted_and_the_guarded_evaluator(tmp_path: Path) -> None:
    lines = list(run(2, str(tmp_path / "bench.sqlite"), rounds=1))
    assert any(line.startswith("raw SpiffWorkflow") for line in lines)
    assert any("the guard costs" in line for line in lines)
    assert lines[-1].startswith("ratio: ")


def test_bench_sharing_runs_requests_to_their_grant(tmp_path: Path) -> None:
    """`jtflow bench sharing`: the same method on the sharing path, start to grant."""
    lines = list(run_sharing(2, str(tmp_path / "bench.sqlite"), rounds=1))
    assert any(line.startswith("raw SpiffWorkflow") for line in lines)
    assert lines[-1].startswith("ratio: ")
