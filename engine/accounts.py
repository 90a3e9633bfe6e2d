"""Signing in (S1): password checks with lockout, API tokens, and the access log.

Passwords are hashed by werkzeug (scrypt); tokens are random and stored only as SHA-256,
so a copy of the database yields neither. Five failed sign-ins lock an account for
fifteen minutes; every refusal is logged.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from .errors import InvalidInput, NotFound, PermissionDenied
from .models import AccessLog, ApiToken, User

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8


class SignInRefused(PermissionDenied):
    """Wrong name or password, a locked or a disabled account: said the same way to the caller."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"密码至少 {MIN_PASSWORD_LENGTH} 个字符")
    return generate_password_hash(password)


def set_password(session: Session, username: str, password: str) -> None:
    set_password_hash(session, username, hash_password(password))


def set_password_hash(session: Session, username: str, hashed: str) -> None:
    """A password hash made by hash_password (one hash may serve many demo users); clears
    a lockout."""
    user = _user(session, username)
    user.password_hash = hashed
    user.failed_logins, user.locked_until = 0, None


def authenticate(session: Session, username: str, password: str, now: datetime) -> User:
    """The user, if the password is right and the account is usable; the caller commits."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or user.password_hash is None:
        log_access(session, now, username, "login_failed", allowed=False)
        raise SignInRefused("用户名或密码不正确")
    if user.locked_until is not None and user.locked_until > now:
        log_access(session, now, username, "login_locked", allowed=False)
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60))
        raise SignInRefused(f"连续登录失败次数过多，账户已锁定，请 {minutes} 分钟后再试")
    if not check_password_hash(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.failed_logins, user.locked_until = 0, now + LOCKOUT
        log_access(session, now, username, "login_failed", allowed=False)
        raise SignInRefused("用户名或密码不正确")
    user.failed_logins, user.locked_until = 0, None
    log_access(session, now, username, "login", allowed=True)
    return user


def disable_user(session: Session, username: str) -> None:
    user = _user(session, username)
    user.active = False
    for token in session.scalars(select(ApiToken).where(ApiToken.username == username)):
        token.revoked = True


def create_token(session: Session, username: str, now: datetime) -> str:
    """A new API token for the user; the only time it is ever shown."""
    _user(session, username)
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(username=username, token_hash=_digest(token), created_at=now))
    return token


def user_for_token(session: Session, token: str, now: datetime) -> User:
    found = session.execute(
        select(ApiToken, User)
        .join(User, User.username == ApiToken.username)
        .where(ApiToken.token_hash == _digest(token))
    ).first()
    if found is None or found[0].revoked or not found[1].active:
        raise SignInRefused("令牌无效或已撤销：请用 `jtflow token create 用户名` 重新生成")
    found[0].last_used_at = now
    return found[1]


def log_access(
    session: Session,
    now: datetime,
    username: str | None,
    action: str,
    *,
    allowed: bool,
    target: tuple[str, str] | None = None,
    detail: str | None = None,
) -> None:
    kind, target_id = target if target else (None, None)
    session.add(
        AccessLog(
            at=now,
            username=username,
            action=action,
            target_kind=kind,
            target_id=target_id,
            allowed=allowed,
            detail=detail[:400] if detail else None,
        )
    )


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"用户 {username} 不存在：请用 `jtflow user list` 查看")
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
