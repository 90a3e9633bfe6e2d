"""`jtflow user …` and `jtflow token …`: people, their passwords and their API tokens (S1)."""

from __future__ import annotations

from datetime import timedelta

import click

from cli.support import jtflow_of, local, reports_errors
from engine.people.accounts import MAX_TOKEN_DAYS, TOKEN_DAYS


@click.group("user")
def user_commands() -> None:
    """Users: who they are, their unit and posts, their password."""


@user_commands.command("add")
@click.argument("username")
@click.option("--name", "display_name", required=True)
@click.option("--unit", required=True)
@click.option("--role", "roles", multiple=True, required=True)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    prompt_required=False,
    default=None,
    help="Sign-in password (asked for when given without a value).",
)
@click.pass_context
@reports_errors
def user_add(
    ctx: click.Context,
    username: str,
    display_name: str,
    unit: str,
    roles: tuple[str, ...],
    password: str | None,
) -> None:
    from engine.people.accounts import set_password
    from engine.people.users import add_user

    with jtflow_of(ctx).sessions() as session:
        add_user(session, username, display_name, unit, list(roles))
        if password:
            set_password(session, username, password)
        session.commit()
    click.echo(
        f"已添加用户 {username}" + ("" if password else "（未设密码：用 `jtflow user passwd`）")
    )


@user_commands.command("passwd")
@click.argument("username")
@click.password_option(help="The new password (asked for when not given).")
@click.pass_context
@reports_errors
def user_passwd(ctx: click.Context, username: str, password: str) -> None:
    from engine.people.accounts import set_password

    with jtflow_of(ctx).sessions() as session:
        set_password(session, username, password)
        session.commit()
    click.echo(f"已设置 {username} 的密码")


@user_commands.command("disable")
@click.argument("username")
@click.pass_context
@reports_errors
def user_disable(ctx: click.Context, username: str) -> None:
    """Disable a user: no sign-in, no tasks, and their API tokens are revoked."""
    from engine.people.accounts import disable_user

    with jtflow_of(ctx).sessions() as session:
        disable_user(session, username)
        session.commit()
    click.echo(f"已停用用户 {username}，其 API 令牌已撤销")


@user_commands.command("list")
@click.pass_context
@reports_errors
def user_list(ctx: click.Context) -> None:
    for u in jtflow_of(ctx).users():
        state = "" if u.active else "\t（已停用）"
        click.echo(f"{u.username}\t{u.display_name}\t{u.unit_code}\t{'、'.join(u.roles)}{state}")


@click.group("token")
def token_commands() -> None:
    """API tokens (Authorization: Bearer …)."""


@token_commands.command("create")
@click.argument("username")
@click.option(
    "--expires-in-days",
    "days",
    type=int,
    default=TOKEN_DAYS,
    show_default=True,
    help=f"How long the token works (1–{MAX_TOKEN_DAYS} days); make a new one before it ends.",
)
@click.pass_context
@reports_errors
def token_create(ctx: click.Context, username: str, days: int) -> None:
    """Create an API token for USER; it is shown once and stored only as a hash.

    The token alone goes to standard output (for scripts); its expiry to standard error."""
    from engine.people.accounts import create_token

    jtflow = jtflow_of(ctx)
    now = jtflow.clock.now()
    with jtflow.sessions() as session:
        token = create_token(session, username, now, days=days)
        session.commit()
    click.echo(token)
    expires = local(now + timedelta(days=days))
    click.echo(f"（{username} 的令牌，{expires} 过期；只显示这一次，请妥善保存）", err=True)


@token_commands.command("list")
@click.argument("username", required=False)
@click.pass_context
@reports_errors
def token_list(ctx: click.Context, username: str | None) -> None:
    """API tokens (of USER, or everyone's): number, user, created, last used, expiry and
    state. Never the token itself: only its hash is stored."""
    from engine.people.accounts import list_tokens

    jtflow = jtflow_of(ctx)
    now = jtflow.clock.now()
    with jtflow.sessions() as session:
        tokens = list_tokens(session, username)
    if not tokens:
        click.echo("没有 API 令牌" + (f"（{username}）" if username else ""))
        return
    click.echo("编号\t用户\t创建\t最近使用\t过期\t状态")
    for t in tokens:
        expires = local(t.expires_at) if t.expires_at else "不过期（旧令牌，请换新）"
        if t.revoked:
            state = "已撤销"
        elif t.expires_at is not None and t.expires_at <= now:
            state = "已过期"
        else:
            state = "有效"
        row = [str(t.id), t.username, local(t.created_at), local(t.last_used_at), expires, state]
        click.echo("\t".join(row))


@token_commands.command("revoke")
@click.argument("token_id", metavar="ID", type=click.IntRange(min=1, max=2**31 - 1))
@click.pass_context
@reports_errors
def token_revoke(ctx: click.Context, token_id: int) -> None:
    """Revoke the token numbered ID (see `jtflow token list`): it stops working at once."""
    from engine.people.accounts import revoke_token

    with jtflow_of(ctx).sessions() as session:
        token = revoke_token(session, token_id)
        session.commit()
    click.echo(f"已撤销令牌 {token.id}（{token.username}）")
