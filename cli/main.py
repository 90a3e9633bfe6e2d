"""The `jtflow` command. Errors are one clear line (plus one per problem) and a non-zero exit."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cli.accounts import token_commands, user_commands
from cli.assessment import assessment as assessment_commands
from cli.audit import audit_commands
from cli.bench import DATABASE_HELP, chosen_caches
from cli.bench import run as run_lifecycles
from cli.bench_assessment import assessment as bench_assessment
from cli.bench_audit import audit as bench_audit
from cli.bench_catalogue import catalogue as bench_catalogue
from cli.bench_inbox import inbox as bench_inbox
from cli.bench_modeler import modeler as bench_modeler
from cli.bench_notifications import notifications as bench_notifications
from cli.bench_sequence import run as run_sequence
from cli.bench_sharing import sharing_command as bench_sharing
from cli.bench_throughput import throughput as bench_throughput
from cli.bench_timers import timers as bench_timers
from cli.calendar import calendar as calendar_commands
from cli.knowledge import knowledge_commands
from cli.migrate import migrate
from cli.retention import retention_commands
from cli.serve import serve
from cli.support import jtflow_of, local, reports_errors
from cli.worker import worker
from engine.case_migration import running_elsewhere
from engine.config import Settings
from engine.errors import InvalidInput


@click.group()
@click.pass_context
@reports_errors
def main(ctx: click.Context) -> None:
    """jtflow：厦门市智慧交通运输精细化管理标准（第八篇）的流程系统。"""
    ctx.obj = Settings.from_env()


@main.command()
@click.pass_context
@reports_errors
def init(ctx: click.Context) -> None:
    """Create or migrate the database, seed organisations, deploy the bundled processes."""
    from engine.bootstrap import initialise

    for line in initialise(ctx.obj, jtflow_of(ctx)):
        click.echo(line)


@main.command()
@click.option("--events", default=36, show_default=True, help="How many demo events to create.")
@click.pass_context
@reports_errors
def demo(ctx: click.Context, events: int) -> None:
    """Initialise, add demo users for every post and unit, and demo events at every stage."""
    from engine.bootstrap import initialise
    from engine.demo import load_demo

    jtflow = jtflow_of(ctx)
    for line in initialise(ctx.obj, jtflow):
        click.echo(line)
    for line in load_demo(ctx.obj, events):
        click.echo(line)


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--as", "actor", default="system", help="Who deploys (recorded).")
@click.pass_context
@reports_errors
def deploy(ctx: click.Context, file: Path, actor: str) -> None:
    """Deploy a BPMN file (with the DMN files beside it that it calls)."""
    jtflow = jtflow_of(ctx)
    definition, created = jtflow.deploy(file, actor)
    state = "新版本" if created else "内容未变，沿用"
    click.echo(
        f"{definition.process_id} v{definition.version}（{state}，{definition.content_hash[:12]}）"
    )
    with jtflow.sessions() as session:
        elsewhere = running_elsewhere(session, definition)
    for version, count in elsewhere.items():
        click.echo(
            f"版本 {version} 上仍有 {count} 个运行中的案件，将按原版本办完；"
            f"如需迁移，先查看影响：jtflow migrate --from {version} --to {definition.version} --dry-run"
        )


@main.group()
def event() -> None:
    """Events (事件)."""


@event.command("report")
@click.option("--as", "reporter", required=True, help="Username of the reporting post.")
@click.option("--channel", required=True)
@click.option("--urgency", required=True)
@click.option("--title", required=True)
@click.option("--description", required=True)
@click.option("--location", required=True)
@click.option("--facility-type", required=True)
@click.option("--facility-name", required=True)
@click.option(
    "--discovered-at", required=True, help="ISO 8601 with offset, e.g. 2026-11-24T09:30:00+08:00"
)
@click.pass_context
@reports_errors
def report(
    ctx: click.Context,
    reporter: str,
    facility_type: str,
    facility_name: str,
    discovered_at: str,
    **fields: str,
) -> None:
    """报送 an event; prints its case number."""
    payload = {
        **fields,
        "facility": {"type": facility_type, "name": facility_name},
        "discovered_at": discovered_at,
    }
    ref = jtflow_of(ctx).report_event(payload, reporter=reporter)
    click.echo(ref.case_no)


@main.command()
@click.option("--user", "username", required=True)
@click.pass_context
@reports_errors
def tasks(ctx: click.Context, username: str) -> None:
    """Open tasks for a user, as their inbox lists them (S1): their unit's and post's,
    unclaimed or claimed by them; an auditor's, every open task (read-only)."""
    rows = jtflow_of(ctx).tasks_for(username)
    if not rows:
        click.echo("没有待办任务")
    for task, case in rows:
        flag = "（暂定）" if task.provisional else ""
        owner = f" 认领人 {task.assignee}" if task.assignee else ""
        click.echo(
            f"{task.id}\t{case.case_no}\t{task.name}\t{case.title}\t"
            f"时限 {local(task.due_at)}{flag}{owner}"
        )


@main.group()
def task() -> None:
    """One task: claim, release, complete."""


@task.command("complete")
@click.argument("task_id", type=int)
@click.option("--as", "username", required=True)
@click.option("--data", default="{}", help="Form data as JSON.")
@click.pass_context
@reports_errors
def complete(ctx: click.Context, task_id: int, username: str, data: str) -> None:
    """Complete a task with form data (checked against its form and your unit and role)."""
    payload = json.loads(data)
    if not isinstance(payload, dict):
        raise InvalidInput("--data 应为 JSON 对象，例如 '{\"accept\": true}'")
    jtflow_of(ctx).complete(task_id, payload, username)
    click.echo(f"任务 {task_id} 已完成")


@task.command("claim")
@click.argument("task_id", type=int)
@click.option("--as", "username", required=True)
@click.pass_context
@reports_errors
def claim(ctx: click.Context, task_id: int, username: str) -> None:
    jtflow_of(ctx).claim(task_id, username)
    click.echo(f"任务 {task_id} 已认领")


@task.command("release")
@click.argument("task_id", type=int)
@click.option("--as", "username", required=True)
@click.pass_context
@reports_errors
def release(ctx: click.Context, task_id: int, username: str) -> None:
    jtflow_of(ctx).release(task_id, username)
    click.echo(f"任务 {task_id} 已释放")


@main.group()
def timers() -> None:
    """Timer events."""


@timers.command("fire")
@click.pass_context
@reports_errors
def fire(ctx: click.Context) -> None:
    """Fire every timer that is due now."""
    click.echo(f"触发计时器 {jtflow_of(ctx).fire_due_timers()} 个")


@main.command()
@click.argument("case")
@click.pass_context
@reports_errors
def history(ctx: click.Context, case: str) -> None:
    """A case's history: who did what, when, with which data."""
    for event in jtflow_of(ctx).history(case):
        data = json.dumps(event.data, ensure_ascii=False, sort_keys=True)
        click.echo(
            f"{event.seq}\t{local(event.at)}\t{event.actor}\t{event.kind}\t"
            f"{event.element_id or '-'}\t{data}"
        )


@main.group(invoke_without_command=True)
@click.option(
    "-n", "count", type=int, default=None, help="Cases per round [lifecycle: 100, sequence: 300]."
)
@click.option("--database", "databases", multiple=True, help=f"{DATABASE_HELP}; repeatable.")
@click.option("--cache", "caches", default="warm,cold", show_default=True)
@click.option("--shape", type=click.Choice(["lifecycle", "sequence"]), default="lifecycle")
@click.option(
    "--rounds", default=5, show_default=True, help="Alternating rounds (medians compared)."
)
@click.option(
    "--guard", is_flag=True, help="Also run jtflow with plain eval: what the guard costs."
)
@click.option("--memory", is_flag=True, help="Also trace peak memory.")
@click.pass_context
@reports_errors
def bench(
    ctx: click.Context,
    count: int | None,
    databases: tuple[str, ...],
    caches: str,
    shape: str,
    rounds: int,
    guard: bool,
    memory: bool,
) -> None:
    """Cases persisted by jtflow vs raw in-memory SpiffWorkflow, one line per database and
    cache (warm: live workflows kept; cold: every step loads the stored state) with the ratio
    and SQL statements, round trips and commits per step.

    `jtflow bench throughput` drives lifecycles through several processes; `jtflow bench
    timers` measures how late timers fire."""
    if ctx.invoked_subcommand is not None:
        return
    targets: list[str | None] = [*databases] or [None]
    chosen = chosen_caches(caches)
    if shape == "sequence":
        lines = run_sequence(count or 300, targets, chosen, rounds)
    else:
        lines = run_lifecycles(count or 100, targets, chosen, rounds, guard, memory)
    for line in lines:
        click.echo(line)


bench.add_command(bench_timers)
bench.add_command(bench_audit)
bench.add_command(bench_inbox)
bench.add_command(bench_notifications)
bench.add_command(bench_catalogue)
bench.add_command(bench_sharing)
bench.add_command(bench_modeler)
bench.add_command(bench_throughput)
bench.add_command(bench_assessment)
main.add_command(worker)
main.add_command(calendar_commands)
main.add_command(user_commands)
main.add_command(token_commands)
main.add_command(serve)
main.add_command(audit_commands)
main.add_command(migrate)
main.add_command(assessment_commands)
main.add_command(retention_commands)
main.add_command(knowledge_commands)

if __name__ == "__main__":
    main()
