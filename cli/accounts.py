"""`jtflow user …` and `jtflow token …`: people, their passwords and their API tokens (S1)."""

from __future__ import annotations

import click

from cli.support import jtflow_of, reports_errors


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
    from engine.accounts import set_password
    from engine.users import add_user

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
    from engine.accounts import set_password

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
    from engine.accounts import disable_user

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
@click.pass_context
@reports_errors
def token_create(ctx: click.Context, username: str) -> None:
    """Create an API token for USER; it is shown once and stored only as a hash."""
    from engine.accounts import create_token

    jtflow = jtflow_of(ctx)
    with jtflow.sessions() as session:
        token = create_token(session, username, jtflow.clock.now())
        session.commit()
    click.echo(token)
