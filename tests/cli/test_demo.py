"""`jtflow demo` (the README's first command) on a fresh database: every part of the demo
seeds, and its closing lines say whom to sign in as and where to go."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cli.main import main


def test_the_demo_seeds_a_fresh_database_and_says_whom_to_sign_in_as(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    result = CliRunner(env={"JTFLOW_DATABASE_URL": url}).invoke(main, ["demo", "--events", "4"])
    assert result.exit_code == 0, result.output
    assert "演示用户" in result.output and "jtflow-demo" in result.output
    assert "流程负责人：owner" in result.output and "/processes" in result.output
    assert "演示事件：4 个" in result.output
    assert "演示接口通知：4 个" in result.output  # engine/notice_demo.py: one at each stage
    assert "演示知识库：条目 4 个" in result.output and "季度修订日程 ZS" in result.output
