"""`jtflow assessment`: the score's weights as the bureau sets them (A1, A5)."""

from __future__ import annotations

import click

from cli.support import jtflow_of, local, reports_errors
from engine.assessment.weights import current_weights, set_weight


@click.group()
def assessment() -> None:
    """考核评价：the weights of the A1 score (show, set)."""


@assessment.command("weights")
@click.pass_context
@reports_errors
def weights(ctx: click.Context) -> None:
    """Every weight in force, its meaning, and who set it when (or: the default)."""
    jtflow = jtflow_of(ctx)
    with jtflow.sessions() as session:
        found = current_weights(session)
    for weight in found.values():
        origin = f"{weight.set_by} {local(weight.set_at)}" if weight.set_at else "默认"
        click.echo(f"{weight.name}\t{weight.value:g}\t{origin}\t{weight.label}")


@assessment.command("weight")
@click.argument("name")
@click.argument("value", type=float)
@click.option("--as", "actor", required=True, help="The user setting it (管理员 or 分管领导).")
@click.option("--note", default=None, help="Why (kept with the change).")
@click.pass_context
@reports_errors
def weight(ctx: click.Context, name: str, value: float, actor: str, note: str | None) -> None:
    """Set one weight (or closure_target_wd); the change is kept, the newest is in force."""
    jtflow = jtflow_of(ctx)
    with jtflow.sessions() as session:
        made = set_weight(session, name, value, by=actor, now=jtflow.clock.now(), note=note)
        session.commit()
    click.echo(f"{made.name} = {made.value:g}（{made.label}），由 {actor} 设定")
