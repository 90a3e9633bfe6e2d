"""`jtflow bench`: one tiny run, so the benchmark itself keeps working."""

from __future__ import annotations

from pathlib import Path

from cli.bench import run
from cli.bench_modeler import run as run_modeler
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
    assert lines[-2].startswith("persistence per step: ")
    assert lines[-1].startswith("ratio: ")


def test_bench_modeler_times_the_preview_and_the_trial(tmp_path: Path) -> None:
    """`jtflow bench modeler`: a draft checked with its preview, then tried on closed cases."""
    lines = list(run_modeler(3, 6, str(tmp_path / "bench.sqlite")))
    assert lines[1].startswith("check and preview, 3 running cases: ")
    assert lines[2].startswith("trial on 6 closed cases: ")
    assert "diverged 6" in lines[2]  # the draft moves every case's 签收 deadline
