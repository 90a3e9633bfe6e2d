"""`jtflow audit …`: what auditors ask of the stored history (S2)."""

from __future__ import annotations

import sys
import time

import click

from cli.support import jtflow_of, reports_errors


@click.group("audit")
def audit_commands() -> None:
    """Auditing: prove the case histories were never altered."""


@audit_commands.command("verify")
@click.argument("case", required=False)
@click.pass_context
@reports_errors
def verify(ctx: click.Context, case: str | None) -> None:
    """Recompute the hash chain of CASE (a case number or id), or of every case."""
    from engine.audit import iter_broken_lines
    from engine.audit import verify as verify_chains

    jtflow = jtflow_of(ctx)
    case_id = jtflow.case(case).id if case else None
    started = time.perf_counter()
    with jtflow.sessions() as session:
        result = verify_chains(session, case_id)
    seconds = time.perf_counter() - started
    for line in iter_broken_lines(result):
        click.echo(line)
    summary = f"已校验 {result.cases} 个案件、{result.events} 条历史事件（{seconds:.2f} 秒）"
    if result.broken:
        click.echo(f"{summary}：{len(result.broken)} 个案件的历史被改动", err=True)
        sys.exit(1)
    click.echo(f"{summary}：全部完好")


@audit_commands.command("replay")
@click.argument("case")
@click.pass_context
@reports_errors
def replay(ctx: click.Context, case: str) -> None:
    """Re-execute CASE's recorded inputs and check every stored event is reproduced."""
    import json

    from engine.replay import replay_case

    started = time.perf_counter()
    result = replay_case(jtflow_of(ctx), case)
    seconds = time.perf_counter() - started
    if result.divergence is None:
        click.echo(
            f"案件 {result.case_no}：重放 {result.events} 条事件，全部一致（{seconds:.2f} 秒）"
        )
        return
    divergence = result.divergence
    click.echo(f"案件 {result.case_no}：第 {divergence.seq} 条事件重放不一致", err=True)
    for label, value in (("记录", divergence.expected), ("重放", divergence.replayed)):
        click.echo(f"  {label}：{json.dumps(value, ensure_ascii=False, sort_keys=True)}", err=True)
    sys.exit(1)
