"""The `jtflow` command on a real SQLite file: each command works, and every error is one
clear line on stderr with a non-zero exit, never a traceback (issue 2, part 6)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.main import main
from engine.time.clock import SHANGHAI

REPORT = [
    "event", "report", "--as", "c_12328", "--channel", "hotline_12328", "--urgency", "normal",
    "--title", "BRT站台闸机故障", "--description", "乘客来电反映闸机无法刷卡。",
    "--location", "BRT第一码头站", "--facility-type", "brt_station",
    "--facility-name", "第一码头站",
    "--discovered-at", datetime.now(SHANGHAI).isoformat(timespec="seconds"),
]  # fmt: skip  # the CLI runs on the real clock: reported now, nothing is overdue yet


@pytest.fixture
def jtflow_cli(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {"JTFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}"}
    runner = CliRunner(env=env)

    def run(*args: str) -> Result:
        return runner.invoke(main, list(args))

    return run


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output + result.stderr
    return result.output


def failed(result: Result) -> str:
    """A failure: non-zero exit, no traceback, and a first line that says what is wrong."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("错误：")
    return result.stderr


def seeded(jtflow_cli) -> None:  # type: ignore[no-untyped-def]
    ok(jtflow_cli("init"))
    ok(jtflow_cli("user", "add", "c_12328", "--name", "12328 坐席", "--unit", "CENTER",
                  "--role", "投诉受理岗"))  # fmt: skip


def test_init_creates_the_database_and_is_safe_to_repeat(jtflow_cli):
    first = ok(jtflow_cli("init"))
    assert "数据库已就绪" in first and "event_lifecycle v1 已部署" in first
    assert "event_lifecycle v1 已是最新" in ok(jtflow_cli("init"))


def test_a_case_goes_from_report_to_history_through_the_command_line(jtflow_cli):
    """E1/E2: a 12328 seat reports; the center's seats find the 分类转办 task and complete it."""
    seeded(jtflow_cli)
    case_no = ok(jtflow_cli(*REPORT)).strip()
    assert re.fullmatch(r"JT\d{8}-\d{6}", case_no)
    lines = ok(jtflow_cli("tasks", "--user", "c_12328")).splitlines()
    assert len(lines) == 1 and case_no in lines[0] and "分类转办" in lines[0]
    task_id = lines[0].split("\t")[0]
    assert "已认领" in ok(jtflow_cli("task", "claim", task_id, "--as", "c_12328"))
    assert "已释放" in ok(jtflow_cli("task", "release", task_id, "--as", "c_12328"))
    data = json.dumps({"decision": "transfer", "lead_unit": "METRO_BRT"})
    ok(jtflow_cli("task", "complete", task_id, "--as", "c_12328", "--data", data))
    kinds = [line.split("\t")[3] for line in ok(jtflow_cli("history", case_no)).splitlines()]
    assert kinds[0] == "case_reported"
    assert {"task_claimed", "task_released", "task_completed", "task_created"} <= set(kinds)
    assert "没有待办任务" in ok(jtflow_cli("tasks", "--user", "c_12328"))
    assert "触发计时器 0 个" in ok(jtflow_cli("timers", "fire"))


def test_the_tasks_command_lists_what_the_inbox_lists(jtflow_cli):
    """S1 is one rule (engine/people/access_rule.py): a handler sees their unit's and post's open
    tasks; an auditor every open task, read-only, as on the inbox page."""
    seeded(jtflow_cli)
    ok(jtflow_cli("user", "add", "auditor", "--name", "审计", "--unit", "BUREAU",
                  "--role", "审计员"))  # fmt: skip
    ok(jtflow_cli("user", "add", "bus_handler", "--name", "公交", "--unit", "BUS_GROUP",
                  "--role", "办理人"))  # fmt: skip
    case_no = ok(jtflow_cli(*REPORT)).strip()
    assert case_no in ok(jtflow_cli("tasks", "--user", "auditor"))
    assert "没有待办任务" in ok(jtflow_cli("tasks", "--user", "bus_handler"))


def test_a_completion_with_bad_data_names_the_fields_and_changes_nothing(jtflow_cli):
    seeded(jtflow_cli)
    case_no = ok(jtflow_cli(*REPORT)).strip()
    task_id = ok(jtflow_cli("tasks", "--user", "c_12328")).split("\t")[0]
    error = failed(jtflow_cli("task", "complete", task_id, "--as", "c_12328", "--data", "{oops"))
    assert "--data 不是有效的 JSON" in error and len(error.splitlines()) == 1
    error = failed(jtflow_cli("task", "complete", task_id, "--as", "c_12328", "--data", "[1]"))
    assert "应为 JSON 对象" in error
    error = failed(
        jtflow_cli("task", "complete", task_id, "--as", "c_12328", "--data", '{"decision": "x"}')
    )
    assert "填写有误" in error and "decision" in error
    history = ok(jtflow_cli("history", case_no))
    assert "task_completed" not in history
    assert task_id in ok(jtflow_cli("tasks", "--user", "c_12328"))


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["tasks", "--user", "nobody"], "用户 nobody 不存在"),
        (["history", "JT20991231-999999"], "案件 JT20991231-999999 不存在"),
        (["task", "complete", "999999", "--as", "c_12328"], "任务 999999 不存在"),
        (["deploy", "no/such/file.bpmn"], "no/such/file.bpmn"),
    ],
)
def test_unknown_things_are_one_clear_line(jtflow_cli, args, says):
    seeded(jtflow_cli)
    assert says in failed(jtflow_cli(*args))


def test_a_wrong_unit_cannot_complete_the_centers_task(jtflow_cli):
    seeded(jtflow_cli)
    ok(jtflow_cli(*REPORT))
    ok(jtflow_cli("user", "add", "bus_handler", "--name", "公交承办", "--unit", "BUS_GROUP",
                  "--role", "办理人"))  # fmt: skip
    task_id = ok(jtflow_cli("tasks", "--user", "c_12328")).split("\t")[0]
    assert "无权操作" in failed(jtflow_cli("task", "complete", task_id, "--as", "bus_handler"))


def test_a_malformed_diagram_is_refused_with_its_problems(jtflow_cli, tmp_path):
    seeded(jtflow_cli)
    broken = tmp_path / "broken.bpmn"
    broken.write_text("<definitions><process id='p'>", encoding="utf-8")
    error = failed(jtflow_cli("deploy", str(broken)))
    assert "流程图不能部署" in error and "broken.bpmn" in error


def test_an_uninitialised_database_says_to_run_init(jtflow_cli):
    error = failed(jtflow_cli("tasks", "--user", "c_12328"))
    assert "jtflow init" in error


def test_a_bad_database_url_is_one_line(tmp_path):
    runner = CliRunner(env={"JTFLOW_DATABASE_URL": "nosuchdb://x"})
    assert "JTFLOW_DATABASE_URL" in failed(runner.invoke(main, ["init"]))


def test_passwords_tokens_and_disabling_from_the_command_line(jtflow_cli):
    """S1: a password is set (and a short one refused), a token is printed once, a disabled
    user no longer gets tasks."""
    seeded(jtflow_cli)
    assert "至少 8 个字符" in failed(jtflow_cli("user", "passwd", "c_12328", "--password", "short"))
    assert "已设置" in ok(jtflow_cli("user", "passwd", "c_12328", "--password", "long enough"))
    created = jtflow_cli("token", "create", "c_12328")
    token = ok(created) and created.stdout.strip()  # the token alone on stdout, for scripts
    assert len(token) >= 40 and "过期；只显示这一次" in created.stderr
    assert "已停用" in ok(jtflow_cli("user", "disable", "c_12328"))
    assert "（已停用）" in ok(jtflow_cli("user", "list"))
    assert "不存在或已停用" in failed(jtflow_cli("tasks", "--user", "c_12328"))


def test_tokens_expire_are_listed_without_themselves_and_revoked_by_number(jtflow_cli):
    seeded(jtflow_cli)
    first = jtflow_cli("token", "create", "c_12328").stdout.strip()
    week = jtflow_cli("token", "create", "c_12328", "--expires-in-days", "7")
    assert "1–3650 天" in failed(jtflow_cli("token", "create", "c_12328", "--expires-in-days", "0"))
    listed = ok(jtflow_cli("token", "list"))
    assert first not in listed and week.stdout.strip() not in listed
    lines = listed.splitlines()
    assert lines[0] == "编号\t用户\t创建\t最近使用\t过期\t状态"
    assert [line.split("\t")[0:2] for line in lines[1:]] == [["1", "c_12328"], ["2", "c_12328"]]
    _, _, created, last_used, expires, state = lines[2].split("\t")
    in_a_week = datetime.strptime(created, "%Y-%m-%d %H:%M") + timedelta(days=7)
    assert [last_used, expires, state] == ["-", f"{in_a_week:%Y-%m-%d %H:%M}", "有效"]
    assert f"{expires} 过期" in week.stderr
    assert "已撤销令牌 1（c_12328）" in ok(jtflow_cli("token", "revoke", "1"))
    assert ok(jtflow_cli("token", "list", "c_12328")).splitlines()[1].endswith("\t已撤销")
    assert "令牌 99 不存在" in failed(jtflow_cli("token", "revoke", "99"))
    assert "用户 nobody 不存在" in failed(jtflow_cli("token", "list", "nobody"))
