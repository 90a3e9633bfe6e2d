"""`jtflow audit …`: what auditors ask of the stored history (S2)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from cli.support import jtflow_of, local, reports_errors


@click.group("audit")
def audit_commands() -> None:
    """Auditing: prove the case histories were never altered."""


@audit_commands.command("verify")
@click.argument("case", required=False)
@click.option(
    "--since-anchor",
    "anchor_path",
    type=click.Path(path_type=Path),
    help="Also prove nothing up to the newest checkpoint in this anchor file was rewritten.",
)
@click.pass_context
@reports_errors
def verify(ctx: click.Context, case: str | None, anchor_path: Path | None) -> None:
    """Recompute the hash chain of CASE (a case number or id), or of every case."""
    from engine.data.grant_rows import grants_disagree
    from engine.record.audit import iter_broken_lines
    from engine.record.audit import verify as verify_chains

    jtflow = jtflow_of(ctx)
    case_id = jtflow.case(case).id if case else None
    if anchor_path is not None:
        _verify_since_anchor(ctx, case_id, anchor_path)
        return
    started = time.perf_counter()
    with jtflow.sessions() as session:
        result = verify_chains(session, case_id)
        grants = grants_disagree(session, case_id)  # the grant rows pages read (D6, S2)
    seconds = time.perf_counter() - started
    for line in iter_broken_lines(result):
        click.echo(line)
    for grant in grants:
        click.echo(f"案件 {grant.case_no}：{grant.reason}")
    summary = f"已校验 {result.cases} 个案件、{result.events} 条历史事件（{seconds:.2f} 秒）"
    if result.broken:
        click.echo(f"{summary}：{len(result.broken)} 个案件的历史被改动", err=True)
        sys.exit(1)
    if grants:
        click.echo(f"{summary}：{len(grants)} 条授权记录与其历史不符", err=True)
        sys.exit(1)
    click.echo(f"{summary}：全部完好")


def _verify_since_anchor(ctx: click.Context, case_id: int | None, path: Path) -> None:
    from engine.record.anchor_check import verify_since_anchor
    from engine.record.anchor_key import anchor_key
    from engine.record.audit import iter_broken_lines

    key = anchor_key(ctx.obj)  # a missing key is one line before anything is read
    jtflow = jtflow_of(ctx)
    started = time.perf_counter()
    with jtflow.sessions() as session:
        result = verify_since_anchor(session, key, path, case_id)
    seconds = time.perf_counter() - started
    for line in iter_broken_lines(result.chains):
        click.echo(line)
    for item in result.rewritten:
        click.echo(
            f"案件 {item.case_no or f'#{item.case_id}'}：{item.reason}"
            f"（锚定文件第 {item.checkpoint} 个检查点）"
        )
    newest = result.newest
    click.echo(
        f"锚定文件 {path}：{result.checkpoints} 个检查点签名均有效，最新一个于 "
        f"{local(newest.at)} 锚定 {newest.cases} 个案件"
    )
    if result.lines_lost:
        click.echo(
            f"注意：数据库记录此文件还有 {result.lines_lost} 个更新的检查点，文件中没有"
            "（文件是旧副本，或末尾被截去）：以上只证明到文件中最新的检查点",
            err=True,
        )
    chains = result.chains
    summary = (
        f"已校验 {chains.cases} 个案件、{chains.events} 条历史事件，"
        f"其中 {result.anchored} 个案件对照锚定（{seconds:.2f} 秒）"
    )
    if not result.intact:
        problems = []
        if chains.broken:
            problems.append(f"{len(chains.broken)} 个案件的历史被改动")
        if result.rewritten:
            problems.append(f"{len(result.rewritten)} 个案件在锚定后被改写")
        click.echo(f"{summary}：{'，'.join(problems)}", err=True)
        sys.exit(1)
    click.echo(f"{summary}：全部完好，锚定之前的历史未被改写")


@audit_commands.command("anchor")
@click.option(
    "--file",
    "path",
    type=click.Path(path_type=Path),
    help="Anchor file to append to (default: JTFLOW_AUDIT_ANCHOR_FILE, or beside the SQLite file).",
)
@click.pass_context
@reports_errors
def anchor(ctx: click.Context, path: Path | None) -> None:
    """Append a signed checkpoint of every case's chain head to the anchor file (S2)."""
    from engine.record.anchor_key import anchor_file, anchor_key
    from engine.record.anchoring import anchor as write_checkpoint

    key = anchor_key(ctx.obj)
    target = anchor_file(ctx.obj, path)
    jtflow = jtflow_of(ctx)
    started = time.perf_counter()
    made = write_checkpoint(
        jtflow.sessions, key, target, at=jtflow.clock.now(), made_by=f"cli/{jtflow.worker_id}"
    )
    seconds = time.perf_counter() - started
    assert made is not None  # only a daily checkpoint can find its day taken
    checkpoint = made.checkpoint
    click.echo(
        f"已锚定 {checkpoint.cases} 个案件的链头（{checkpoint.changed} 个有变化）："
        f"{target} 第 {checkpoint.number} 个检查点，根哈希 {checkpoint.root[:16]}…"
        f"（{seconds:.2f} 秒）"
    )
    for case_id, case_no in made.rewritten:
        click.echo(
            f"案件 {case_no or f'#{case_id}'}：锚定的事件已被改写或删除，链头保持上次锚定的位置",
            err=True,
        )
    if made.rewritten:
        click.echo(
            f"{len(made.rewritten)} 个案件在上次锚定后被改写：请运行 "
            f"jtflow audit verify --since-anchor {target}",
            err=True,
        )
        sys.exit(1)


@audit_commands.command("replay")
@click.argument("case")
@click.option("--raw", is_flag=True, help="Also print both events as JSON.")
@click.pass_context
@reports_errors
def replay(ctx: click.Context, case: str, raw: bool) -> None:
    """Re-execute CASE's recorded inputs and check every stored event is reproduced; say
    which field of the first event that differs was recorded as what, and what the engine
    produces now."""
    import json

    from engine.replay import replay_case

    started = time.perf_counter()
    result = replay_case(jtflow_of(ctx), case)
    seconds = time.perf_counter() - started
    for sentence in result.removed_files:  # O4: the replay needs none of their content
        click.echo(sentence)
    if result.divergence is None:
        click.echo(
            f"案件 {result.case_no}：重放 {result.events} 条事件，全部一致（{seconds:.2f} 秒）"
        )
        return
    divergence = result.divergence
    click.echo(f"案件 {result.case_no}：第 {divergence.seq} 条事件重放不一致", err=True)
    for sentence in divergence.said:
        click.echo(f"  {sentence}", err=True)
    if raw:
        for label, value in (("记录", divergence.expected), ("重放", divergence.replayed)):
            text = json.dumps(value, ensure_ascii=False, sort_keys=True)
            click.echo(f"  {label}：{text}", err=True)
    sys.exit(1)
