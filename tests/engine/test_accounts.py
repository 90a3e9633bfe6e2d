"""S1: signing in — hashed passwords, one answer in one time for every refusal, five failures
of a name from one address lock that pair for fifteen minutes, sessions ended on the server,
API tokens stored only as hashes that expire, and every refusal in the access log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select
from werkzeug.security import check_password_hash, generate_password_hash

import engine.people.accounts
from engine.demo import DEMO_PASSWORD
from engine.errors import InvalidInput, NotFound
from engine.models import AccessLog, ApiToken, SignInFailures, User
from engine.people.accounts import (
    NO_PASSWORD_HASH,
    REFUSED,
    SignInRefused,
    authenticate,
    create_token,
    disable_user,
    end_sessions,
    list_tokens,
    revoke_token,
    set_password,
    user_for_token,
)

HOME, ATTACKER = "10.1.1.7", "203.0.113.9"


def sign_in(jtflow, password, username="c_12328", address=HOME):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        try:
            now = jtflow.clock.now()
            return authenticate(session, username, password, now, address=address).username
        finally:
            session.commit()


def refused(jtflow, password, username="c_12328", address=HOME):  # type: ignore[no-untyped-def]
    with pytest.raises(SignInRefused) as raised:
        sign_in(jtflow, password, username, address)
    return str(raised.value)


def log_rows(jtflow):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        rows = session.execute(
            select(AccessLog.action, AccessLog.detail).order_by(AccessLog.id)
        ).all()
    return [tuple(r) for r in rows]


def epoch_of(jtflow, username):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        return session.scalar(select(User.session_epoch).where(User.username == username))


def test_the_right_password_signs_in_and_the_hash_is_not_the_password(jtflow):
    assert sign_in(jtflow, DEMO_PASSWORD) == "c_12328"
    with jtflow.sessions() as session:
        stored = session.scalar(select(User.password_hash).where(User.username == "c_12328"))
    assert stored and DEMO_PASSWORD not in stored and stored.startswith("scrypt:")
    assert log_rows(jtflow) == [("login", HOME)]


def test_five_failures_from_one_address_lock_that_name_there_for_fifteen_minutes(jtflow, clock):
    for _ in range(5):
        assert refused(jtflow, "wrong password") == REFUSED
    assert refused(jtflow, DEMO_PASSWORD) == REFUSED  # even the right password, while locked
    clock.advance(minutes=14, seconds=59)
    assert refused(jtflow, DEMO_PASSWORD) == REFUSED
    clock.advance(seconds=1)
    assert sign_in(jtflow, DEMO_PASSWORD) == "c_12328"
    assert log_rows(jtflow) == [
        *[("login_failed", HOME)] * 5,
        *[("login_locked", HOME)] * 2,
        ("login", HOME),
    ]


def test_someone_hammering_from_elsewhere_cannot_lock_the_user_out(jtflow, clock):
    for _ in range(3):
        for _ in range(6):
            refused(jtflow, "guess", address=ATTACKER)
        clock.advance(minutes=4)
        assert sign_in(jtflow, DEMO_PASSWORD, address=HOME) == "c_12328"
    assert refused(jtflow, DEMO_PASSWORD, address=ATTACKER) == REFUSED  # that pair is locked
    actions = {(a, d) for a, d in log_rows(jtflow)}
    assert actions == {
        ("login_failed", ATTACKER),
        ("login_locked", ATTACKER),
        ("login", HOME),
    }


def test_wrong_passwords_during_a_lock_do_not_make_it_longer(jtflow, clock):
    for _ in range(5):
        refused(jtflow, "wrong password")
    for _ in range(10):
        clock.advance(minutes=1)
        refused(jtflow, "wrong password")
    clock.advance(minutes=5)
    assert sign_in(jtflow, DEMO_PASSWORD) == "c_12328"


def test_a_success_resets_the_count_and_quiet_failures_are_forgotten(jtflow, clock):
    for _ in range(4):
        refused(jtflow, "wrong password")
    sign_in(jtflow, DEMO_PASSWORD)
    for _ in range(4):
        refused(jtflow, "wrong password")
    clock.advance(minutes=15)
    for _ in range(4):
        refused(jtflow, "wrong password")
    assert sign_in(jtflow, DEMO_PASSWORD) == "c_12328"


def test_failures_of_names_that_do_not_exist_are_counted_then_forgotten(jtflow, clock):
    for name in ("nobody", "no_one", "x" * 500):
        refused(jtflow, "guess", username=name, address=ATTACKER)
    clock.advance(minutes=15)
    refused(jtflow, "guess", username="someone", address=ATTACKER)
    with jtflow.sessions() as session:
        names = session.scalars(select(SignInFailures.username)).all()
    assert names == ["someone"]  # the quiet pairs are gone: the table cannot grow without end


def test_unknown_disabled_locked_and_wrong_are_one_answer_after_one_password_check(
    jtflow, monkeypatch
):
    """The same message and the same work: one scrypt check each time (for an unknown name
    or a disabled account, against a fixed hash of the same cost)."""
    checked: list[str] = []

    def counting(stored: str, password: str) -> bool:
        checked.append(stored.split("$")[0])
        return check_password_hash(stored, password)

    monkeypatch.setattr(engine.people.accounts, "check_password_hash", counting)
    answers = [refused(jtflow, DEMO_PASSWORD, username="nobody")]
    answers += [refused(jtflow, "wrong password") for _ in range(5)]
    answers.append(refused(jtflow, DEMO_PASSWORD))  # locked
    with jtflow.sessions() as session:
        disable_user(session, "transport_handler")
        session.commit()
    answers.append(refused(jtflow, DEMO_PASSWORD, username="transport_handler"))
    assert set(answers) == {REFUSED} and "忘记密码请找管理员重设" in REFUSED
    assert checked == ["scrypt:32768:8:1"] * len(answers)


def test_the_fixed_hash_costs_what_a_real_one_costs():
    """If werkzeug's defaults change, refusing an unknown name would get faster or slower
    than a wrong password: remake NO_PASSWORD_HASH with generate_password_hash."""
    real = generate_password_hash("a-new-password")
    assert NO_PASSWORD_HASH.split("$")[0] == real.split("$")[0]
    assert len(NO_PASSWORD_HASH) == len(real)


def test_a_new_password_lifts_the_locks_and_ends_the_sessions(jtflow):
    for _ in range(5):
        refused(jtflow, "wrong password")
    before = epoch_of(jtflow, "c_12328")
    with jtflow.sessions() as session:
        set_password(session, "c_12328", "a-new-password")
        session.commit()
    assert epoch_of(jtflow, "c_12328") == before + 1
    assert sign_in(jtflow, "a-new-password") == "c_12328"


def test_sign_out_and_disabling_end_the_sessions(jtflow):
    before = epoch_of(jtflow, "c_12328"), epoch_of(jtflow, "bus_handler")
    with jtflow.sessions() as session:
        end_sessions(session, "c_12328")
        disable_user(session, "bus_handler")
        session.commit()
    assert (epoch_of(jtflow, "c_12328"), epoch_of(jtflow, "bus_handler")) == (
        before[0] + 1,
        before[1] + 1,
    )


def test_a_short_password_is_refused(jtflow):
    with jtflow.sessions() as session, pytest.raises(InvalidInput, match="至少 8 个字符"):
        set_password(session, "c_12328", "short")


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


def test_a_token_expires_after_ninety_days_unless_told_otherwise(jtflow, clock):
    with jtflow.sessions() as session:
        lasting = create_token(session, "bus_handler", clock.now())
        short = create_token(session, "bus_handler", clock.now(), days=1)
        session.commit()
    clock.advance(days=1)
    with jtflow.sessions() as session:
        with pytest.raises(SignInRefused) as raised:
            user_for_token(session, short, clock.now())
        assert str(raised.value) == (
            "令牌已于 2026-09-29 09:00 过期：请用 `jtflow token create bus_handler` 生成新令牌"
        )
        clock.advance(days=89, seconds=-1)
        assert user_for_token(session, lasting, clock.now()).username == "bus_handler"
        clock.advance(seconds=1)
        with pytest.raises(SignInRefused, match="过期"):
            user_for_token(session, lasting, clock.now())


def test_a_token_made_before_expiry_existed_does_not_expire(jtflow, clock):
    with jtflow.sessions() as session:
        token = create_token(session, "bus_handler", clock.now())
        session.scalar(select(ApiToken)).expires_at = None  # as migration 0007 leaves them
        session.commit()
    clock.advance(days=1000)
    with jtflow.sessions() as session:
        assert user_for_token(session, token, clock.now()).username == "bus_handler"


@pytest.mark.parametrize("days", [0, -1, 3651])
def test_an_absurd_lifetime_is_refused(jtflow, clock, days):
    with jtflow.sessions() as session, pytest.raises(InvalidInput, match="1–3650 天"):
        create_token(session, "bus_handler", clock.now(), days=days)


def test_tokens_are_listed_without_the_token_and_revoked_by_id(jtflow, clock):
    with jtflow.sessions() as session:
        first = create_token(session, "bus_handler", clock.now())
        create_token(session, "c_12328", clock.now(), days=7)
        session.commit()
        listed = list_tokens(session)
        assert [(t.username, t.expires_at - t.created_at) for t in listed] == [
            ("bus_handler", timedelta(days=90)),
            ("c_12328", timedelta(days=7)),
        ]
        assert first not in repr(listed) and "hash" not in repr(listed)
        assert [t.username for t in list_tokens(session, "c_12328")] == ["c_12328"]
        with pytest.raises(NotFound, match="jtflow user list"):
            list_tokens(session, "nobody")
        assert revoke_token(session, listed[0].id).revoked
        session.commit()
        with pytest.raises(SignInRefused, match="已撤销"):
            user_for_token(session, first, clock.now())
        with pytest.raises(NotFound, match="令牌 999 不存在：请用 `jtflow token list`"):
            revoke_token(session, 999)


def test_reading_a_token_writes_its_last_use_at_most_once_a_minute(jtflow, clock):
    """Authenticating a token is a read: the second use within a minute issues no write at
    all, so API requests take no write lock (on SQLite) while another step holds one."""
    with jtflow.sessions() as session:
        token = create_token(session, "bus_handler", clock.now())
        session.commit()
    statements: list[str] = []
    bind = jtflow.sessions.kw["bind"]

    def record(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement.split()[0].upper())

    event.listen(bind, "before_cursor_execute", record)
    try:
        writes = []
        for seconds in (0, 30, 29, 2):  # uses at +0 s, +30 s, +59 s and +61 s
            used = clock.advance(seconds=seconds)
            statements.clear()
            with jtflow.sessions() as session:
                user_for_token(session, token, used)
                session.commit()
            writes.append([s for s in statements if s in ("UPDATE", "INSERT", "DELETE")])
    finally:
        event.remove(bind, "before_cursor_execute", record)
    assert writes == [["UPDATE"], [], [], ["UPDATE"]]
    with jtflow.sessions() as session:
        assert session.scalar(select(ApiToken.last_used_at)) == used
