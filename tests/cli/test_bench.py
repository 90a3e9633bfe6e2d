"""`jtflow bench`: one tiny run, so the benchmark itself keeps working."""

from __future__ import annotations

from pathlib import Path

from cli.bench import run


def test_bench_compares_raw_persisted_and_the_guarded_evaluator(tmp_path: Path) -> None:
    lines = list(run(2, str(tmp_path / "bench.sqlite"), rounds=1))
    assert any(line.startswith("raw SpiffWorkflow") for line in lines)
    assert any("the guard costs" in line for line in lines)
    assert lines[-1].startswith("ratio: ")
