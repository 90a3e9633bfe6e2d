"""`jtflow migrate` on a real SQLite file: a process owner moves running cases to a newly
deployed version (DESIGN.md "Definitions"), with a dry run first; refusals are one line each."""

from __future__ import annotations

from tests.cli.test_cli import failed, ok
from tests.engine.test_case_migration import (
    SIGN_FOR_IN_TWO_WORKING_DAYS,
    definition_of,
    waiting_at_sign_for,
)
from tests.factories import deploy_variant, kinds, write_variant


def test_a_dry_run_then_the_migration_of_one_version(cli, jtflow, tmp_path):
    cases = [waiting_at_sign_for(jtflow) for _ in range(2)]
    deploy_variant(jtflow, tmp_path / "v2", *SIGN_FOR_IN_TWO_WORKING_DAYS)

    out = ok(cli("migrate", "--from", "1", "--dry-run", "--as", "owner"))
    assert f"案件 {cases[0].case_no}：将迁移版本 1 → 2" in out and "将迁移 2 个案件" in out
    assert "timer_sign_for 到期 2026-09-29 09:00 → 2026-09-30 09:00" in out
    assert {definition_of(jtflow, c) for c in cases} == {1}

    out = ok(cli("migrate", "--from", "1", "--as", "owner"))
    assert "已迁移 2 个案件，未迁移 0 个" in out
    assert {definition_of(jtflow, c) for c in cases} == {2}
    for case in cases:  # the CLI runs on the real clock: past version 2's deadlines too
        after = kinds(jtflow, case)[kinds(jtflow, case).index("migrated") :]
        assert after.count("timer_fired") == 2 and "light_changed" in after


def test_refusals_are_one_line_and_leave_the_other_cases_migrated(cli, jtflow, tmp_path):
    case = waiting_at_sign_for(jtflow)
    deploy_variant(jtflow, tmp_path / "v2", *SIGN_FOR_IN_TWO_WORKING_DAYS)
    err = failed(cli("migrate", case.case_no, "JT20990101-000009", "--as", "owner"))
    assert "案件 JT20990101-000009 未迁移" in err
    assert definition_of(jtflow, case) == 2
    err = failed(cli("migrate", case.case_no, "--as", "bus_handler"))
    assert "流程负责人" in err


def test_cases_or_a_version_must_be_named(cli):
    result = cli("migrate", "--as", "owner")
    assert result.exit_code == 2 and "--from" in result.output


def test_deploying_a_new_version_says_which_cases_stay_on_the_old_one(cli, jtflow, tmp_path):
    waiting_at_sign_for(jtflow)
    diagram = write_variant(tmp_path / "v2", *SIGN_FOR_IN_TWO_WORKING_DAYS)
    out = ok(cli("deploy", str(diagram), "--as", "owner"))
    assert "event_lifecycle v2（新版本" in out
    assert "版本 1 上仍有 1 个运行中的案件" in out
    assert "jtflow migrate --from 1 --to 2 --dry-run" in out


def test_migrating_a_version_with_no_newer_one_is_one_line(cli, jtflow):
    waiting_at_sign_for(jtflow)
    err = failed(cli("migrate", "--from", "1", "--as", "owner"))
    assert err.count("\n") == 1 and "请先用 `jtflow deploy` 部署新版本" in err
