"""Managing users from the pages (S1): only a 管理员 adds people, resets passwords and
disables accounts; each change is checked field by field and written to the access log.

The work itself is engine.people.users and engine.people.accounts, as for `jtflow user …`.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import FieldError, InvalidInput, PermissionDenied
from ..models import Organisation, User
from .accounts import MIN_PASSWORD_LENGTH, disable_user, log_access, set_password
from .reference import ROLES
from .users import add_user

ADMINISTRATOR = "管理员"
USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{1,79}")


def check_administrator(user: User) -> None:
    if ADMINISTRATOR not in (user.roles or []):
        raise PermissionDenied(
            f"{user.username} 不是{ADMINISTRATOR}：用户管理需要{ADMINISTRATOR}角色"
        )


def all_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.unit_code, User.username)))


def units(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.code)))


def create_user(
    session: Session,
    actor: User,
    now: datetime,
    *,
    username: str,
    display_name: str,
    unit_code: str,
    roles: list[str],
    password: str,
) -> User:
    """A new user with an initial password; every field's problem is reported at once."""
    check_administrator(actor)
    problems = []
    if not USERNAME.fullmatch(username):
        problems.append(
            FieldError("username", "用户名须以字母开头，由 2–80 个字母、数字、_ . - 组成")
        )
    elif session.scalar(select(User.id).where(User.username == username)) is not None:
        problems.append(FieldError("username", f"用户名 {username} 已存在"))
    if not display_name.strip():
        problems.append(FieldError("display_name", "请填写姓名"))
    if session.get(Organisation, unit_code) is None:
        problems.append(FieldError("unit_code", "请选择所在单位"))
    unknown = [r for r in roles if r not in ROLES]
    if not roles or unknown:
        problems.append(
            FieldError(
                "roles", f"未知角色 {'、'.join(unknown)}" if unknown else "请至少选择一个角色"
            )
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(FieldError("password", f"初始密码至少 {MIN_PASSWORD_LENGTH} 个字符"))
    if problems:
        raise InvalidInput("；".join(p.message for p in problems), errors=problems)
    user = add_user(session, username, display_name.strip(), unit_code, roles)
    set_password(session, username, password)
    _log(session, actor, now, "user_added", username)
    return user


def reset_password(
    session: Session, actor: User, now: datetime, username: str, password: str
) -> None:
    """A new password; the account's failed sign-ins and lock are cleared with it."""
    check_administrator(actor)
    if len(password) < MIN_PASSWORD_LENGTH:
        message = f"新密码至少 {MIN_PASSWORD_LENGTH} 个字符"
        raise InvalidInput(message, errors=[FieldError("password", message)])
    set_password(session, username, password)
    _log(session, actor, now, "password_reset", username)


def disable(session: Session, actor: User, now: datetime, username: str) -> None:
    """No more sign-in, no tasks, API tokens revoked. Never one's own account: the last
    administrator could otherwise lock everyone out of this page."""
    check_administrator(actor)
    if username == actor.username:
        raise InvalidInput("不能停用自己的账户：请由另一位管理员操作")
    disable_user(session, username)
    _log(session, actor, now, "user_disabled", username)


def _log(session: Session, actor: User, now: datetime, action: str, username: str) -> None:
    log_access(session, now, actor.username, action, allowed=True, target=("user", username))
