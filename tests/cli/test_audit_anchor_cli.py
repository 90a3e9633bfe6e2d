"""`jtflow audit anchor` and `jtflow audit verify --since-anchor FILE` (S2): a full rewrite
passes the plain verify and fails against the anchor, naming the case; a wrong signature,
a missing or loose key and a shared database without an anchor file are one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.bench_audit import anchor_figures
from tests.engine.test_anchor import rewrite_history
from tests.factories import transferred

KEY = {"JTFLOW_AUDIT_KEY": "a-long-random-audit-key-for-the-tests-only"}


@pytest.fixture
def cases(jtflow):  # type: ignore[no-untyped-def]
    return transferred(jtflow, 3)


@pytest.fixture
def beside(db_url: str) -> Path:
    return Path(db_url.removeprefix("sqlite:///") + ".anchors")


def one_error(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1 and "Traceback" not in result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("错误：")
    return str(line)


def test_anchor_then_verify_since_the_anchor(cli, cases, beside):
    made = cli("audit", "anchor", env=KEY)
    assert made.exit_code == 0, made.output
    assert f"已锚定 3 个案件的链头（3 个有变化）：{beside} 第 1 个检查点" in made.output
    checked = cli("audit", "verify", "--since-anchor", str(beside), env=KEY)
    assert checked.exit_code == 0, checked.output
    assert "1 个检查点签名均有效" in checked.output
    assert "其中 3 个案件对照锚定" in checked.output and "全部完好" in checked.output
    one = cli("audit", "verify", cases[0].case_no, "--since-anchor", str(beside), env=KEY)
    assert one.exit_code == 0 and "已校验 1 个案件" in one.output and "其中 1 个" in one.output


def test_a_full_rewrite_passes_verify_but_not_since_the_anchor(jtflow, cli, cases, tmp_path):
    anchors = tmp_path / "kept-elsewhere.jsonl"
    assert cli("audit", "anchor", "--file", str(anchors), env=KEY).exit_code == 0
    victim = cases[1]
    rewrite_history(jtflow.sessions.kw["bind"], victim.case_id, 2, actor="intruder")
    plain = cli("audit", "verify")
    assert plain.exit_code == 0 and "全部完好" in plain.output
    checked = cli("audit", "verify", "--since-anchor", str(anchors), env=KEY)
    assert checked.exit_code == 1
    assert f"案件 {victim.case_no}：第 " in checked.stdout and "哈希与锚定的不符" in checked.stdout
    assert cases[0].case_no not in checked.stdout
    assert "1 个案件在锚定后被改写" in checked.stderr
    again = cli("audit", "anchor", "--file", str(anchors), env=KEY)
    assert again.exit_code == 1 and f"案件 {victim.case_no}：锚定的事件已被改写" in again.stderr


def test_a_line_with_a_wrong_signature_is_refused_in_one_line(cli, cases, beside):
    cli("audit", "anchor", env=KEY)
    beside.write_bytes(beside.read_bytes().replace(b'"cases":3', b'"cases":2'))
    line = one_error(cli("audit", "verify", "--since-anchor", str(beside), env=KEY))
    assert f"锚定文件 {beside} 第 1 行的签名不符" in line


@pytest.mark.parametrize(
    "command", [["audit", "anchor"], ["audit", "verify", "--since-anchor", "f"]]
)
def test_a_missing_key_is_one_clear_line(cli, cases, command):
    line = one_error(cli(*command))
    assert "没有审计锚定密钥：请设置 JTFLOW_AUDIT_KEY" in line and "JTFLOW_AUDIT_KEY_FILE" in line


def test_a_key_file_others_can_read_is_refused(cli, cases, tmp_path):
    key_file = tmp_path / "audit.key"
    key_file.write_text("x" * 48)
    key_file.chmod(0o640)
    line = one_error(cli("audit", "anchor", env={"JTFLOW_AUDIT_KEY_FILE": str(key_file)}))
    assert f"chmod 600 {key_file}" in line
    key_file.chmod(0o600)
    assert cli("audit", "anchor", env={"JTFLOW_AUDIT_KEY_FILE": str(key_file)}).exit_code == 0


def test_a_shared_database_needs_the_anchor_file_set(cli):
    env = {**KEY, "JTFLOW_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    assert "JTFLOW_AUDIT_ANCHOR_FILE" in one_error(cli("audit", "anchor", env=env))


def test_a_missing_anchor_file_is_one_line(cli, cases, tmp_path):
    line = one_error(cli("audit", "verify", "--since-anchor", str(tmp_path / "no"), env=KEY))
    assert "不存在" in line


def test_the_audit_benchmark_measures_anchoring(jtflow, cases, tmp_path):
    first, again, checked = anchor_figures(jtflow, tmp_path / "anchors.jsonl")
    assert first.startswith("anchor: cases=3 changed=3 time=")
    assert again.startswith("anchor again: cases=3 changed=0 time=")
    assert checked.startswith("verify --since-anchor: cases=3 anchored=3 events=")
