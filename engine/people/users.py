"""People: who they are, which unit they belong to, which posts/roles they hold (SPEC §1, S1)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InvalidInput, NotFound
from ..models import Organisation, User
from .reference import ROLES


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
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
