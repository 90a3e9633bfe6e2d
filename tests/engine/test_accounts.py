"""S1: signing in — hashed passwords, five failures lock an account for fifteen minutes,
API tokens stored only as hashes, and every refusal in the access log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.accounts import (
    SignInRefused,
    authenticate,
    create_token,
    disable_user,
    set_password,
    user_for_token,
)
from engine.demo import DEMO_PASSWORD
from engine.errors import InvalidInput
from engine.models import AccessLog, ApiToken, User


def sign_in(jtflow, password, username="c_12328"):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        try:
            return authenticate(session, username, password, jtflow.clock.now()).username
        finally:
            session.commit()


def test_the_right_password_signs_in_and_the_hash_is_not_the_password(jtflow):
    assert sign_in(jtflow, DEMO_PASSWORD) == "c_12328"
    with jtflow.sessions() as session:
        stored = session.scalar(select(User.password_hash).where(User.username == "c_12328"))
    assert stored and DEMO_PASSWORD not in stored and stored.startswith("scrypt:")


def test_five_failures_lock_the_account_for_fifteen_minutes(jtflow, clock):
    for _ in range(5):
        with pytest.raises(SignInRefused, match="用户名或密码不正确"):
            sign_in(jtflow, "wrong password")
    with pytest.raises(SignInRefused, match="已锁定"):
        sign_in(jtflow, DEMO_PASSWORD)  # even the right password, while locked
    clock.advance(minutes=14, seconds=59)
    with pytest.raises(SignInRefused, match="已锁定"):
        sign_in(jtflow, DEMO_PASSWORD)
    clock.advance(seconds=1)
    assert sign_in(jtflow, DEMO_PASSWORD) == "c_12328"
    with jtflow.sessions() as session:
        actions = list(session.scalars(select(AccessLog.action).order_by(AccessLog.id)))
    assert actions == ["login_failed"] * 5 + ["login_locked"] * 2 + ["login"]


def test_a_success_resets_the_failure_count(jtflow):
    for _ in range(4):
        with pytest.raises(SignInRefused):
            sign_in(jtflow, "wrong password")
    sign_in(jtflow, DEMO_PASSWORD)
    for _ in range(4):
        with pytest.raises(SignInRefused):
            sign_in(jtflow, "wrong password")
    assert sign_in(jtflow, DEMO_PASSWORD) == "c_12328"


def test_unknown_and_disabled_users_are_refused_like_a_wrong_password(jtflow):
    with pytest.raises(SignInRefused, match="用户名或密码不正确"):
        sign_in(jtflow, DEMO_PASSWORD, username="nobody")
    with jtflow.sessions() as session:
        disable_user(session, "c_12328")
        session.commit()
    with pytest.raises(SignInRefused, match="用户名或密码不正确"):
        sign_in(jtflow, DEMO_PASSWORD)


def test_a_token_is_shown_once_stored_hashed_and_dies_with_its_user(jtflow, clock):
    now = clock.now()
    with jtflow.sessions() as session:
        token = create_token(session, "transport_handler", now)
        session.commit()
        assert session.scalar(select(ApiToken.token_hash)) != token
        assert user_for_token(session, token, now).username == "transport_handler"
        with pytest.raises(SignInRefused, match="令牌无效"):
            user_for_token(session, token + "x", now)
        disable_user(session, "transport_handler")
        session.commit()
        with pytest.raises(SignInRefused, match="令牌无效"):
            user_for_token(session, token, now + timedelta(seconds=1))


def test_a_short_password_is_refused(jtflow):
    with jtflow.sessions() as session, pytest.raises(InvalidInput, match="至少 8 个字符"):
        set_password(session, "c_12328", "short")
