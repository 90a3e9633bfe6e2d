"""`jtflow retention …`: what O4 lets the bureau remove, removed on record, and audit holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from cli.support import jtflow_of, local, reports_errors

if TYPE_CHECKING:
    from engine.record.retention import Plan


@click.group("retention")
def retention_commands() -> None:
    """Retention (O4): static data for ever, dynamic at least a year, audio/video 3 months."""


@retention_commands.command("plan")
@click.pass_context
@reports_errors
def plan_command(ctx: click.Context) -> None:
    """List what is past its class's minimum: what may be removed and why, what is kept
    and why. Changes nothing."""
    from engine.record.retention import open_holds, plan

    jtflow = jtflow_of(ctx)
    with jtflow.sessions() as session:
        made = plan(session, jtflow.clock.now())
        holds = open_holds(session)
    for line in _plan_lines(made):
        click.echo(line)
    for hold, case_no in holds:
        click.echo(
            f"保全 {hold.id}：案件 {case_no}，{hold.reason}（{hold.placed_by}，{local(hold.placed_at)}）"
        )


def _plan_lines(made: Plan) -> list[str]:
    from engine.record.retention import CLASS_NAMES

    lines = [f"可删除 {len(made.removable)} 项，已过最短保存期限但须保留 {len(made.kept)} 项"]
    for item in made.removable:
        lines.append(
            f"  可删除：{item.label}，{CLASS_NAMES[item.retention]}，"
            f"{local(item.since)} 起算，{local(item.minimum_until)} 期满"
        )
    for item in made.kept:
        lines.append(f"  保留：{item.label}：{item.kept_because}")
    return lines


@retention_commands.command("apply")
@click.option("--as", "actor", required=True, help="The administrator removing (recorded).")
@click.option(
    "--execute",
    is_flag=True,
    help="Remove for real; without it this is a dry run that only says what it would remove.",
)
@click.pass_context
@reports_errors
def apply_command(ctx: click.Context, actor: str, execute: bool) -> None:
    """Remove what `plan` lists as removable, each removal in its case's history (or the
    access log); a dry run unless --execute."""
    from engine.config import attachment_store
    from engine.people.users import get_user
    from engine.record.retention import apply, plan

    jtflow = jtflow_of(ctx)
    with jtflow.sessions() as session:
        user = get_user(session, actor)
        if not execute:
            for line in _plan_lines(plan(session, jtflow.clock.now())):
                click.echo(line)
            click.echo("演练：未删除任何数据。确认无误后加 --execute 执行")
            return
        done = apply(session, attachment_store(ctx.obj), user, jtflow.clock.now())
    for item in done.removed:
        click.echo(f"已删除：{item.label}")
    click.echo(
        f"共删除 {len(done.removed)} 项，删除文件 {done.files_deleted} 个；每项已记入历史或访问日志"
    )


@retention_commands.command("hold")
@click.argument("case")
@click.option("--reason", required=True, help="The audit the case is held for.")
@click.option("--as", "actor", required=True, help="The auditor or administrator (recorded).")
@click.pass_context
@reports_errors
def hold_command(ctx: click.Context, case: str, reason: str, actor: str) -> None:
    """Hold CASE for an open audit: nothing of it is removed until the hold is lifted."""
    from engine.people.users import get_user
    from engine.people.visibility import find_case
    from engine.record.retention import place_hold

    jtflow = jtflow_of(ctx)
    with jtflow.sessions() as session:
        instance = find_case(session, case)
        hold = place_hold(session, get_user(session, actor), instance, reason, jtflow.clock.now())
        session.commit()
        click.echo(f"保全 {hold.id}：案件 {instance.case_no} 在解除前不按保存期限删除任何数据")


@retention_commands.command("lift")
@click.argument("hold_id", type=int)
@click.option("--as", "actor", required=True, help="The auditor or administrator (recorded).")
@click.pass_context
@reports_errors
def lift_command(ctx: click.Context, hold_id: int, actor: str) -> None:
    """Lift an audit hold (the hold stays on record with who lifted it)."""
    from engine.people.users import get_user
    from engine.record.retention import lift_hold

    jtflow = jtflow_of(ctx)
    with jtflow.sessions() as session:
        lift_hold(session, get_user(session, actor), hold_id, jtflow.clock.now())
        session.commit()
    click.echo(f"保全 {hold_id} 已解除")
