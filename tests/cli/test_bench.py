"""`jtflow bench` and its subcommands: one tiny run each, so the benchmarks keep working and
keep measuring what they say (no timed assertions: the figures belong to the machine)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cli.bench import (
    START,
    opened,
    persisted_lifecycles,
    raw_lifecycles,
    run,
    yellow_instant,
)
from cli.bench_modeler import run as run_modeler
from cli.bench_sharing import run as run_sharing
from cli.bench_throughput import run as run_throughput
from cli.main import main


def _results(lines: list[str], start: str) -> list[str]:
    return [line for line in lines if line.startswith(start)]


def test_bench_prints_a_line_per_cache_with_sql_per_step(db_url: str) -> None:
    lines = list(run(2, [db_url], ("warm", "cold"), rounds=1, guard=True))
    warm, cold = _results(lines, "db=sqlite cache=")
    assert warm.startswith("db=sqlite cache=warm raw=") and " ratio=" in warm
    for field in ("statements/step=", "round-trips/step=", "commits/step=", "guard="):
        assert field in warm
    assert "loads/step=0.00" in warm  # warm: the live workflows serve every step
    assert cold.startswith("db=sqlite cache=cold") and "loads/step=0.00" not in cold


def test_both_sides_fire_the_yellow_light_of_one_lifecycle_in_four(db_url: str) -> None:
    """The persisted side fires it through the engine's timer path, the raw side in memory:
    the same work, and the clock is back at the start afterwards."""
    jtflow = opened(db_url, "cold")
    yellow = yellow_instant(jtflow)
    assert yellow > START
    assert persisted_lifecycles(jtflow, 4, yellow) == 4 * 7 + 1  # 7 steps each, 1 timer
    assert raw_lifecycles(jtflow, 4, yellow) == 1
    assert jtflow.clock.now() == START


def test_bench_sequence_shape_through_the_command(db_url: str) -> None:
    """`jtflow bench --shape sequence`: its diagram passes the deploy checks and runs."""
    result = CliRunner().invoke(
        main,
        ["bench", "--shape", "sequence", "-n", "2", "--rounds", "1", "--cache", "cold"]
        + ["--database", db_url],
    )
    assert result.exit_code == 0, result.output
    (line,) = _results(result.output.splitlines(), "shape=sequence")
    assert line.startswith("shape=sequence db=sqlite cache=cold raw=")
    assert " instances/s ratio=" in line and "loads/step=0.86" in line  # 6 of 7 steps load


def test_bench_refuses_an_unknown_cache() -> None:
    result = CliRunner().invoke(main, ["bench", "--cache", "hot"])
    assert result.exit_code != 0 and "warm, cold" in result.output


def test_bench_throughput_ends_every_case(tmp_path: Path) -> None:
    """`jtflow bench throughput` on one spawned process: every case reached its end."""
    lines = list(run_throughput(4, str(tmp_path / "bench.sqlite"), (1,), "cold"))
    (line,) = _results(lines, "db=sqlite processes=1")
    assert "cases=4 " in line and "cases/s=" in line and "retries=" in line
    assert "ended=6/6" in line  # its 4, its warm-up case and the yellow instant's case


def test_bench_sharing_runs_requests_to_their_grant(db_url: str) -> None:
    """`jtflow bench sharing`: the same method on the sharing path, start to grant."""
    lines = list(run_sharing(2, db_url, rounds=1, caches=("cold",)))
    (line,) = _results(lines, "process=sharing")
    assert line.startswith("process=sharing db=sqlite cache=cold raw=")
    assert "statements/step=" in line and " ratio=" in line


def test_bench_modeler_times_the_preview_and_the_trial(tmp_path: Path) -> None:
    """`jtflow bench modeler`: a draft checked with its preview, then tried on closed cases."""
    lines = list(run_modeler(3, 6, str(tmp_path / "bench.sqlite")))
    assert lines[1].startswith("check and preview, 3 running cases: ")
    assert lines[2].startswith("trial on 6 closed cases: ")
    assert "diverged 6" in lines[2]  # the draft moves every case's 签收 deadline


def test_bench_modeler_spreads_its_running_cases_and_times_them_again(tmp_path: Path) -> None:
    """The backlog sits at several steps (2 of 8 with no timer the draft moves); --reuse
    times the same database again without making cases."""
    database = str(tmp_path / "bench.sqlite")
    lines = list(run_modeler(8, 0, database))
    assert lines[1].startswith("check and preview, 8 running cases: ")
    assert lines[1].endswith("6 with deadlines moved") and len(lines) == 2
    again = list(run_modeler(0, 0, database, reuse=True))
    assert again[0].startswith("cases reused: 8 running, 0 closed")
    assert again[1].endswith("6 with deadlines moved")


def test_bench_assessment_times_the_api_and_the_dashboard_then_again(tmp_path: Path) -> None:
    """A tiny year (a few real cases and copies), then the same database timed again."""
    database = str(tmp_path / "assess.sqlite")
    runner = CliRunner()
    args = ["bench", "assessment", "--database", database, "--requests", "1"]
    made = runner.invoke(main, [*args, "--cases", "8"], catch_exceptions=False)
    assert made.exit_code == 0, made.output
    assert "first count of the running totals:" in made.output
    for name in ("year", "quarter", "month", "unit", "charts", "dashboard"):
        assert f" {name} {{" in made.output, name
    again = runner.invoke(main, [*args, "--reuse"], catch_exceptions=False)
    assert again.exit_code == 0, again.output
    assert "cases=8 " in again.output
