"""engine.people.user_admin: only a 管理员 manages users; every field's problem is reported at once
and nothing is written; each change is in the access log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import InvalidInput, PermissionDenied
from engine.models import AccessLog, User
from engine.people.user_admin import create_user, disable, reset_password

GOOD = {
    "username": "bus_clerk",
    "display_name": "公交 新办理人",
    "unit_code": "BUS_GROUP",
    "roles": ["办理人"],
    "password": "a-good-password",
}


def named(session, username):  # type: ignore[no-untyped-def]
    return session.scalar(select(User).where(User.username == username))


@pytest.mark.parametrize("username", ["c_12328", "auditor", "owner"])
def test_only_an_administrator_changes_users(jtflow, username):
    now = jtflow.clock.now()
    with jtflow.sessions() as session:
        actor = named(session, username)
        with pytest.raises(PermissionDenied, match="管理员"):
            create_user(session, actor, now, **GOOD)
        with pytest.raises(PermissionDenied):
            reset_password(session, actor, now, "bus_handler", "new-password-1")
        with pytest.raises(PermissionDenied):
            disable(session, actor, now, "bus_handler")
        assert named(session, "bus_clerk") is None and named(session, "bus_handler").active


def test_every_problem_is_reported_at_once_and_nothing_written(jtflow):
    with jtflow.sessions() as session:
        admin = named(session, "admin")
        with pytest.raises(InvalidInput) as raised:
            create_user(
                session,
                admin,
                jtflow.clock.now(),
                username="x",
                display_name=" ",
                unit_code="NOWHERE",
                roles=["船长"],
                password="short",
            )
        fields = [e.field for e in raised.value.errors]
        assert fields == ["username", "display_name", "unit_code", "roles", "password"]
        assert "未知角色 船长" in str(raised.value)
        assert named(session, "x") is None


def test_changes_are_in_the_access_log(jtflow):
    now = jtflow.clock.now()
    with jtflow.sessions() as session:
        admin = named(session, "admin")
        create_user(session, admin, now, **GOOD)
        reset_password(session, admin, now, "bus_clerk", "another-password")
        disable(session, admin, now, "bus_clerk")
        session.commit()
        rows = session.execute(
            select(AccessLog.action, AccessLog.username, AccessLog.target_id).where(
                AccessLog.target_kind == "user"
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        ("user_added", "admin", "bus_clerk"),
        ("password_reset", "admin", "bus_clerk"),
        ("user_disabled", "admin", "bus_clerk"),
    ]
