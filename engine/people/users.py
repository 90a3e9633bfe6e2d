"""People: who they are, which unit they belong to, which posts/roles they hold (SPEC §1, S1)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..errors import InvalidInput, NotFound
from ..models import Organisation, User
from .reference import ROLES

_USER = select(User).where(User.username == bindparam("username"))  # built once


def get_user(session: Session, username: str) -> User:
    user = session.scalar(_USER, {"username": username})
    if user is None or not user.active:
        raise NotFound(f"用户 {username} 不存在或已停用：请用 `jtflow user list` 查看可用用户")
    return user


def add_user(
    session: Session, username: str, display_name: str, unit_code: str, roles: list[str]
) -> User:
    if session.get(Organisation, unit_code) is None:
        raise InvalidInput(f"单位 {unit_code} 不存在：请使用 SPEC §1 的单位代码")
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise InvalidInput(f"未知角色 {'、'.join(unknown)}：可用角色为 {'、'.join(ROLES)}")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise InvalidInput(f"用户名 {username} 已存在")
    user = User(username=username, display_name=display_name, unit_code=unit_code, roles=roles)
    session.add(user)
    session.flush()
    return user


def display_names(session: Session, usernames: Iterable[str] | None = None) -> dict[str, str]:
    """Who did something, as pages name them: the display name, or "系统" for the engine's
    own work (`jtflow init`, timers); a name no longer on file is shown as recorded. Without
    `usernames`, everyone on file."""
    query = select(User.username, User.display_name)
    if usernames is not None:
        wanted = set(usernames)
        query = query.where(User.username.in_(wanted))
    found = {username: name for username, name in session.execute(query)}
    found.setdefault("system", "系统")
    if usernames is None:
        return found
    return {name: found.get(name, name) for name in wanted}
