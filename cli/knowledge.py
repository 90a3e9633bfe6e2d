"""`jtflow knowledge …`: the knowledge base's standing quarterly schedule (O2)."""

from __future__ import annotations

import click

from cli.support import jtflow_of, reports_errors


@click.group("knowledge")
def knowledge_commands() -> None:
    """Knowledge base (O2): new knowledge within 5 working days, revised every quarter."""


@knowledge_commands.command("schedule")
@click.option("--as", "starter", required=True, help="Who starts the schedule (recorded).")
@click.pass_context
@reports_errors
def schedule_command(ctx: click.Context, starter: str) -> None:
    """Start the standing case whose timer cycle opens the center's revision every quarter;
    if it is already running, say which case it is. Safe to run again."""
    from engine.knowledge import start_schedule

    case_no = start_schedule(jtflow_of(ctx), starter=starter)
    click.echo(f"知识库季度修订日程：案件 {case_no}（每季度第一天 0:00 打开修订任务）")
