"""Signing in (S1): password checks with lockout, sessions, API tokens, and the access log.

Passwords are hashed by werkzeug (scrypt); tokens are random and stored only as SHA-256,
so a copy of the database yields neither. Every refusal of a sign-in says the same thing
after the same work (one password hash), whatever the reason; five failures of one name
from one client address lock that pair for fifteen minutes; every refusal is logged with
the address.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import InvalidInput, NotFound, PermissionDenied
from ..models import AccessLog, ApiToken, SignInFailures, User
from ..time.clock import SHANGHAI

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8
TOKEN_DAYS = 90  # `jtflow token create` without --expires-in-days
MAX_TOKEN_DAYS = 3650
LAST_USE_RESOLUTION = timedelta(minutes=1)  # a token's last use is written at most this often
LOCKOUT_MINUTES = int(LOCKOUT.total_seconds() // 60)
REFUSED = (  # webui/auth.py shows the same words, translated
    f"用户名或密码不正确：请检查后再试（连续失败 {MAX_FAILED_LOGINS} 次须等 "
    f"{LOCKOUT_MINUTES} 分钟）；忘记密码请找管理员重设"
)
# Checked when there is no password to check (unknown name, disabled account), so those
# refusals cost the same scrypt work as a wrong password. Made by generate_password_hash with
# werkzeug's defaults; tests/engine/test_accounts.py checks it still matches them.
NO_PASSWORD_HASH = (
    "scrypt:32768:8:1$gug9EJfFUcK9Szzy$4e55f9a83f5d6b34d2bbc4511b256e552093833b1d12d32729"
    "d38a4315f535f225596e5e8121be42c4352752d70aaaed487d28082bdf3f4a56adf36f294533ea"
)


class SignInRefused(PermissionDenied):
    """Wrong name or password, a locked or a disabled account: said the same way to the caller."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"密码至少 {MIN_PASSWORD_LENGTH} 个字符")
    return generate_password_hash(password)


def set_password(session: Session, username: str, password: str) -> None:
    set_password_hash(session, username, hash_password(password))


def set_password_hash(session: Session, username: str, hashed: str) -> None:
    """A password hash made by hash_password (one hash may serve many demo users). Lifts the
    user's locks and ends their sessions: whoever held the old password is signed out."""
    user = _user(session, username)
    user.password_hash = hashed
    session.execute(delete(SignInFailures).where(SignInFailures.username == username))
    end_sessions(session, username)


def authenticate(
    session: Session, username: str, password: str, now: datetime, *, address: str
) -> User:
    """The user, if the password is right, the account usable and this name not locked from
    this address; the caller commits. Every refusal is the same SignInRefused after the
    same single password check, so neither the answer nor its time tells an unknown name,
    a wrong password and a lock apart."""
    name, address = username[:80], address[:64]  # the columns' widths; a longer name is unknown
    user = None
    if len(username) <= 80:
        user = session.scalar(select(User).where(User.username == username, User.active))
    stored = user.password_hash if user is not None else None
    right = check_password_hash(stored or NO_PASSWORD_HASH, password) and stored is not None
    failures = session.scalar(
        select(SignInFailures).where(
            SignInFailures.username == name, SignInFailures.client_address == address
        )
    )
    if failures is not None and failures.locked_until is not None and failures.locked_until > now:
        log_access(session, now, name, "login_locked", allowed=False, detail=address)
        raise SignInRefused(REFUSED)
    if user is None or not right:
        _count_failure(session, name, address, now)
        log_access(session, now, name, "login_failed", allowed=False, detail=address)
        raise SignInRefused(REFUSED)
    if failures is not None:
        session.delete(failures)
    log_access(session, now, name, "login", allowed=True, detail=address)
    return user


def _count_failure(session: Session, username: str, address: str, now: datetime) -> None:
    """One more failure for the pair (an upsert: two at once cannot collide), a lock at the
    fifth; pairs quiet for longer than a lockout are forgotten, so the table stays small
    however many names are tried."""
    session.execute(
        delete(SignInFailures).where(
            SignInFailures.last_failed_at <= now - LOCKOUT,
            (SignInFailures.locked_until.is_(None)) | (SignInFailures.locked_until <= now),
        )
    )
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(SignInFailures).values(
        username=username, client_address=address, failures=1, last_failed_at=now
    )
    session.execute(
        upsert.on_conflict_do_update(
            index_elements=["username", "client_address"],
            set_={"failures": SignInFailures.failures + 1, "last_failed_at": now},
        )
    )
    session.execute(
        update(SignInFailures)
        .where(
            SignInFailures.username == username,
            SignInFailures.client_address == address,
            SignInFailures.failures >= MAX_FAILED_LOGINS,
        )
        .values(failures=0, locked_until=now + LOCKOUT)
        .execution_options(synchronize_session=False)
    )


def end_sessions(session: Session, username: str) -> None:
    """Every session cookie issued to the user so far stops working (sign-out, a new
    password, disabling): the cookie carries the epoch it was issued under."""
    session.execute(
        update(User)
        .where(User.username == username)
        .values(session_epoch=User.session_epoch + 1)
        .execution_options(synchronize_session="fetch")
    )


def disable_user(session: Session, username: str) -> None:
    user = _user(session, username)
    user.active = False
    for token in session.scalars(select(ApiToken).where(ApiToken.username == username)):
        token.revoked = True
    end_sessions(session, username)


def create_token(session: Session, username: str, now: datetime, *, days: int = TOKEN_DAYS) -> str:
    """A new API token for the user, valid for `days`; the only time it is ever shown."""
    _user(session, username)
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(f"令牌有效期须为 1–{MAX_TOKEN_DAYS} 天，收到 {days}")
    token = secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            username=username,
            token_hash=_digest(token),
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    return token


def user_for_token(session: Session, token: str, now: datetime) -> User:
    """The token's user. Writes nothing on the hot path: the last use is recorded only when
    the stored one is a minute old or more, so most API requests open no write transaction
    (on SQLite, no write lock to wait for)."""
    found = session.execute(
        select(ApiToken, User)
        .join(User, User.username == ApiToken.username)
        .where(ApiToken.token_hash == _digest(token))
    ).first()
    if found is None or found[0].revoked or not found[1].active:
        raise SignInRefused("令牌无效或已撤销：请用 `jtflow token create 用户名` 重新生成")
    row, user = found
    if row.expires_at is not None and row.expires_at <= now:
        expired = row.expires_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        raise SignInRefused(
            f"令牌已于 {expired} 过期：请用 `jtflow token create {user.username}` 生成新令牌"
        )
    if row.last_used_at is None or now - row.last_used_at >= LAST_USE_RESOLUTION:
        row.last_used_at = now
    return user


@dataclass(frozen=True)
class TokenInfo:
    """What `jtflow token list` shows of a token: never the token, nor its hash."""

    id: int
    username: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked: bool


def list_tokens(session: Session, username: str | None = None) -> list[TokenInfo]:
    query = select(ApiToken).order_by(ApiToken.username, ApiToken.id)
    if username is not None:
        _user(session, username)
        query = query.where(ApiToken.username == username)
    return [
        TokenInfo(t.id, t.username, t.created_at, t.last_used_at, t.expires_at, t.revoked)
        for t in session.scalars(query)
    ]


def revoke_token(session: Session, token_id: int) -> TokenInfo:
    """Revoke one token by the id `jtflow token list` shows; revoking twice is harmless."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"令牌 {token_id} 不存在：请用 `jtflow token list` 查看编号")
    token.revoked = True
    return TokenInfo(
        token.id, token.username, token.created_at, token.last_used_at, token.expires_at, True
    )


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
