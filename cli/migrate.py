"""`jtflow migrate`: move running cases to another deployed version of their process."""

from __future__ import annotations

import sys
from datetime import datetime

import click

from cli.support import jtflow_of, local, reports_errors
from engine.case_migration import Migration, migrate_each, migrate_running


@click.command("migrate")
@click.argument("cases", nargs=-1)
@click.option(
    "--from", "from_version", type=int, help="Migrate every running case of this version."
)
@click.option("--to", "to_version", type=int, help="Target version (default: the newest).")
@click.option("--process", "process_id", default="event_lifecycle", show_default=True)
@click.option("--dry-run", is_flag=True, help="Say what would change; change nothing.")
@click.option("--as", "actor", default="system", help="Who migrates (recorded; needs 流程负责人).")
@click.pass_context
@reports_errors
def migrate(
    ctx: click.Context,
    cases: tuple[str, ...],
    from_version: int | None,
    to_version: int | None,
    process_id: str,
    dry_run: bool,
    actor: str,
) -> None:
    """Move CASES (numbers or ids), or with --from every running case of a version, to another
    version. Open tasks keep their owner; deadlines are recomputed on the new version."""
    if bool(cases) == (from_version is not None):
        raise click.UsageError("请给出案件编号，或用 --from 指定要迁移的版本（二者选一）")
    jtflow = jtflow_of(ctx)
    if from_version is not None:
        report = migrate_running(
            jtflow,
            process_id,
            from_version=from_version,
            to_version=to_version,
            actor=actor,
            dry_run=dry_run,
        )
    else:
        report = migrate_each(jtflow, cases, to_version=to_version, actor=actor, dry_run=dry_run)
    verb = "将迁移" if dry_run else "已迁移"
    for migration in report.migrated:
        click.echo(_describe(migration, verb))
    for case_no, why in report.refused.items():
        click.echo(f"错误：案件 {case_no} 未迁移：{why}", err=True)
    click.echo(f"{verb} {len(report.migrated)} 个案件，未迁移 {len(report.refused)} 个")
    if report.refused:
        sys.exit(1)


def _describe(migration: Migration, verb: str) -> str:
    line = f"案件 {migration.case_no}：{verb}版本 {migration.from_version} → {migration.to_version}"
    if migration.changed:
        line += f"；变化的元素：{'、'.join(migration.changed)}"
    for moved in migration.retimed:
        old, new = (_at(moved[k]) for k in ("old_due_at", "new_due_at"))
        line += f"；{moved['element_id']} 到期 {old} → {new}"
    return line


def _at(iso: str) -> str:
    return local(datetime.fromisoformat(iso))
